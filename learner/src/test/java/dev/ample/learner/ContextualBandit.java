// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner;

import dev.ample.agents.Trajectory;
import dev.ample.envs.ObservationSpace;
import dev.ample.envs.Observations;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.ample.agents.CategoricalPolicy;
import dev.ample.agents.PolicyValueNetwork;
import java.util.SplittableRandom;

/**
 * A contextual bandit for learning tests: the observation is the one-hot code of a context {@code
 * k} in {@code 0..K-1} plus Gaussian noise (sd 0.1); action {@code K-1-k} pays 1, every other 0;
 * every step ends its episode (terminated). Chance level is 1/K.
 */
final class ContextualBandit {

  final int contexts;

  ContextualBandit(int contexts) {
    this.contexts = contexts;
  }

  int best(int context) {
    return contexts - 1 - context;
  }

  /** T x N steps acted by {@code net} with seeded sampling, as a rollout. */
  Trajectory collect(PolicyValueNetwork net, NDManager m, int steps, int envs, SplittableRandom rng) {
    int n = steps * envs;
    float[] obs = new float[n * contexts];
    int[] ctx = new int[n];
    for (int k = 0; k < n; k++) {
      ctx[k] = rng.nextInt(contexts);
      for (int d = 0; d < contexts; d++) {
        obs[k * contexts + d] = (d == ctx[k] ? 1 : 0) + (float) (0.1 * rng.nextGaussian());
      }
    }
    int[] actions;
    float[] logProbs;
    float[] values;
    try (NDManager scope = m.newSubManager()) {
      NDList out = net.forward(new ParameterStore(scope, false),
          new NDList(scope.create(obs, new Shape(n, contexts))), false);
      NDArray logits = out.get(0);
      actions = CategoricalPolicy.sample(logits, rng);
      logProbs = CategoricalPolicy.logProb(logits, scope.create(actions)).toFloatArray();
      values = out.get(1).toFloatArray();
    }
    float[] rewards = new float[n];
    boolean[] terminated = new boolean[n];
    for (int k = 0; k < n; k++) {
      rewards[k] = actions[k] == best(ctx[k]) ? 1 : 0;
      terminated[k] = true;
    }
    return new Trajectory(steps, envs, Observations.ofFloats(
            new ObservationSpace(new int[] {contexts}, ObservationSpace.Dtype.FLOAT32), n, obs),
        actions, logProbs, values, rewards, terminated, new boolean[n], new float[n],
        new float[envs], new long[steps]);
  }

  /** The policy's expected reward with noise-free observations: mean over k of pi(best | k). */
  double expectedReward(PolicyValueNetwork net, NDManager m) {
    float[] obs = new float[contexts * contexts];
    for (int k = 0; k < contexts; k++) {
      obs[k * contexts + k] = 1;
    }
    try (NDManager scope = m.newSubManager()) {
      NDArray logits = net.forward(new ParameterStore(scope, false),
          new NDList(scope.create(obs, new Shape(contexts, contexts))), false).get(0);
      float[] p = CategoricalPolicy.logProbs(logits).exp().toFloatArray();
      double sum = 0;
      for (int k = 0; k < contexts; k++) {
        sum += p[k * contexts + best(k)];
      }
      return sum / contexts;
    }
  }
}
