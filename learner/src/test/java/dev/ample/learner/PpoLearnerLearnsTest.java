// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ample.agents.Mlp;
import dev.ample.agents.PolicyValueNetwork;
import dev.ample.optim.Optimizers;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PPO must learn a 4-context bandit (chance 0.25) with Adam and with Eve: rollouts of 8 x 32
 * steps, minibatch 64, 3 epochs, clip 0.2 annealed, lr 3e-3 decaying linearly over the run.
 */
class PpoLearnerLearnsTest {

  static final int ITERATIONS = 60;

  @ParameterizedTest
  @ValueSource(strings = {"adam", "eve"})
  void learnsContextualBandit(String optimizer) {
    Engine.getInstance().setRandomSeed(1);
    ContextualBandit bandit = new ContextualBandit(4);
    try (NDManager m = NDManager.newBaseManager()) {
      PolicyValueNetwork net = Mlp.builder().setNumActions(4).optHidden(32).build();
      net.initialize(m, DataType.FLOAT32, new Shape(1, 4));
      int minibatch = 64;
      int epochs = 3;
      int steps = ITERATIONS * epochs * (8 * 32 / minibatch);
      PpoLearner learner = PpoLearner.builder()
          .setNetwork(net)
          .setManager(m)
          .setOptimizer(Optimizers.create(optimizer,
              Map.of("lr", 3e-3, "schedule", "linear:" + steps)))
          .optConfig(PpoConfig.builder().optMinibatchSize(minibatch).optEpochs(epochs)
              .optClip(0.2).optSeed(7).build())
          .build();
      SplittableRandom rng = new SplittableRandom(3);
      double before = bandit.expectedReward(net, m);
      long start = System.nanoTime();
      PpoMetrics last = null;
      for (int it = 0; it < ITERATIONS; it++) {
        last = learner.update(bandit.collect(net, m, 32, 8, rng), (double) it / ITERATIONS);
      }
      double after = bandit.expectedReward(net, m);
      System.out.printf("%s: expected reward %.3f -> %.3f in %d iterations (%.1f s); last %s%n",
          optimizer, before, after, ITERATIONS, (System.nanoTime() - start) / 1e9, last);
      assertTrue(after > 0.9, optimizer + ": expected reward " + after + " after training");
    }
  }
}
