// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.optim;

/**
 * A per-example statistic of the gradient of one parameter tensor, over a minibatch of B examples
 * with per-example gradients {@code g_1..g_B} (DESIGN.md §3).
 *
 * <p>Optimizers declare the statistics they need ({@link Optimizer#requiredStatistics()}); the
 * learner computes exactly those, so an optimizer that needs only the mean pays nothing for the
 * per-example machinery.
 */
public enum Statistic {
  /** {@code mu = (1/B) sum_i g_i}, the ordinary batch gradient. Always present. */
  MEAN,
  /** {@code s = (1/B) sum_i g_i^2}, elementwise examplewise second moment. */
  SECOND_MOMENT,
  /** {@code (1/B) sum_i sign(g_i)}, elementwise. */
  SIGN_MEAN,
  /** {@code ||g_i||^2} for each example i, over this tensor: shape (B). Used by logging. */
  EXAMPLE_SQUARED_NORMS
}
