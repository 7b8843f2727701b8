// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner;

import java.util.Arrays;

/**
 * One PPO iteration's experience: T steps of N envs as flat Java arrays, element {@code [t * N +
 * i]} (observations: row {@code t * N + i}) being step t of env i. This is what the rollout hands
 * the learner (messages carry arrays, never NDArrays).
 *
 * <p>Autoreset happens within the step that ends an episode, so the value of the ended episode's
 * last observation comes separately ({@code finalValues}, read only where {@code truncated}); see
 * {@link Gae} for how each is used.
 *
 * @param steps T, steps per env
 * @param envs N, envs
 * @param observationShape the shape of one observation (e.g. 4, 84, 84)
 * @param byteObservations UINT8 observations (pixels), T*N*size, or null when float
 * @param floatObservations FLOAT32 observations, T*N*size, or null when bytes
 * @param actions the actions taken
 * @param logProbs log-probabilities of the actions under the policy that acted
 * @param values that policy's value estimates V(s_t)
 * @param rewards rewards as the learner should see them (clipped when reward clipping is on)
 * @param terminated the step ended its episode in a terminal state
 * @param truncated the step ended its episode by a time limit
 * @param finalValues V of the ended episode's final observation where {@code truncated}
 * @param bootstrapValues N values of the observations after the last step
 */
public record Rollout(
    int steps,
    int envs,
    int[] observationShape,
    byte[] byteObservations,
    float[] floatObservations,
    int[] actions,
    float[] logProbs,
    float[] values,
    float[] rewards,
    boolean[] terminated,
    boolean[] truncated,
    float[] finalValues,
    float[] bootstrapValues) {

  public Rollout {
    if (steps < 1 || envs < 1) {
      throw new IllegalArgumentException("a rollout needs steps, envs >= 1, got " + steps + " x "
          + envs);
    }
    if ((byteObservations == null) == (floatObservations == null)) {
      throw new IllegalArgumentException("a rollout holds exactly one of byte or float observations");
    }
    observationShape = observationShape.clone();
    int n = steps * envs;
    long obs = (long) n * observationSize(observationShape);
    check("observations",
        byteObservations != null ? byteObservations.length : floatObservations.length, obs);
    check("actions", actions.length, n);
    check("logProbs", logProbs.length, n);
    check("values", values.length, n);
    check("rewards", rewards.length, n);
    check("terminated", terminated.length, n);
    check("truncated", truncated.length, n);
    check("finalValues", finalValues.length, n);
    check("bootstrapValues", bootstrapValues.length, envs);
  }

  /** T*N, the number of transitions. */
  public int size() {
    return steps * envs;
  }

  /** Elements in one observation. */
  public int observationSize() {
    return observationSize(observationShape);
  }

  @Override
  public int[] observationShape() {
    return observationShape.clone();
  }

  /**
   * Fails naming the first field holding NaN or an infinity (observations, log-probs, values,
   * rewards, final values where truncated, bootstrap values), so that a bad rollout stops before
   * the first update rather than midway through an iteration.
   */
  public void requireFinite() {
    requireFinite("floatObservations", floatObservations);
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
        "rollout " + name + "[" + k + "] is " + v + "; update refused before any parameter or"
            + " optimizer-state change");
  }

  private static int observationSize(int[] shape) {
    return Arrays.stream(shape).reduce(1, Math::multiplyExact);
  }

  private static void check(String name, long length, long expected) {
    if (length != expected) {
      throw new IllegalArgumentException(
          "rollout " + name + " has " + length + " entries, expected " + expected);
    }
  }
}
