// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner.gradients;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The check's own logic: it passes right numbers and flags wrong ones. */
class NativeConvolutionCheckTest {

  /** A linear map A (3 x 4 per example) given as a matrix, two examples. */
  private static final double[][] A = {{1, 2, 0, -1}, {0, 1, 3, 1}, {2, 0, 1, 1}};

  @Test
  void adjointIdentityHoldsForTheTrueGradientAndFailsForAWrongOne() {
    Random random = new Random(1);
    int parts = 2;
    float[] v = new float[parts * 4];
    float[] r = new float[parts * 3];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < r.length; i++) {
      r[i] = (float) random.nextGaussian();
    }
    float[] av = new float[parts * 3];
    float[] grad = new float[parts * 4]; // A^T r per example
    for (int p = 0; p < parts; p++) {
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 4; j++) {
          av[p * 3 + i] += (float) (A[i][j] * v[p * 4 + j]);
          grad[p * 4 + j] += (float) (A[i][j] * r[p * 3 + i]);
        }
      }
    }
    try (NDManager m = NDManager.newBaseManager()) {
      java.util.function.Function<float[], Double> mismatch = g ->
          NativeConvolutionCheck.adjointMismatch(m.create(g, new Shape(parts, 4)),
              m.create(v, new Shape(parts, 4)), m.create(av, new Shape(parts, 3)),
              m.create(r, new Shape(parts, 3)));
      assertTrue(mismatch.apply(grad) < 1e-6);
      float[] wrong = grad.clone();
      wrong[5] *= 0.5f; // one element of the second example
      assertTrue(mismatch.apply(wrong) > 1e-3);
      float[] unwritten = grad.clone();
      java.util.Arrays.fill(unwritten, 4, 8, 0f);
      assertTrue(mismatch.apply(unwritten) > 1e-3);
      wrong[0] = Float.NaN;
      assertTrue(Double.isNaN(mismatch.apply(wrong)));
    }
  }

  @Test
  void aHealthyShapePassesEveryPart() {
    // The Nature CNN's third layer: right on every CPU measured so far.
    Conv2d conv = Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(64).build();
    try (NDManager m = NDManager.newBaseManager()) {
      NativeConvolutionCheck.Result r = NativeConvolutionCheck.run(
          m, conv, new Shape(64, 64, 3, 3), new Shape(4, 64, 9, 9), true, 0);
      assertFalse(r.forwardWrong(), r.toString());
      assertFalse(r.backwardWrong(), r.toString());
      assertTrue(r.inputGradient() > 0, "the input gradient was checked: " + r);
    }
  }
}
