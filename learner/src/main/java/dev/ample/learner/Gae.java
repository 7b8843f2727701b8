// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner;

import dev.ample.agents.Trajectory;

/**
 * Generalized advantage estimation (Schulman et al. 2016, "High-dimensional continuous control
 * using generalized advantage estimation") over a T x N rollout held as flat arrays, element
 * {@code [t * N + i]} being step t of env i.
 *
 * <p>Episode ends: envs autoreset within the step that ends an episode, so the observation after
 * such a step belongs to the next episode and its value must not be used. Per env i, from t = T-1
 * down to 0:
 *
 * <pre>
 *   next_t  = 0                      if terminated_t     (the MDP ended: nothing to bootstrap)
 *           = finalValue_t           else if truncated_t (value of the ended episode's last observation)
 *           = bootstrap_i            else if t = T-1     (value of the observation after the rollout)
 *           = V_{t+1}                otherwise
 *   delta_t = r_t + gamma next_t - V_t
 *   A_t     = delta_t + gamma lambda [not terminated_t and not truncated_t and t < T-1] A_{t+1}
 *   R_t     = A_t + V_t
 * </pre>
 *
 * So the recursion never crosses an episode boundary, and a truncated step bootstraps from its own
 * episode's final observation (not from the next episode's first one, as a recursion that only
 * knows "done" would). A step flagged both terminated and truncated counts as terminated.
 * Equivalently {@code A_t = sum_k (gamma lambda)^k delta_{t+k}} over the remaining steps of the
 * episode segment within the rollout. Sums run in double; results are float.
 *
 * @param gamma discount factor, in [0, 1]
 * @param lambda GAE's bias/variance trade-off, in [0, 1]: 0 gives one-step TD errors, 1 the
 *     discounted return minus the value
 */
public record Gae(double gamma, double lambda) {

  public Gae {
    if (!(gamma >= 0 && gamma <= 1) || !(lambda >= 0 && lambda <= 1)) {
      throw new IllegalArgumentException(
          "GAE needs gamma and lambda in [0, 1], got gamma " + gamma + ", lambda " + lambda);
    }
  }

  /**
   * Advantages and value targets, both T x N flat like the inputs.
   *
   * @param advantages {@code A_t}
   * @param returns {@code A_t + V_t}, the value-loss targets
   */
  public record Estimates(float[] advantages, float[] returns) {}

  /** The estimates of a trajectory's rewards, values and episode ends. */
  public Estimates estimate(Trajectory rollout) {
    return estimate(
        rollout.steps(),
        rollout.envs(),
        rollout.rewards(),
        rollout.values(),
        rollout.terminated(),
        rollout.truncated(),
        rollout.finalValues(),
        rollout.bootstrapValues());
  }

  /**
   * The estimates of T x N flat arrays (element {@code [t * N + i]}).
   *
   * @param steps T
   * @param envs N
   * @param rewards r_t
   * @param values V(s_t) under the policy that acted
   * @param terminated the step ended its episode in a terminal state
   * @param truncated the step ended its episode by a time limit
   * @param finalValues the value of the ended episode's final observation where {@code
   *     truncated}; other entries are not read
   * @param bootstrapValues N values of the observations after step T-1
   */
  public Estimates estimate(
      int steps,
      int envs,
      float[] rewards,
      float[] values,
      boolean[] terminated,
      boolean[] truncated,
      float[] finalValues,
      float[] bootstrapValues) {
    int n = steps * envs;
    requireLength("rewards", rewards.length, n);
    requireLength("values", values.length, n);
    requireLength("terminated", terminated.length, n);
    requireLength("truncated", truncated.length, n);
    requireLength("finalValues", finalValues.length, n);
    requireLength("bootstrapValues", bootstrapValues.length, envs);
    float[] advantages = new float[n];
    float[] returns = new float[n];
    for (int i = 0; i < envs; i++) {
      double carry = 0; // A_{t+1}, zero past the rollout and at episode ends
      for (int t = steps - 1; t >= 0; t--) {
        int k = t * envs + i;
        double next;
        boolean ended = terminated[k] || truncated[k];
        if (terminated[k]) {
          next = 0;
        } else if (truncated[k]) {
          next = finalValues[k];
        } else if (t == steps - 1) {
          next = bootstrapValues[i];
        } else {
          next = values[k + envs];
        }
        double delta = rewards[k] + gamma * next - values[k];
        double a = delta + (ended ? 0 : gamma * lambda * carry);
        advantages[k] = (float) a;
        returns[k] = (float) (a + values[k]);
        carry = a;
      }
    }
    return new Estimates(advantages, returns);
  }

  private static void requireLength(String name, int length, int expected) {
    if (length != expected) {
      throw new IllegalArgumentException(
          "GAE: " + name + " has " + length + " entries, expected " + expected);
    }
  }
}
