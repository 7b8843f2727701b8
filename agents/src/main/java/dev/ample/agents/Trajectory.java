// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.agents;

import dev.ample.envs.ObservationSpace;
import dev.ample.envs.Observations;

/**
 * One iteration's experience: T steps of N envs as flat Java arrays, element {@code [t * N + i]}
 * (observations: row {@code t * N + i}) being step t of env i. The rollout produces it and the
 * learner consumes it, as it is (messages carry arrays, never NDArrays).
 *
 * <p>It lives in {@code agents} because that is the one module both sides see: {@code rollout}
 * depends on envs and agents, {@code learner} on optim and agents, and neither may reach the
 * other. {@code agents} in turn depends on {@code envs}, because an {@link Agent} maps an {@link
 * Observations} batch to actions; so the data path still reads one way, env -> agents -> rollout
 * -> learner.
 *
 * <p>Autoreset happens within the step that ends an episode, so the value of the ended episode's
 * last observation comes separately ({@code finalValues}, read only where {@code truncated}).
 *
 * @param steps T, steps per env
 * @param envs N, envs
 * @param observations s_t for all T*N transitions ({@code observations.numEnvs()} is T*N rows)
 * @param actions a_t sampled by the agent
 * @param logProbs {@code log pi(a_t | s_t)} under the policy that acted
 * @param values that policy's {@code V(s_t)}
 * @param rewards rewards as the learner should see them (clipped when reward clipping is on)
 * @param terminated step t ended its episode in a terminal state
 * @param truncated step t ended its episode by a time limit
 * @param finalValues V of the ended episode's final observation where {@code truncated}, else 0
 * @param bootstrapValues N values of the observations after step T-1 (under the policy of the last
 *     step)
 * @param policyVersions T entries: the {@link PolicySnapshot#version() version} of the snapshot
 *     that acted at step t (for all N envs of that step)
 */
public record Trajectory(
    int steps,
    int envs,
    Observations observations,
    int[] actions,
    float[] logProbs,
    float[] values,
    float[] rewards,
    boolean[] terminated,
    boolean[] truncated,
    float[] finalValues,
    float[] bootstrapValues,
    long[] policyVersions) {

  public Trajectory {
    if (steps < 1 || envs < 1) {
      throw new IllegalArgumentException(
          "a trajectory needs steps, envs >= 1, got " + steps + " x " + envs);
    }
    int n = steps * envs;
    check("observations", observations.numEnvs(), n);
    check("actions", actions.length, n);
    check("logProbs", logProbs.length, n);
    check("values", values.length, n);
    check("rewards", rewards.length, n);
    check("terminated", terminated.length, n);
    check("truncated", truncated.length, n);
    check("finalValues", finalValues.length, n);
    check("bootstrapValues", bootstrapValues.length, envs);
    check("policyVersions", policyVersions.length, steps);
  }

  /**
   * The oldest policy version that acted in this trajectory; a learner at version v trains on
   * experience {@code v - oldestPolicyVersion()} updates old (its policy lag).
   */
  public long oldestPolicyVersion() {
    long oldest = Long.MAX_VALUE;
    for (long v : policyVersions) {
      oldest = Math.min(oldest, v);
    }
    return oldest;
  }

  /** T*N, the number of transitions. */
  public int size() {
    return steps * envs;
  }

  /** One env's observation space. */
  public ObservationSpace space() {
    return observations.space();
  }

  /**
   * Fails naming the first field holding NaN or an infinity (float observations, log-probs,
   * values, rewards, final values where truncated, bootstrap values), so that a bad trajectory
   * stops before the first update rather than midway through an iteration.
   */
  public void requireFinite() {
    requireFinite("observations", observations.floats());
    requireFinite("logProbs", logProbs);
    requireFinite("values", values);
    requireFinite("rewards", rewards);
    requireFinite("bootstrapValues", bootstrapValues);
    for (int k = 0; k < finalValues.length; k++) {
      if (truncated[k] && !Float.isFinite(finalValues[k])) {
        throw nonFinite("finalValues", k, finalValues[k]);
      }
    }
  }

  private static void requireFinite(String name, float[] a) {
    if (a == null) {
      return;
    }
    for (int k = 0; k < a.length; k++) {
      if (!Float.isFinite(a[k])) {
        throw nonFinite(name, k, a[k]);
      }
    }
  }

  private static IllegalArgumentException nonFinite(String name, int k, float v) {
    return new IllegalArgumentException(
        "trajectory " + name + "[" + k + "] is " + v + "; update refused before any parameter or"
            + " optimizer-state change");
  }

  private static void check(String name, long length, long expected) {
    if (length != expected) {
      throw new IllegalArgumentException(
          "trajectory " + name + " has " + length + " entries, expected " + expected);
    }
  }
}
