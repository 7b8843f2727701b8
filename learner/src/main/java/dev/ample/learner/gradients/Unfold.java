// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner.gradients;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * im2col: (b, C, H, W) -> (b, K, Ho*Wo) with K = C*kh*kw in some order, plus the map of a
 * statistic (out, K) back to the weight's (out, C, kh, kw) order.
 *
 * <p>When the stride divides the kernel (conv 8x8/4 and 4x4/2 of the Nature CNN) the input is
 * first cut into stride x stride blocks ("space to depth"); the unfold is then (kh/s)(kw/s)
 * contiguous block slices instead of kh*kw strided ones (4 instead of 64 for the first layer),
 * with K in the order (qh, qw, C, rh, rw) where kernel row = qh*s + rh. Otherwise kh*kw strided
 * slices, K in weight order.
 */
record Unfold(Shape kernel, Shape stride, Shape dilation, long ho, long wo) {

  boolean blocked() {
    long sh = stride.get(0);
    long sw = stride.get(1);
    return (sh > 1 || sw > 1) && kernel.get(0) % sh == 0 && kernel.get(1) % sw == 0
        && dilation.get(0) == 1 && dilation.get(1) == 1;
  }

  NDArray apply(NDArray a) {
    long kh = kernel.get(0);
    long kw = kernel.get(1);
    long sh = stride.get(0);
    long sw = stride.get(1);
    long dh = dilation.get(0);
    long dw = dilation.get(1);
    long b = a.getShape().get(0);
    long c = a.getShape().get(1);
    NDList slices = new NDList();
    if (blocked()) {
      long qh = kh / sh;
      long qw = kw / sw;
      long hq = ho - 1 + qh;
      long wq = wo - 1 + qw;
      // (b, C, hq*sh, wq*sw) -> (b, C, sh, sw, hq, wq): element [c, rh, rw, y, x] = a[c, y*sh+rh, x*sw+rw]
      NDArray blocks =
          a.get(new NDIndex(":, :, :{}, :{}", hq * sh, wq * sw))
              .reshape(b, c, hq, sh, wq, sw)
              .transpose(0, 1, 3, 5, 2, 4);
      for (long i = 0; i < qh; i++) {
        for (long j = 0; j < qw; j++) {
          slices.add(blocks.get(new NDIndex(":, :, :, :, {}:{}, {}:{}", i, i + ho, j, j + wo)));
        }
      }
      return NDArrays.stack(slices, 1).reshape(b, c * kh * kw, ho * wo); // (b, Q, C, sh, sw, L)
    }
    for (long i = 0; i < kh; i++) {
      for (long j = 0; j < kw; j++) {
        slices.add(
            a.get(
                new NDIndex(
                    ":, :, {}:{}:{}, {}:{}:{}",
                    i * dh, i * dh + sh * (ho - 1) + 1, sh,
                    j * dw, j * dw + sw * (wo - 1) + 1, sw)));
      }
    }
    return NDArrays.stack(slices, 2).reshape(b, c * kh * kw, ho * wo); // (b, C, kh*kw, L)
  }

  /** A statistic (out, K) in {@link #apply}'s K order -> the weight shape (out, C, kh, kw). */
  NDArray toWeightOrder(NDArray stat, Shape wShape) {
    if (!blocked()) {
      return stat.reshape(wShape);
    }
    long sh = stride.get(0);
    long sw = stride.get(1);
    long out = wShape.get(0);
    long c = wShape.get(1);
    return stat.reshape(out, kernel.get(0) / sh, kernel.get(1) / sw, c, sh, sw)
        .transpose(0, 3, 1, 4, 2, 5)
        .reshape(wShape);
  }

  /** The inverse of {@link #toWeightOrder}: a weight (out, C, kh, kw) -> (out, K), K as in {@link #apply}. */
  NDArray fromWeightOrder(NDArray weight) {
    Shape w = weight.getShape();
    long out = w.get(0);
    if (!blocked()) {
      return weight.reshape(out, w.size() / out);
    }
    long sh = stride.get(0);
    long sw = stride.get(1);
    // (out, C, qh*sh + rh, qw*sw + rw) -> (out, qh, qw, C, rh, rw)
    return weight.reshape(out, w.get(1), kernel.get(0) / sh, sh, kernel.get(1) / sw, sw)
        .transpose(0, 2, 4, 1, 3, 5)
        .reshape(out, w.size() / out);
  }
}
