// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClippingAndScheduleTest {

  private static GradientStats stats(NDManager m) {
    // Global norm of the means: sqrt(3^2 + 4^2 + 0^2) = 5.
    return new GradientStats(2, List.of(
        new TensorStats(m.create(new float[] {3, 0}), m.create(new float[] {10, 1}), m.create(new float[] {1, 0}),
            m.create(new float[] {20, 6})),
        new TensorStats(m.create(new float[] {4}), m.create(new float[] {17}), m.create(new float[] {0.5f}),
            m.create(new float[] {30, 4}))));
  }

  @Test
  void globalNormIsTheNormOfTheMeanOverAllTensors() {
    try (NDManager m = NDManager.newBaseManager()) {
      assertEquals(5f, GlobalNormClipping.globalNorm(stats(m)).getFloat(), 1e-6);
    }
  }

  @Test
  void clippingScalesEveryStatisticConsistently() {
    try (NDManager m = NDManager.newBaseManager()) {
      GradientStats clipped = GlobalNormClipping.clip(stats(m), 2.5); // c = 0.5
      TensorStats a = clipped.get(0);
      TensorStats b = clipped.get(1);
      assertArrayEquals(new float[] {1.5f, 0}, a.mean().toFloatArray(), 1e-6f);
      assertArrayEquals(new float[] {2f}, b.mean().toFloatArray(), 1e-6f);
      assertArrayEquals(new float[] {2.5f, 0.25f}, a.secondMoment().toFloatArray(), 1e-6f);
      assertArrayEquals(new float[] {4.25f}, b.secondMoment().toFloatArray(), 1e-6f);
      assertArrayEquals(new float[] {1, 0}, a.signMean().toFloatArray());
      assertArrayEquals(new float[] {0.5f}, b.signMean().toFloatArray());
      assertArrayEquals(new float[] {5, 1.5f}, a.exampleSquaredNorms().toFloatArray(), 1e-6f);
      assertArrayEquals(new float[] {7.5f, 1}, b.exampleSquaredNorms().toFloatArray(), 1e-6f);
    }
  }

  @Test
  void clippingBelowTheThresholdChangesNothing() {
    try (NDManager m = NDManager.newBaseManager()) {
      GradientStats clipped = GlobalNormClipping.clip(stats(m), 10);
      assertArrayEquals(new float[] {3, 0}, clipped.get(0).mean().toFloatArray());
      assertArrayEquals(new float[] {10, 1}, clipped.get(0).secondMoment().toFloatArray());
    }
  }

  @Test
  void optimizerWithMaxGradNormClipsBeforeUpdating() {
    try (NDManager m = NDManager.newBaseManager()) {
      List<NDArray> params = List.of(m.zeros(new Shape(2)), m.zeros(new Shape(1)));
      Optimizer sgd = Optimizers.create("sgd", Map.of("lr", 1.0, "max_grad_norm", 1.0));
      Optimizer.Step step = sgd.update(stats(m), sgd.init(params), params);
      assertArrayEquals(new float[] {-0.6f, 0}, step.updates().get(0).toFloatArray(), 1e-6f);
      assertArrayEquals(new float[] {-0.8f}, step.updates().get(1).toFloatArray(), 1e-6f);
    }
  }

  @Test
  void schedules() {
    Schedule linear = Schedule.parse("linear:4", 1.0, null);
    assertEquals(1.0, linear.at(0));
    assertEquals(0.75, linear.at(1));
    assertEquals(0.0, linear.at(4));
    assertEquals(0.0, linear.at(10));
    Schedule cosine = Schedule.parse("cosine:2:6", 2.0, null);
    assertEquals(1.0, cosine.at(0));
    assertEquals(2.0, cosine.at(1));
    assertEquals(2.0, cosine.at(2), 1e-12);
    assertEquals(1.0, cosine.at(4), 1e-12);
    assertEquals(0.0, cosine.at(6), 1e-12);
    assertEquals(0.3, Schedule.parse("constant", 0.3, null).at(1000));
  }

  @Test
  void learningRateIsReportedPerStep() {
    try (NDManager m = NDManager.newBaseManager()) {
      List<NDArray> params = List.of(m.zeros(new Shape(1)));
      Optimizer adam = Optimizers.create("adam", Map.of("lr", 1.0, "schedule", "linear:4"));
      OptimizerState state = adam.init(params);
      double[] seen = new double[3];
      for (int t = 0; t < 3; t++) {
        Optimizer.Step s = adam.update(GradientStats.ofMeans(1, List.of(m.ones(new Shape(1)))), state, params);
        state = s.state();
        seen[t] = s.learningRate();
      }
      assertArrayEquals(new double[] {1.0, 0.75, 0.5}, seen);
    }
  }

  @Test
  void chainEqualsManualApplicationOfItsStages() {
    try (NDManager m = NDManager.newBaseManager()) {
      List<NDArray> params = List.of(m.ones(new Shape(3)));
      Optimizer adam = Transforms.scaleByAdam(0.9, 0.999, 1e-8, 0);
      Optimizer lr = Transforms.scaleByLearningRate(Schedule.constant(0.1));
      Optimizer chain = Chain.of("adam", adam, lr);
      OptimizerState chainState = chain.init(params);
      OptimizerState s1 = adam.init(params);
      OptimizerState s2 = lr.init(params);
      for (int t = 1; t <= 3; t++) {
        GradientStats g = GradientStats.ofMeans(1, List.of(m.create(new float[] {0.1f * t, -0.2f, 0.3f})));
        Optimizer.Step c = chain.update(g, chainState, params);
        chainState = c.state();
        Optimizer.Step a = adam.update(g, s1, params);
        Optimizer.Step b = lr.update(g.withMeans(a.updates()), s2, params);
        s1 = a.state();
        s2 = b.state();
        assertArrayEquals(b.updates().get(0).toFloatArray(), c.updates().get(0).toFloatArray(), 0f);
      }
    }
  }
}
