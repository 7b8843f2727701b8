// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout;

import dev.ample.envs.EpisodeEnd;
import dev.ample.envs.ObservationSpace;
import java.util.ArrayList;
import java.util.List;

/**
 * The T x N arrays of one {@link RolloutBatch} being filled step by step (element {@code t*N + i}
 * = step t of env i). Confined to the coordinator actor.
 */
final class RolloutBuffer {
  final int steps;
  final int envs;
  final ObservationSpace space;
  final byte[] byteObservations;
  final float[] floatObservations;
  final int[] actions;
  final float[] logProbs;
  final float[] values;
  final float[] rewards;
  final boolean[] terminated;
  final boolean[] truncated;
  final float[] finalValues;
  final List<EpisodeEnd> episodes = new ArrayList<>();

  RolloutBuffer(int steps, int envs, ObservationSpace space) {
    this.steps = steps;
    this.envs = envs;
    this.space = space;
    int n = steps * envs;
    long obs = (long) n * space.size();
    if (obs > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          steps + " steps x " + envs + " envs x " + space + " do not fit one Java array");
    }
    boolean bytes = space.dtype() == ObservationSpace.Dtype.UINT8;
    byteObservations = bytes ? new byte[(int) obs] : null;
    floatObservations = bytes ? null : new float[(int) obs];
    actions = new int[n];
    logProbs = new float[n];
    values = new float[n];
    rewards = new float[n];
    terminated = new boolean[n];
    truncated = new boolean[n];
    finalValues = new float[n];
  }

  /** Copies the N observations {@code current} (one array, byte[] or float[]) into step t. */
  void putObservations(int t, Object current) {
    int len = envs * space.size();
    if (byteObservations != null) {
      System.arraycopy((byte[]) current, 0, byteObservations, t * len, len);
    } else {
      System.arraycopy((float[]) current, 0, floatObservations, t * len, len);
    }
  }

  RolloutBatch toBatch(float[] bootstrapValues, long frameSkip) {
    long agentSteps = (long) steps * envs;
    return new RolloutBatch(steps, envs, space, byteObservations, floatObservations, actions,
        logProbs, values, rewards, terminated, truncated, finalValues, bootstrapValues, episodes,
        agentSteps, agentSteps * frameSkip);
  }
}
