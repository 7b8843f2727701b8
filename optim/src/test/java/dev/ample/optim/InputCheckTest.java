// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input fails loudly and early: names, hyperparameters, missing or non-finite statistics. */
class InputCheckTest {

  @Test
  void unknownNameListsTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizers.create("adamm"));
    assertTrue(e.getMessage().contains("adamm"), e.getMessage());
    for (String name : Optimizers.names()) {
      assertTrue(e.getMessage().contains(name), e.getMessage());
    }
  }

  @ParameterizedTest
  @CsvSource({
    "adam, lr, 0, '(0, inf)'",
    "adam, lr, -0.1, '(0, inf)'",
    "adam, b1, 1.0, '[0, 1)'",
    "eve, b2, -0.5, '[0, 1)'",
    "eve, eps, -1e-8, '[0, inf)'",
    "momentum, beta, 1.5, '[0, 1)'",
    "rmsprop, decay, 1, '[0, 1)'",
    "adam, lr, NaN, '(0, inf)'",
    "adam, lr, abc, '(0, inf)'"
  })
  void invalidHyperparameterNamesKeyAndRange(String name, String key, String value, String range) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Optimizers.create(name, Map.of(key, value)));
    assertTrue(e.getMessage().contains(key), e.getMessage());
    assertTrue(e.getMessage().contains(range), e.getMessage());
  }

  @Test
  void unknownHyperparameterAndBadScheduleAreRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Optimizers.create("adam", Map.of("beta1", 0.9)));
    assertTrue(e.getMessage().contains("beta1") && e.getMessage().contains("b1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Optimizers.create("adam", Map.of("schedule", "linear")));
    assertTrue(e.getMessage().contains("linear:N"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Optimizers.create("eve", Map.of("batch_correction", "yes")));
    assertTrue(e.getMessage().contains("batch_correction"), e.getMessage());
  }

  @Test
  void validValuesAreAcceptedAsNumbersOrText() {
    Optimizers.create("adam", Map.of("lr", "2.5e-4", "b1", 0, "eps", 0));
    Optimizers.create("eve", Map.of("batch_correction", "false", "schedule", "cosine:10:100"));
  }

  @Test
  void missingStatisticIsAClearError() {
    try (NDManager m = NDManager.newBaseManager()) {
      List<NDArray> params = List.of(m.zeros(new Shape(3)));
      Optimizer eve = Optimizers.create("eve");
      OptimizerState state = eve.init(params);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> eve.update(GradientStats.ofMeans(4, List.of(m.ones(new Shape(3)))), state, params));
      assertTrue(e.getMessage().contains("SECOND_MOMENT"), e.getMessage());
    }
  }

  @ParameterizedTest
  @CsvSource({"NaN, 0", "Infinity, 1", "-Infinity, 1"})
  void nonFiniteStatisticsStopTheUpdate(float bad, int badTensor) {
    try (NDManager m = NDManager.newBaseManager()) {
      List<NDArray> params = List.of(m.ones(new Shape(2)), m.ones(new Shape(3)));
      Optimizer eve = Optimizers.create("eve");
      OptimizerState state = eve.init(params);
      NDArray[] mus = {m.create(new float[] {0.1f, 0.2f}), m.create(new float[] {0.1f, 0.2f, 0.3f})};
      NDArray[] ss = {m.create(new float[] {0.1f, 0.2f}), m.create(new float[] {0.1f, 0.2f, 0.3f})};
      // NaN in a mean, infinities in a second moment.
      if (Float.isNaN(bad)) {
        mus[badTensor] = m.create(new float[] {0.1f, bad});
      } else {
        ss[badTensor] = m.create(new float[] {0.1f, bad, 0.3f});
      }
      GradientStats stats = new GradientStats(4,
          List.of(new TensorStats(mus[0], ss[0], null, null), new TensorStats(mus[1], ss[1], null, null)));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> eve.update(stats, state, params));
      assertTrue(e.getMessage().contains("tensor " + badTensor), e.getMessage());
      assertTrue(e.getMessage().contains(Float.isNaN(bad) ? "MEAN" : "SECOND_MOMENT"), e.getMessage());
      // Nothing was corrupted: the state is still usable and zero, the parameters untouched.
      for (NDArray a : OptimizerStates.arrays(state)) {
        assertEquals(0f, a.abs().sum().getFloat());
      }
      assertArrayEquals(new float[] {1, 1, 1}, params.get(1).toFloatArray());
    }
  }
}
