// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GaeTest {

  private static final float[] REWARDS = {1, 2, 3};
  private static final float[] VALUES = {0.5f, 1, 2};
  private static final float[] BOOTSTRAP = {4};
  private static final boolean[] NONE = {false, false, false};
  private static final boolean[] AT_1 = {false, true, false};

  private static Gae.Estimates one(double lambda, boolean[] term, boolean[] trunc, float finalValue) {
    float[] finals = {Float.NaN, finalValue, Float.NaN}; // only read where truncated
    return new Gae(0.5, lambda).estimate(3, 1, REWARDS, VALUES, term, trunc, finals,
        BOOTSTRAP);
  }

  /** lambda = 1: discounted return (bootstrapped where the rollout or a truncation cuts) minus V. */
  @Test
  void lambdaOneGivesDiscountedReturnsMinusValues() {
    // R2 = 3 + .5*4 = 5, R1 = 2 + .5*5 = 4.5, R0 = 1 + .5*4.5 = 3.25
    Gae.Estimates e = one(1, NONE, NONE, 0);
    assertArrayEquals(new float[] {2.75f, 3.5f, 3}, e.advantages());
    assertArrayEquals(new float[] {3.25f, 4.5f, 5}, e.returns());
    // terminated at 1: R1 = 2, R0 = 1 + .5*2 = 2; step 2 starts a new episode
    assertArrayEquals(new float[] {1.5f, 1, 3}, one(1, AT_1, NONE, 0).advantages());
    // truncated at 1 with V(final obs) = 6: R1 = 2 + .5*6 = 5, R0 = 1 + .5*5 = 3.5
    assertArrayEquals(new float[] {3, 4, 3}, one(1, NONE, AT_1, 6).advantages());
    // both flags: terminated wins, the final value is ignored
    assertArrayEquals(new float[] {1.5f, 1, 3}, one(1, AT_1, AT_1, 6).advantages());
  }

  /** lambda = 0: one-step TD errors r + gamma next - V. */
  @Test
  void lambdaZeroGivesOneStepTdErrors() {
    assertArrayEquals(new float[] {1, 2, 3}, one(0, NONE, NONE, 0).advantages());
    // terminated at 1: no bootstrap there; step 0 still bootstraps from V1
    assertArrayEquals(new float[] {1, 1, 3}, one(0, AT_1, NONE, 0).advantages());
    // truncated at 1: bootstrap from the final observation's value 6, not from V2
    assertArrayEquals(new float[] {1, 4, 3}, one(0, NONE, AT_1, 6).advantages());
  }

  /**
   * Random 37 x 6 rollouts with both kinds of episode end, against the lambda-return form written
   * independently in double: {@code A_t = G^lambda_t - V_t} with {@code G^lambda_t = (1-lambda)
   * sum_{n<L} lambda^(n-1) G^(n)_t + lambda^(L-1) G^(L)_t}, where L is the number of steps left in
   * the episode segment and the n-step returns {@code G^(n)} bootstrap from V, the final value or
   * the rollout's bootstrap value at the segment's end. Bound: 1e-5 relative to the largest value.
   */
  @Test
  void matchesLambdaReturnsOnRandomRollouts() {
    SplittableRandom rng = new SplittableRandom(42);
    for (double[] gl : new double[][] {{0.99, 0.95}, {0.9, 0.5}, {1, 1}, {0.97, 0}}) {
      for (int trial = 0; trial < 20; trial++) {
        int t = 37;
        int n = 6;
        float[] r = new float[t * n];
        float[] v = new float[t * n];
        float[] fv = new float[t * n];
        boolean[] term = new boolean[t * n];
        boolean[] trunc = new boolean[t * n];
        float[] boot = new float[n];
        for (int k = 0; k < t * n; k++) {
          r[k] = (float) rng.nextGaussian();
          v[k] = (float) rng.nextGaussian();
          fv[k] = (float) rng.nextGaussian();
          double u = rng.nextDouble();
          term[k] = u < 0.06;
          trunc[k] = u > 0.94 || (u > 0.03 && u < 0.04); // includes some steps with both flags
        }
        for (int i = 0; i < n; i++) {
          boot[i] = (float) rng.nextGaussian();
        }
        Gae.Estimates e = new Gae(gl[0], gl[1]).estimate(t, n, r, v, term, trunc, fv, boot);
        double[] ref = lambdaReturnAdvantages(t, n, r, v, term, trunc, fv, boot, gl[0], gl[1]);
        double scale = Arrays.stream(ref).map(Math::abs).max().orElse(1);
        for (int k = 0; k < t * n; k++) {
          assertEquals(ref[k], e.advantages()[k], 1e-5 * scale, "advantage " + k);
          assertEquals(ref[k] + v[k], e.returns()[k], 1e-5 * scale, "return " + k);
        }
      }
    }
  }

  @Test
  void mismatchedLengthsAreRejected() {
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
        () -> new Gae(0.99, 0.95).estimate(3, 1, REWARDS, VALUES, NONE, NONE, new float[3],
            new float[2]));
    assertTrue(ex.getMessage().contains("bootstrapValues"), ex.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Gae(1.5, 0.95));
  }

  private static double[] lambdaReturnAdvantages(int steps, int envs, float[] r, float[] v,
      boolean[] term, boolean[] trunc, float[] fv, float[] boot, double gamma, double lambda) {
    double[] adv = new double[steps * envs];
    for (int i = 0; i < envs; i++) {
      for (int t = 0; t < steps; t++) {
        int end = t; // last step of t's segment
        while (end < steps - 1 && !term[end * envs + i] && !trunc[end * envs + i]) {
          end++;
        }
        int len = end - t + 1;
        double mix = 0;
        for (int nStep = 1; nStep <= len; nStep++) {
          double g = 0;
          for (int k = 0; k < nStep; k++) {
            g += Math.pow(gamma, k) * r[(t + k) * envs + i];
          }
          g += Math.pow(gamma, nStep) * valueAfter(t + nStep - 1, i, envs, steps, v, term, trunc,
              fv, boot);
          mix += nStep < len ? (1 - lambda) * Math.pow(lambda, nStep - 1) * g
              : Math.pow(lambda, len - 1) * g;
        }
        adv[t * envs + i] = mix - v[t * envs + i];
      }
    }
    return adv;
  }

  /** The value of the state reached after step s of env i. */
  private static double valueAfter(int s, int i, int envs, int steps, float[] v, boolean[] term,
      boolean[] trunc, float[] fv, float[] boot) {
    int k = s * envs + i;
    if (term[k]) {
      return 0;
    }
    if (trunc[k]) {
      return fv[k];
    }
    return s == steps - 1 ? boot[i] : v[k + envs];
  }
}
