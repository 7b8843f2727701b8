// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout;

import dev.ample.envs.EpisodeEnd;
import dev.ample.envs.ObservationSpace;
import java.util.List;

/**
 * One iteration's experience, T x N flat arrays, element {@code [t*N + i]} = step t of env i
 * (observations: row {@code t*N + i}, {@code space.size()} elements each). Messages and batches
 * carry Java arrays, never NDArrays.
 *
 * @param steps T, steps per env
 * @param envs N, envs
 * @param space one env's observation space
 * @param byteObservations UINT8 observations s_t (pixels), T*N*obsSize, or null when float
 * @param floatObservations FLOAT32 observations s_t, T*N*obsSize, or null when bytes
 * @param actions actions a_t sampled by the agent
 * @param logProbs {@code log pi(a_t | s_t)} under the policy that acted
 * @param values that policy's {@code V(s_t)}
 * @param rewards rewards as the env gives them for training (clipped if configured)
 * @param terminated step t ended its episode in a terminal state
 * @param truncated step t ended its episode by a time limit
 * @param finalValues V(final observation) where truncated, else 0
 * @param bootstrapValues N values of the observations after step T-1
 * @param episodes games that ended during this batch (raw unclipped return, length), in step order
 *     and, within a step, env order
 * @param agentSteps agent steps in this batch, T*N (not a running total)
 * @param frames emulator frames in this batch: {@code agentSteps * frame skip} for Atari ids,
 *     {@code agentSteps} otherwise (not a running total)
 */
public record RolloutBatch(
    int steps,
    int envs,
    ObservationSpace space,
    byte[] byteObservations,
    float[] floatObservations,
    int[] actions,
    float[] logProbs,
    float[] values,
    float[] rewards,
    boolean[] terminated,
    boolean[] truncated,
    float[] finalValues,
    float[] bootstrapValues,
    List<EpisodeEnd> episodes,
    long agentSteps,
    long frames) {

  public RolloutBatch {
    if (steps < 1 || envs < 1) {
      throw new IllegalArgumentException("a batch needs steps, envs >= 1, got " + steps + " x " + envs);
    }
    if ((byteObservations == null) == (floatObservations == null)) {
      throw new IllegalArgumentException("a batch holds exactly one of byte or float observations");
    }
    int n = steps * envs;
    check("observations",
        byteObservations != null ? byteObservations.length : floatObservations.length,
        (long) n * space.size());
    check("actions", actions.length, n);
    check("logProbs", logProbs.length, n);
    check("values", values.length, n);
    check("rewards", rewards.length, n);
    check("terminated", terminated.length, n);
    check("truncated", truncated.length, n);
    check("finalValues", finalValues.length, n);
    check("bootstrapValues", bootstrapValues.length, envs);
    episodes = List.copyOf(episodes);
  }

  /** T*N, the number of transitions. */
  public int size() {
    return steps * envs;
  }

  private static void check(String name, long length, long expected) {
    if (length != expected) {
      throw new IllegalArgumentException(
          "batch " + name + " has " + length + " entries, expected " + expected);
    }
  }
}
