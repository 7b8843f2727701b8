// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Eve's defining properties: it is Adam at B = 1, and its variance estimate is sqrt(B) less noisy. */
class EveTest {

  @Test
  void eveEqualsAdamExactlyWhenBatchSizeIsOne() {
    Engine.getInstance().setRandomSeed(5);
    try (NDManager manager = NDManager.newBaseManager()) {
      List<NDArray> params = List.of(manager.randomNormal(new Shape(3, 4)), manager.randomNormal(new Shape(5)));
      Optimizer adam = Optimizers.create("adam");
      Optimizer eve = Optimizers.create("eve");
      OptimizerState adamState = adam.init(params);
      OptimizerState eveState = eve.init(params);
      for (int t = 0; t < 6; t++) {
        try (NDManager step = manager.newSubManager()) {
          List<TensorStats> adamStats = new ArrayList<>();
          List<TensorStats> eveStats = new ArrayList<>();
          for (NDArray p : params) {
            // One example: the mean is the example's gradient and s = g^2.
            NDArray g = step.randomNormal(p.getShape()).mul(t + 1);
            adamStats.add(TensorStats.ofMean(g));
            eveStats.add(new TensorStats(g, g.square(), null, null));
          }
          Optimizer.Step a = adam.update(new GradientStats(1, adamStats), adamState, params);
          Optimizer.Step e = eve.update(new GradientStats(1, eveStats), eveState, params);
          adamState = a.state();
          eveState = e.state();
          for (int i = 0; i < params.size(); i++) {
            assertArrayEquals(a.updates().get(i).toFloatArray(), e.updates().get(i).toFloatArray(), 0.0f,
                "step " + t + " tensor " + i);
          }
        }
      }
    }
  }

  @Test
  void batchCorrectionChangesTheUpdateWhenBatchSizeIsAboveOne() {
    try (NDManager manager = NDManager.newBaseManager()) {
      List<NDArray> params = List.of(manager.zeros(new Shape(4)));
      NDArray mu = manager.create(new float[] {0.1f, -0.2f, 0.3f, 0.05f});
      NDArray s = manager.create(new float[] {0.5f, 0.6f, 0.7f, 0.8f});
      GradientStats stats = new GradientStats(8, List.of(new TensorStats(mu, s, null, null)));
      Optimizer on = Optimizers.create("eve");
      Optimizer off = Optimizers.create("eve", Map.of("batch_correction", false));
      float[] a = on.update(stats, on.init(params), params).updates().get(0).toFloatArray();
      float[] b = off.update(stats, off.init(params), params).updates().get(0).toFloatArray();
      assertFalse(Arrays.equals(a, b));
    }
  }

  /**
   * Appendix A: with i.i.d. Gaussian per-example gradients (zero mean, unit variance, B per batch),
   * both optimizers carry an estimate of the variance of the batch gradient, {@code sigma^2/B}:
   * Adam's is {@code vhat - mhat^2} from its EMAs of {@code mu} and {@code mu^2} (one degree of
   * freedom per batch), Eve's is {@code vt - mhat^2 = (vhat - mhat^2)/B} from its EMA of the
   * examplewise second moment (B degrees of freedom per batch). Read from the optimizers' own
   * states after 100 steps with b1 = b2 = 0.9, over K = 20000 independent coordinates, the
   * standard deviation of Eve's estimate over that of Adam's should be about {@code 1/sqrt(B)}.
   *
   * <p>Tolerance: {@code ratio sqrt(B)} in [0.85, 1.20]. The 1/sqrt(B) law is first order: the
   * {@code mhat^2} terms and the EMA weights shift the ratio by O(sum w_k^2) = O((1-b)/(1+b)) ~ 5%
   * (a NumPy simulation of the same set-up gives 1.03, 1.03, 1.05 for B = 4, 16, 64), and the
   * sampling error of a standard deviation over K = 20000 coordinates is ~1%.
   */
  @ParameterizedTest(name = "B = {0}")
  @ValueSource(ints = {4, 16, 64})
  void eveVarianceEstimateIsSqrtBLessNoisyThanAdams(int batch) {
    int k = 20_000;
    double b = 0.9;
    int steps = 100;
    Engine.getInstance().setRandomSeed(1234 + batch);
    try (NDManager manager = NDManager.newBaseManager()) {
      List<NDArray> params = List.of(manager.zeros(new Shape(k)));
      Optimizer adam = Transforms.scaleByAdam(b, b, 1e-8, 0);
      Optimizer eve = Transforms.scaleByEve(b, b, 1e-8, 0, true);
      OptimizerState adamState = adam.init(params);
      OptimizerState eveState = eve.init(params);
      for (int t = 0; t < steps; t++) {
        try (NDManager step = manager.newSubManager()) {
          NDArray g = step.randomNormal(new Shape(batch, k));
          NDArray mu = g.mean(new int[] {0});
          NDArray s = g.square().mean(new int[] {0});
          adamState = adam.update(GradientStats.ofMeans(batch, List.of(mu)), adamState, params).state();
          eveState = eve.update(new GradientStats(batch, List.of(new TensorStats(mu, s, null, null))), eveState, params).state();
        }
      }
      double bc = 1 - Math.pow(b, steps);
      Transforms.MomentsState a = (Transforms.MomentsState) adamState;
      Transforms.MomentsState e = (Transforms.MomentsState) eveState;
      NDArray adamEstimate = a.nu().get(0).div(bc).sub(a.mu().get(0).div(bc).square());
      NDArray eveEstimate = e.nu().get(0).div(bc).sub(e.mu().get(0).div(bc).square()).div(batch);
      double ratio = std(eveEstimate) / std(adamEstimate);
      double scaled = ratio * Math.sqrt(batch);
      System.out.printf("appendix A: B=%d std(Eve)/std(Adam) = %.4f, times sqrt(B) = %.3f%n", batch, ratio, scaled);
      assertTrue(scaled > 0.85 && scaled < 1.20,
          "std(Eve)/std(Adam) = " + ratio + ", times sqrt(B) = " + scaled + ", expected about 1");
      // Both estimate the same quantity, sigma^2/B = 1/B (Adam's EMA variance is biased low by ~5%).
      assertEquals(1.0 / batch, eveEstimate.mean().getFloat(), 0.05 / batch);
      assertEquals(1.0 / batch, adamEstimate.mean().getFloat(), 0.1 / batch);
    }
  }

  private static double std(NDArray x) {
    NDArray centered = x.sub(x.mean());
    return Math.sqrt(centered.square().mean().getFloat());
  }
}
