// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner;

import dev.ample.agents.Trajectory;
import dev.ample.envs.ObservationSpace;
import dev.ample.envs.Observations;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.ample.agents.Mlp;
import dev.ample.agents.PolicyValueNetwork;
import dev.ample.learner.logging.GradStatsWriter;
import dev.ample.optim.GradientStats;
import dev.ample.optim.Optimizer;
import dev.ample.optim.OptimizerState;
import dev.ample.optim.Optimizers;
import dev.ample.optim.Statistic;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Memory, refusal of non-finite input, and checkpoints of {@link PpoLearner}. */
class PpoLearnerStateTest {

  static final int OBS = 6;
  static final int ACTIONS = 3;
  static final int T = 16;
  static final int N = 4;

  private static PolicyValueNetwork network(NDManager m, int seed) {
    Engine.getInstance().setRandomSeed(seed);
    PolicyValueNetwork net = Mlp.builder().setNumActions(ACTIONS).optHidden(16, 16).build();
    net.initialize(m, DataType.FLOAT32, new Shape(1, OBS));
    return net;
  }

  private static PpoLearner learner(PolicyValueNetwork net, NDManager m, GradStatsWriter writer) {
    return PpoLearner.builder()
        .setNetwork(net)
        .setManager(m)
        .setOptimizer(Optimizers.create("eve", Map.of("lr", 1e-2, "schedule", "linear:200")))
        .optConfig(PpoConfig.builder().optEpochs(2).optMinibatchSize(16).optClip(0.2)
            .optSeed(11).build())
        .optGradStats(writer)
        .build();
  }

  /**
   * A rollout that does not depend on the policy (so two runs can be fed the same data): random
   * observations, actions, rewards and values, log-probs near uniform, both kinds of episode end.
   */
  static Trajectory syntheticRollout(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int n = T * N;
    float[] obs = new float[n * OBS];
    for (int k = 0; k < obs.length; k++) {
      obs[k] = (float) rng.nextGaussian();
    }
    int[] actions = new int[n];
    float[] logProbs = new float[n];
    float[] values = new float[n];
    float[] rewards = new float[n];
    boolean[] term = new boolean[n];
    boolean[] trunc = new boolean[n];
    float[] finals = new float[n];
    for (int k = 0; k < n; k++) {
      actions[k] = rng.nextInt(ACTIONS);
      logProbs[k] = (float) (Math.log(1.0 / ACTIONS) + 0.1 * rng.nextGaussian());
      values[k] = (float) (0.5 * rng.nextGaussian());
      rewards[k] = (float) rng.nextGaussian();
      term[k] = rng.nextDouble() < 0.05;
      trunc[k] = rng.nextDouble() < 0.05;
      finals[k] = (float) rng.nextGaussian();
    }
    float[] boot = new float[N];
    for (int i = 0; i < N; i++) {
      boot[i] = (float) rng.nextGaussian();
    }
    return new Trajectory(T, N, Observations.ofFloats(
            new ObservationSpace(new int[] {OBS}, ObservationSpace.Dtype.FLOAT32), T * N, obs),
        actions, logProbs, values, rewards, term, trunc, finals, boot, new long[T]);
  }

  private static Trajectory withReward(Trajectory r, int k, float reward) {
    float[] rewards = r.rewards().clone();
    rewards[k] = reward;
    return new Trajectory(r.steps(), r.envs(), r.observations(), r.actions(), r.logProbs(),
        r.values(), rewards, r.terminated(), r.truncated(), r.finalValues(), r.bootstrapValues(),
        r.policyVersions());
  }

  private static byte[] state(PpoLearner learner) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    learner.saveState(out);
    return out.toByteArray();
  }

  private static List<int[]> parameterBits(PolicyValueNetwork net) {
    List<int[]> out = new ArrayList<>();
    for (Pair<String, Parameter> p : net.getParameters()) {
      float[] v = p.getValue().getArray().toFloatArray();
      int[] bits = new int[v.length];
      for (int i = 0; i < v.length; i++) {
        bits[i] = Float.floatToRawIntBits(v[i]);
      }
      out.add(bits);
    }
    return out;
  }

  /**
   * 400 optimizer steps (50 iterations of 8) with Eve, whose state is replaced every step, and
   * gradstats every 5 steps (all statistics then): the arrays on the long-lived manager must be as
   * many after the last iteration as after the fifth. Leaking one step's state (4 arrays per
   * tensor) or updates would add hundreds.
   */
  @Test
  void arraysOnTheLongLivedManagerStayConstant(@TempDir Path dir) throws Exception {
    try (NDManager m = NDManager.newBaseManager();
        GradStatsWriter writer = new GradStatsWriter(dir.resolve("gradstats.jsonl"), 5)) {
      PolicyValueNetwork net = network(m, 1);
      PpoLearner learner = learner(net, m, writer);
      int atFive = 0;
      for (int it = 0; it < 50; it++) {
        learner.update(syntheticRollout(it), it / 50.0);
        if (it == 4) {
          atFive = m.getManagedArrays().size();
        }
      }
      int atFifty = m.getManagedArrays().size();
      System.out.printf("arrays on the long-lived manager: %d after 5 iterations, %d after 50%n",
          atFive, atFifty);
      assertEquals(atFive, atFifty, "arrays leaked onto the long-lived manager");
      assertEquals(400, learner.optimizerSteps());
      List<String> lines = Files.readAllLines(dir.resolve("gradstats.jsonl"));
      assertEquals(80 * learner.parameterNames().size(), lines.size());
      assertTrue(lines.get(0).contains("\"step\":5"), lines.get(0));
      assertTrue(lines.get(0).matches(".*\"update_norm\":[0-9].*"), lines.get(0));
      assertTrue(lines.get(0).matches(".*\"sign_agreement\":[0-9].*"), lines.get(0));
    }
  }

  /** A NaN reward gives NaN advantages: refused before any change, and the learner goes on. */
  @Test
  void nanAdvantagesAreRefusedBeforeAnyChange() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      PolicyValueNetwork net = network(m, 2);
      PpoLearner learner = learner(net, m, null);
      learner.update(syntheticRollout(0), 0);
      byte[] before = state(learner);
      Trajectory bad = withReward(syntheticRollout(1), 37, Float.NaN);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> learner.update(bad, 0.1));
      assertTrue(e.getMessage().contains("rewards[37]"), e.getMessage());
      assertArrayEquals(before, state(learner), "parameters or optimizer state changed");
      assertEquals(8, learner.optimizerSteps());
      assertEquals(1, learner.iterations());
      learner.update(syntheticRollout(1), 0.1);
      assertEquals(16, learner.optimizerSteps());
    }
  }

  /**
   * A reward of 1e30 keeps every rollout field and advantage finite but overflows the value loss
   * of the minibatch that holds it: the engine refuses that step before its backward pass, so
   * the parameters and optimizer state are those of before the step.
   */
  @Test
  void nonFiniteLossStopsBeforeTheStepChangesAnything() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      PolicyValueNetwork net = network(m, 3);
      PpoLearner learner = learner(net, m, null);
      learner.update(syntheticRollout(0), 0);
      byte[] before = state(learner);
      Trajectory huge = syntheticRollout(1);
      float[] rewards = huge.rewards();
      java.util.Arrays.fill(rewards, 1e30f);
      Trajectory bad = new Trajectory(T, N, huge.observations(), huge.actions(), huge.logProbs(),
          huge.values(), rewards, huge.terminated(), huge.truncated(), huge.finalValues(),
          huge.bootstrapValues(), huge.policyVersions());
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> learner.update(bad, 0.1));
      assertTrue(e.getMessage().contains("not finite"), e.getMessage());
      assertArrayEquals(before, state(learner), "parameters or optimizer state changed");
      assertEquals(8, learner.optimizerSteps());
    }
  }

  /**
   * Train 3 iterations, save, train 3 more; a second learner with other initial weights loads the
   * save and trains the same 3: its parameters and metrics must be bit-identical to the
   * uninterrupted run's (Eve with a linear schedule, annealed clip: the step count, the optimizer
   * moments and the shuffles all have to come back). Saving the loaded state gives the same bytes.
   */
  @Test
  void resumingFromACheckpointIsBitIdentical(@TempDir Path dir) throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      PolicyValueNetwork netA = network(m, 4);
      PpoLearner a = learner(netA, m, null);
      for (int it = 0; it < 3; it++) {
        a.update(syntheticRollout(100 + it), it / 6.0);
      }
      Path file = dir.resolve("learner.state");
      a.saveState(file);
      List<PpoMetrics> metricsA = new ArrayList<>();
      for (int it = 3; it < 6; it++) {
        metricsA.add(a.update(syntheticRollout(100 + it), it / 6.0));
      }

      PolicyValueNetwork netB = network(m, 5);
      PpoLearner b = learner(netB, m, null);
      b.update(syntheticRollout(999), 0); // state that the load must replace entirely
      b.loadState(file);
      assertArrayEquals(Files.readAllBytes(file), state(b), "save(load(s)) != s");
      assertEquals(3, b.iterations());
      assertEquals(24, b.optimizerSteps());
      List<PpoMetrics> metricsB = new ArrayList<>();
      for (int it = 3; it < 6; it++) {
        metricsB.add(b.update(syntheticRollout(100 + it), it / 6.0));
      }

      List<int[]> bitsA = parameterBits(netA);
      List<int[]> bitsB = parameterBits(netB);
      for (int j = 0; j < bitsA.size(); j++) {
        assertArrayEquals(bitsA.get(j), bitsB.get(j), "parameter " + j + " differs after resume");
      }
      assertEquals(metricsA, metricsB);
      assertArrayEquals(state(a), state(b));
    }
  }

  /**
   * An optimizer whose first step turns finite statistics into NaN updates: the parameters must
   * not change, and since the optimizer state has advanced the learner refuses to go on until a
   * checkpoint is loaded, after which it trains again.
   */
  @Test
  void nonFiniteUpdatesLeaveParametersAndBlockTheLearnerUntilALoad() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      Optimizer sgd = Optimizers.create("sgd");
      AtomicInteger calls = new AtomicInteger();
      Optimizer nanUpdates = new Optimizer() {
        public String name() {
          return "sgd";
        }

        public Set<Statistic> requiredStatistics() {
          return sgd.requiredStatistics();
        }

        public OptimizerState init(List<NDArray> params) {
          return sgd.init(params);
        }

        public Step update(GradientStats stats, OptimizerState state, List<NDArray> params) {
          Step s = sgd.update(stats, state, params);
          if (calls.getAndIncrement() > 0) {
            return s;
          }
          return new Step(s.updates().stream().map(u -> u.mul(Float.NaN)).toList(), s.state(),
              s.learningRate());
        }
      };
      PolicyValueNetwork net = network(m, 7);
      PpoLearner learner = PpoLearner.builder().setNetwork(net).setManager(m)
          .setOptimizer(nanUpdates)
          .optConfig(PpoConfig.builder().optMinibatchSize(16).build())
          .build();
      byte[] before = state(learner);
      List<int[]> bits = parameterBits(net);
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> learner.update(syntheticRollout(0), 0));
      assertTrue(e.getMessage().contains("non-finite updates"), e.getMessage());
      List<int[]> after = parameterBits(net);
      for (int j = 0; j < bits.size(); j++) {
        assertArrayEquals(bits.get(j), after.get(j), "parameter " + j + " changed");
      }
      assertThrows(IllegalStateException.class, () -> learner.update(syntheticRollout(0), 0));
      assertEquals(1, calls.get(), "a blocked learner must not call the optimizer");
      learner.loadState(new ByteArrayInputStream(before));
      learner.update(syntheticRollout(0), 0);
      assertEquals(12, learner.optimizerSteps());
    }
  }

  @Test
  void loadingIntoALearnerWithAnotherOptimizerIsRefused() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      PpoLearner eve = learner(network(m, 6), m, null);
      byte[] saved = state(eve);
      PpoLearner adam = PpoLearner.builder()
          .setNetwork(network(m, 6))
          .setManager(m)
          .setOptimizer(Optimizers.create("adam"))
          .build();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> adam.loadState(new ByteArrayInputStream(saved)));
      assertTrue(e.getMessage().contains("eve"), e.getMessage());
      assertFalse(e.getMessage().isBlank());
    }
  }
}
