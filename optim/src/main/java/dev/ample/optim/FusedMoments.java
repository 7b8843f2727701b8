// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * Adam's and Eve's per-tensor arithmetic ({@link Transforms#scaleByAdam}, {@link
 * Transforms#scaleByEve}) for float32 tensors on the CPU, as two host passes over the tensors'
 * memory and one native square root, instead of about fifteen PyTorch element-wise operations,
 * each a pass over the tensor and most a temporary of its size (on the authors' 4M-parameter
 * network the optimizer update was most of the gap between the training loop's minibatch step and
 * the gradient engine's alone, README "Measured here").
 *
 * <p>The results are bit-identical to those operations ({@code FusedMomentsTest} checks it): every
 * float operation is the one PyTorch performs, in the same order and association ({@code
 * x.mul(b)} rounds as {@code x * (float) b}), and the square root stays PyTorch's, whose CPU
 * results differ from the correctly rounded {@code Math.sqrt} in some last bits.
 */
final class FusedMoments {

  /** Tensors this large are split over two threads (the machines here have two cores). */
  private static final int PARALLEL_FROM = 1 << 16;

  private FusedMoments() {}

  /** The coefficients of one step, as PyTorch rounds the scalars it is given. */
  private record Coefficients(float b1, float c1, float b2, float c2, float k1, float kv,
      float kSquare, boolean batchCorrection, float epsRoot, float eps) {}

  /** Whether every array is a float32 array in host memory, which this class can read. */
  static boolean applies(NDArray... arrays) {
    for (NDArray a : arrays) {
      if (a.getDataType() != DataType.FLOAT32 || !Device.Type.CPU.equals(a.getDevice().getDeviceType())) {
        return false;
      }
    }
    return true;
  }

  /** Adam: {@code [update, m, v]} as {@link Transforms#scaleByAdam} defines them. */
  static NDArray[] adam(NDArray mu, NDArray m, NDArray v, long t, double b1, double b2,
      double eps, double epsRoot) {
    double bc1 = 1 - Math.pow(b1, t);
    double bc2 = 1 - Math.pow(b2, t);
    return step(mu, null, m, v, new Coefficients((float) b1, (float) (1 - b1), (float) b2,
        (float) (1 - b2), (float) (1 / bc1), (float) (1 / bc2), 0, false, (float) epsRoot,
        (float) eps), epsRoot != 0);
  }

  /** Eve: {@code [update, m, v]} as {@link Transforms#scaleByEve} defines them. */
  static NDArray[] eve(NDArray mu, NDArray s, NDArray m, NDArray v, long t, double b1,
      double b2, double eps, double epsRoot, boolean batchCorrection, int batchSize) {
    double bc1 = 1 - Math.pow(b1, t);
    double bc2 = 1 - Math.pow(b2, t);
    float kv = (float) (batchCorrection ? 1 / (bc2 * batchSize) : 1 / bc2);
    float kSquare = (float) (1 - 1.0 / batchSize);
    return step(mu, s, m, v, new Coefficients((float) b1, (float) (1 - b1), (float) b2,
        (float) (1 - b2), (float) (1 / bc1), kv, kSquare, batchCorrection, (float) epsRoot,
        (float) eps), epsRoot != 0);
  }

  /**
   * Pass 1 writes the new moments and, in the update's array, the value under the square root;
   * PyTorch takes the root; pass 2 writes the update. {@code s} null: Adam's {@code mu^2}.
   */
  private static NDArray[] step(NDArray mu, NDArray s, NDArray m, NDArray v, Coefficients c,
      boolean addEpsRoot) {
    int n = Math.toIntExact(mu.size());
    NDArray update = mu.getManager().create(mu.getShape(), DataType.FLOAT32);
    NDArray newM = mu.getManager().create(mu.getShape(), DataType.FLOAT32);
    NDArray newV = mu.getManager().create(mu.getShape(), DataType.FLOAT32);
    FloatBuffer fMu = floats(mu);
    FloatBuffer fS = s == null ? null : floats(s);
    FloatBuffer fM = floats(m);
    FloatBuffer fV = floats(v);
    FloatBuffer fU = floats(update);
    FloatBuffer fNewM = floats(newM);
    FloatBuffer fNewV = floats(newV);
    forChunks(n, (lo, hi) -> {
      for (int i = lo; i < hi; i++) {
        float g = fMu.get(i);
        float mi = fM.get(i) * c.b1() + g * c.c1();
        float vi = fV.get(i) * c.b2() + (fS == null ? g * g : fS.get(i)) * c.c2();
        float mhat = mi * c.k1();
        float under = c.batchCorrection() ? vi * c.kv() + mhat * mhat * c.kSquare()
            : vi * c.kv();
        if (addEpsRoot) {
          under = under + c.epsRoot();
        }
        fNewM.put(i, mi);
        fNewV.put(i, vi);
        fU.put(i, under);
      }
    });
    try (NDArray root = update.sqrt()) {
      FloatBuffer fRoot = floats(root);
      forChunks(n, (lo, hi) -> {
        for (int i = lo; i < hi; i++) {
          fU.put(i, fNewM.get(i) * c.k1() / (fRoot.get(i) + c.eps()));
        }
      });
    }
    return new NDArray[] {update, newM, newV};
  }

  /** The array's memory itself for a new (contiguous) array, a copy for others (read only). */
  private static FloatBuffer floats(NDArray a) {
    return a.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  @FunctionalInterface
  private interface Range {
    void run(int lo, int hi);
  }

  private static void forChunks(int n, Range range) {
    if (n < PARALLEL_FROM) {
      range.run(0, n);
      return;
    }
    IntStream.range(0, 2).parallel().forEach(k -> range.run(k == 0 ? 0 : n / 2, k == 0 ? n / 2 : n));
  }
}
