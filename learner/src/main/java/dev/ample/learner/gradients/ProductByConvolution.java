// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner.gradients;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * Matrix products run as oneDNN 1x1 convolutions (examples as groups) instead of PyTorch's
 * {@code matmul}, which calls MKL. On an AMD EPYC family 26 (AVX-512) MKL's sgemm ran at about half
 * oneDNN's speed for the engine's products (B=256: the dense layer's (Delta^2)^T (A^2), 512 x 256 x
 * 7744, 13.8 against 7.3 ms; conv2's per-example products 22.6 against 17.2 ms with the unfold),
 * as oneDNN generates its kernels for the CPU's instruction set and MKL picks its own code path.
 * The results are the same sums in float32 (measured relative differences under 1e-6); the engine
 * still compares them with {@code matmul} once per layer and shape.
 */
final class ProductByConvolution {

  private static final Shape ONE = new Shape(1, 1);
  private static final Shape NO_PADDING = new Shape(0, 0);

  private ProductByConvolution() {}

  /**
   * {@code left (m, n) x right (n, p) -> (m, p)}, or per example {@code left (b, m, n) x right (b,
   * n, p) -> (b, m, p)}. The right operand is the convolution's input ({@code n} channels of
   * length {@code p}), the left its kernels; either is copied first when it is not contiguous.
   */
  static NDArray matMul(NDArray left, NDArray right) {
    Shape l = left.getShape();
    boolean batched = l.dimension() == 3;
    long b = batched ? l.get(0) : 1;
    long m = l.get(l.dimension() - 2);
    long n = l.get(l.dimension() - 1);
    long p = right.getShape().get(right.getShape().dimension() - 1);
    NDArray y = Conv2d.conv2d(right.reshape(1, b * n, p, 1), left.reshape(b * m, n, 1, 1), null,
            ONE, NO_PADDING, ONE, Math.toIntExact(b))
        .singletonOrThrow();
    return batched ? y.reshape(b, m, p) : y.reshape(m, p);
  }
}
