// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.agents;

import ai.djl.ndarray.NDArray;
import java.util.SplittableRandom;

/**
 * A categorical distribution over discrete actions parameterised by logits {@code (B, n)}:
 * log-probabilities, entropy and seeded sampling. All methods are differentiable where they return
 * NDArrays (they are used inside the PPO loss).
 */
public final class CategoricalPolicy {

  private CategoricalPolicy() {}

  /** {@code log softmax(logits)}, shape (B, n). */
  public static NDArray logProbs(NDArray logits) {
    return logits.logSoftmax(-1);
  }

  /** {@code log pi(a_i | s_i)} for integer actions {@code (B)}, shape (B). */
  public static NDArray logProb(NDArray logits, NDArray actions) {
    int n = (int) logits.getShape().get(logits.getShape().dimension() - 1);
    NDArray oneHot = actions.oneHot(n, logits.getDataType());
    return logProbs(logits).mul(oneHot).sum(new int[] {-1});
  }

  /** Entropy {@code -sum_a pi(a) log pi(a)} per example, shape (B). */
  public static NDArray entropy(NDArray logits) {
    NDArray logp = logProbs(logits);
    return logp.exp().mul(logp).sum(new int[] {-1}).neg();
  }

  /**
   * Samples one action per row by inverse CDF on the host, so that a seeded {@code rng} gives the
   * same actions on every engine and device.
   *
   * @return actions, one per row of {@code logits}
   */
  public static int[] sample(NDArray logits, SplittableRandom rng) {
    long[] shape = logits.getShape().getShape();
    int n = (int) shape[shape.length - 1];
    float[] p = logits.logSoftmax(-1).exp().toFloatArray();
    return sample(p, n, rng);
  }

  /**
   * Inverse-CDF sampling over row-major probabilities {@code p} of {@code n} actions per row, one
   * {@code rng.nextDouble()} per row in row order (shared with {@link Agent}, so both draw alike).
   */
  static int[] sample(float[] p, int n, SplittableRandom rng) {
    double[] u = new double[p.length / n];
    for (int r = 0; r < u.length; r++) {
      u[r] = rng.nextDouble();
    }
    return sample(p, n, u, 0);
  }

  /** The same with row r's uniform draw given as {@code u[offset + r]}. */
  static int[] sample(float[] p, int n, double[] u, int offset) {
    int rows = p.length / n;
    int[] actions = new int[rows];
    for (int r = 0; r < rows; r++) {
      double cdf = 0;
      int a = n - 1;
      for (int k = 0; k < n; k++) {
        cdf += p[r * n + k];
        if (u[offset + r] < cdf) {
          a = k;
          break;
        }
      }
      actions[r] = a;
    }
    return actions;
  }
}
