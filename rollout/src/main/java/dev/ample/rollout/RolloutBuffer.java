// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout;

import dev.ample.agents.Trajectory;
import dev.ample.envs.EpisodeEnd;
import dev.ample.envs.ObservationSpace;
import dev.ample.envs.Observations;
import java.util.ArrayList;
import java.util.List;

/**
 * The T x N arrays of one {@link Trajectory} being filled step by step (element {@code t*N + i} =
 * step t of env i), and the games that ended meanwhile. Confined to the coordinator actor.
 */
final class RolloutBuffer {
  final int steps;
  final int envs;
  final Observations observations;
  final int[] actions;
  final float[] logProbs;
  final float[] values;
  final float[] rewards;
  final boolean[] terminated;
  final boolean[] truncated;
  final float[] finalValues;
  final long[] policyVersions;
  final List<EpisodeEnd> episodes = new ArrayList<>();

  RolloutBuffer(int steps, int envs, ObservationSpace space) {
    this.steps = steps;
    this.envs = envs;
    if ((long) steps * envs > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(steps + " steps x " + envs + " envs are too many");
    }
    int n = steps * envs;
    observations = Observations.allocate(space, n);
    actions = new int[n];
    logProbs = new float[n];
    values = new float[n];
    rewards = new float[n];
    terminated = new boolean[n];
    truncated = new boolean[n];
    finalValues = new float[n];
    policyVersions = new long[steps];
  }

  RolloutBatch toBatch(float[] bootstrapValues, long framesPerStep) {
    Trajectory trajectory = new Trajectory(steps, envs, observations, actions, logProbs, values,
        rewards, terminated, truncated, finalValues, bootstrapValues, policyVersions);
    long agentSteps = trajectory.size();
    return new RolloutBatch(trajectory, episodes, agentSteps, agentSteps * framesPerStep);
  }
}
