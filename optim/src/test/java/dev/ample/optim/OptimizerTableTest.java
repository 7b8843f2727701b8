// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One table of every registered optimizer, run through the same tests: a golden trajectory against
 * {@link ReferenceOptimizers} (plain double arithmetic from the published formulas), convergence
 * on a quadratic and on Rosenbrock, a bit-exact save/load round trip, state shapes, and no array
 * accumulation over many steps.
 */
class OptimizerTableTest {

  /**
   * @param label test display name
   * @param name registry name
   * @param golden hyperparameters of the golden trajectory (non-defaults, to exercise them)
   * @param quadratic hyperparameters that solve the quadratic in 300 steps
   * @param rosenbrock hyperparameters that solve Rosenbrock in 3000 steps
   */
  record Case(String label, String name, Map<String, Object> golden, Map<String, Object> quadratic,
      Map<String, Object> rosenbrock) {
    @Override
    public String toString() {
      return label;
    }
  }

  private static Map<String, Object> hp(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static final Object[] ADAM_GOLDEN = {"lr", 0.05, "b1", 0.8, "b2", 0.9, "eps", 1e-3, "eps_root", 1e-4};

  private static Object[] adamGolden(Object... more) {
    Object[] out = new Object[ADAM_GOLDEN.length + more.length];
    System.arraycopy(ADAM_GOLDEN, 0, out, 0, ADAM_GOLDEN.length);
    System.arraycopy(more, 0, out, ADAM_GOLDEN.length, more.length);
    return out;
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("sgd", "sgd", hp("lr", 0.1, "schedule", "linear:8"), hp("lr", 0.5), hp("lr", 0.003)),
        new Case("momentum", "momentum", hp("lr", 0.1, "beta", 0.7), hp("lr", 0.5), hp("lr", 0.003)),
        new Case("momentum-velocity", "momentum-velocity", hp("lr", 0.1, "beta", 0.7), hp("lr", 0.1), hp("lr", 5e-4)),
        new Case("nesterov", "nesterov", hp("lr", 0.1, "beta", 0.7), hp("lr", 0.1), hp("lr", 5e-4)),
        new Case("adagrad", "adagrad", hp("lr", 0.1, "eps", 1e-3, "initial_accumulator", 0.1), hp("lr", 0.5), hp("lr", 0.3)),
        new Case("adadelta", "adadelta", hp("lr", 0.5, "rho", 0.8, "eps", 1e-3), hp("lr", 1.0, "eps", 1e-3),
            hp("lr", 1.0, "eps", 3e-5)),
        new Case("rmsprop", "rmsprop", hp("lr", 0.05, "decay", 0.8, "eps", 1e-3), hp("lr", 0.05), hp("lr", 0.005)),
        new Case("rmsprop-centered", "rmsprop-centered", hp("lr", 0.05, "decay", 0.8, "eps", 1e-3), hp("lr", 0.05),
            hp("lr", 0.005)),
        new Case("adam", "adam", hp(adamGolden("schedule", "cosine:3:10")), hp("lr", 0.1), hp("lr", 0.02)),
        new Case("adamw", "adamw", hp(adamGolden("weight_decay", 0.1)), hp("lr", 0.1, "weight_decay", 1e-3),
            hp("lr", 0.02, "weight_decay", 1e-4)),
        new Case("adamax", "adamax", hp("lr", 0.05, "b1", 0.8, "b2", 0.9, "eps", 1e-3), hp("lr", 0.1), hp("lr", 0.02)),
        new Case("nadam", "nadam", hp(ADAM_GOLDEN), hp("lr", 0.1), hp("lr", 0.02)),
        new Case("amsgrad", "amsgrad", hp(ADAM_GOLDEN), hp("lr", 0.1), hp("lr", 0.02)),
        new Case("radam", "radam", hp(ADAM_GOLDEN), hp("lr", 0.1), hp("lr", 0.005)),
        new Case("eve", "eve", hp(ADAM_GOLDEN), hp("lr", 0.1), hp("lr", 0.02)),
        new Case("eve (no batch correction)", "eve", hp(adamGolden("batch_correction", false)),
            hp("lr", 0.1, "batch_correction", false), hp("lr", 0.02, "batch_correction", false)),
        new Case("signsgd", "signsgd", hp("lr", 0.01), hp("lr", 0.02), hp("lr", 0.003)),
        new Case("sign-mean", "sign-mean", hp("lr", 0.01), hp("lr", 0.05), hp("lr", 0.003)),
        new Case("signema", "signema", hp("lr", 0.01, "beta", 0.7), hp("lr", 0.02), hp("lr", 0.005)),
        new Case("examplewise", "examplewise", hp(adamGolden("a", 0.7, "c", 0.3)), hp("lr", 0.1, "a", 1, "c", 0.25),
            hp("lr", 0.02, "a", 1, "c", 0.25)),
        new Case("microadam-var", "microadam-var", hp(ADAM_GOLDEN), hp("lr", 0.002, "eps", 1e-3),
            hp("lr", 1e-4, "eps", 1e-3)),
        new Case("microadam-msq", "microadam-msq", hp(ADAM_GOLDEN), hp("lr", 0.05, "eps", 0.1),
            hp("lr", 0.01, "eps", 0.1)));
  }

  @Test
  void tableCoversEveryRegisteredOptimizer() {
    assertEquals(
        new java.util.TreeSet<>(Optimizers.names()),
        new java.util.TreeSet<>(cases().map(Case::name).toList()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void declaredStatisticsMatchTheStages(Case c) {
    assertEquals(Optimizers.spec(c.name()).statistics(), Optimizers.create(c.name(), c.golden()).requiredStatistics());
  }

  private static final Shape[] GOLDEN_SHAPES = {new Shape(2, 3), new Shape(4)};

  /** Open-loop per-example gradients: B = 4 examples, 10 coordinates, per step. */
  private static Problems.Stats goldenStats(Random rng) {
    int n = 10;
    int b = 4;
    double[] mu = new double[n];
    double[] s = new double[n];
    double[] sm = new double[n];
    for (int j = 0; j < n; j++) {
      double base = rng.nextGaussian();
      double sum = 0;
      double sq = 0;
      double sg = 0;
      for (int i = 0; i < b; i++) {
        double g = base + 0.7 * rng.nextGaussian();
        sum += g;
        sq += g * g;
        sg += Math.signum(g);
      }
      mu[j] = (float) (sum / b);
      s[j] = (float) (sq / b);
      sm[j] = (float) (sg / b);
    }
    return new Problems.Stats(mu, s, sm);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void goldenTrajectoryMatchesThePublishedFormula(Case c) {
    double[] start = new double[10];
    for (int j = 0; j < 10; j++) {
      start[j] = (float) (0.3 * j - 1.2);
    }
    double[] ref = start.clone();
    ReferenceOptimizers.Reference reference = ReferenceOptimizers.make(c.name(), c.golden(), 10);
    Random rng = new Random(7);
    try (OptimizerDriver run = new OptimizerDriver(Optimizers.create(c.name(), c.golden()), start, GOLDEN_SHAPES)) {
      for (int t = 1; t <= 10; t++) {
        Problems.Stats st = goldenStats(rng);
        double[] u = reference.update(ref, st.mu(), st.s(), st.sm(), 4);
        for (int j = 0; j < 10; j++) {
          ref[j] += u[j];
        }
        run.step(st.mu(), st.s(), st.sm(), 4);
        double[] got = run.params();
        for (int j = 0; j < 10; j++) {
          double tol = 1e-5 + 1e-4 * Math.abs(ref[j]);
          assertEquals(ref[j], got[j], tol, c + ": parameter " + j + " after step " + t);
        }
      }
    }
  }

  private static double solve(Case c, Problems.Problem problem, Map<String, Object> hp, int steps, Shape... shapes) {
    Map<String, Object> withSchedule = new HashMap<>(hp);
    withSchedule.put("schedule", "linear:" + steps);
    double[] start = problem.start();
    try (OptimizerDriver run = new OptimizerDriver(Optimizers.create(c.name(), withSchedule), start, shapes)) {
      for (int t = 0; t < steps; t++) {
        Problems.Stats st = Problems.stats(problem.gradient(run.params()), problem.spread());
        run.step(st.mu(), st.s(), st.sm(), Problems.BATCH);
      }
      return problem.loss(run.params()) / problem.loss(start);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void solvesAQuadratic(Case c) {
    double ratio = solve(c, Problems.quadratic(), c.quadratic(), 300, new Shape(2, 2), new Shape(2));
    assertTrue(ratio < 1e-3, c + ": loss fell only to " + ratio + " of its start");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void solvesRosenbrock(Case c) {
    double ratio = solve(c, Problems.rosenbrock(), c.rosenbrock(), 3000, new Shape(2));
    assertTrue(ratio < 1e-2, c + ": Rosenbrock loss fell only to " + ratio + " of its start");
  }

  private static int[] bits(NDArray a) {
    float[] f = a.toFloatArray();
    int[] out = new int[f.length];
    for (int i = 0; i < f.length; i++) {
      out[i] = Float.floatToRawIntBits(f[i]);
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void stateSurvivesSaveAndLoadBitExactly(Case c) {
    Random rng = new Random(11);
    double[] start = new double[10];
    try (OptimizerDriver run = new OptimizerDriver(Optimizers.create(c.name(), c.golden()), start, GOLDEN_SHAPES);
        NDManager other = NDManager.newBaseManager()) {
      for (int t = 0; t < 3; t++) {
        Problems.Stats st = goldenStats(rng);
        run.step(st.mu(), st.s(), st.sm(), 4);
      }
      byte[] saved = OptimizerStates.encode(run.state);
      OptimizerState loaded = OptimizerStates.decode(saved, other);
      assertEquals(run.state.getClass(), loaded.getClass());
      List<NDArray> a = OptimizerStates.arrays(run.state);
      List<NDArray> b = OptimizerStates.arrays(loaded);
      assertEquals(a.size(), b.size());
      for (int i = 0; i < a.size(); i++) {
        assertEquals(a.get(i).getShape(), b.get(i).getShape());
        assertEquals(a.get(i).getDataType(), b.get(i).getDataType());
        assertArrayEquals(bits(a.get(i)), bits(b.get(i)), c + ": state array " + i);
      }
      assertArrayEquals(saved, OptimizerStates.encode(loaded), "re-encoding gives the same bytes");

      // Continuing from the loaded state gives the same update, bit for bit.
      Problems.Stats st = goldenStats(rng);
      List<NDArray> paramsCopy = run.params.stream().map(NDArray::duplicate).toList();
      double[] fromOriginal = run.step(st.mu(), st.s(), st.sm(), 4);
      try (OptimizerDriver replay = new OptimizerDriver(run.optimizer, start, GOLDEN_SHAPES)) {
        OptimizerStates.close(replay.state);
        replay.state = loaded;
        replay.params.forEach(NDArray::close);
        replay.params = paramsCopy;
        double[] fromLoaded = replay.step(st.mu(), st.s(), st.sm(), 4);
        assertArrayEquals(fromOriginal, fromLoaded, 0.0, c + ": update after reload");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void stateShapesFollowTheParametersAndArraysDoNotAccumulate(Case c) {
    Random rng = new Random(3);
    try (OptimizerDriver run = new OptimizerDriver(Optimizers.create(c.name(), c.golden()), new double[10], GOLDEN_SHAPES)) {
      int counted = -1;
      for (int t = 1; t <= 40; t++) {
        Problems.Stats st = goldenStats(rng);
        run.step(st.mu(), st.s(), st.sm(), 4);
        List<NDArray> arrays = OptimizerStates.arrays(run.state);
        assertEquals(0, arrays.size() % GOLDEN_SHAPES.length, "whole slots");
        for (int i = 0; i < arrays.size(); i++) {
          assertEquals(GOLDEN_SHAPES[i % GOLDEN_SHAPES.length], arrays.get(i).getShape(), c + ": state array " + i);
          assertTrue(arrays.get(i).getManager() == run.paramManager, "state lives with the parameters");
        }
        int now = run.paramManager.getManagedArrays().size();
        if (t == 5) {
          counted = now;
        } else if (t > 5) {
          assertEquals(counted, now, c + ": arrays held by the parameter manager after step " + t);
        }
      }
    }
  }
}
