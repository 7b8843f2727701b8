// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner.gradients;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The oneDNN products against plain double arithmetic, at shapes of the Pong network's layers. */
class ProductByConvolutionTest {

  @Test
  void batchedProductMatchesDoubleArithmeticPerExample() {
    // conv3's per-example product G_i^T = U_i D_i^T: (b, K, L) x (b, L, out), here smaller.
    int b = 5;
    int m = 36;
    int n = 121;
    int p = 16;
    float[] left = uniform(b * m * n, 1);
    float[] right = uniform(b * n * p, 2);
    try (NDManager nd = NDManager.newBaseManager()) {
      NDArray got = ProductByConvolution.matMul(nd.create(left, new Shape(b, m, n)),
          nd.create(right, new Shape(b, n, p)));
      assertEquals(new Shape(b, m, p), got.getShape());
      assertArrayEquals(product(left, right, b, m, n, p), got.toFloatArray(), 1e-4f);
    }
  }

  @Test
  void transposedOperandIsCopiedNotMisread() {
    // The dense layer's (Delta^2)^T (A^2): the left operand is a transposed view.
    int batch = 32;
    int out = 24;
    int in = 77;
    float[] d2 = uniform(batch * out, 3);
    float[] a2 = uniform(batch * in, 4);
    float[] d2t = new float[out * batch];
    for (int i = 0; i < batch; i++) {
      for (int o = 0; o < out; o++) {
        d2t[o * batch + i] = d2[i * out + o];
      }
    }
    try (NDManager nd = NDManager.newBaseManager()) {
      NDArray got = ProductByConvolution.matMul(
          nd.create(d2, new Shape(batch, out)).transpose(), nd.create(a2, new Shape(batch, in)));
      assertEquals(new Shape(out, in), got.getShape());
      assertArrayEquals(product(d2t, a2, 1, out, batch, in), got.toFloatArray(), 1e-4f);
    }
  }

  private static float[] product(float[] left, float[] right, int b, int m, int n, int p) {
    float[] out = new float[b * m * p];
    for (int e = 0; e < b; e++) {
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < p; j++) {
          double s = 0;
          for (int k = 0; k < n; k++) {
            s += (double) left[(e * m + i) * n + k] * right[(e * n + k) * p + j];
          }
          out[(e * m + i) * p + j] = (float) s;
        }
      }
    }
    return out;
  }

  private static float[] uniform(int size, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = (float) random.nextDouble(-1, 1);
    }
    return x;
  }
}
