// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.optim;

import ai.djl.ndarray.NDArray;

/**
 * Per-example gradient statistics of one parameter tensor. Every array but {@code exampleSquaredNorms}
 * has the parameter's shape; statistics that were not requested are {@code null}.
 *
 * @param mean batch mean gradient {@code mu} (never null)
 * @param secondMoment examplewise second moment {@code s = mean_i g_i^2}, or null
 * @param signMean {@code mean_i sign(g_i)}, or null
 * @param exampleSquaredNorms {@code ||g_i||^2} per example, shape (B), or null
 */
public record TensorStats(
    NDArray mean, NDArray secondMoment, NDArray signMean, NDArray exampleSquaredNorms) {

  public TensorStats {
    if (mean == null) {
      throw new IllegalArgumentException("TensorStats needs the mean gradient");
    }
  }

  /** Only the mean, as a batch-only gradient. */
  public static TensorStats ofMean(NDArray mean) {
    return new TensorStats(mean, null, null, null);
  }

  /** Whether this tensor carries the given statistic. */
  public boolean has(Statistic statistic) {
    return switch (statistic) {
      case MEAN -> true;
      case SECOND_MOMENT -> secondMoment != null;
      case SIGN_MEAN -> signMean != null;
      case EXAMPLE_SQUARED_NORMS -> exampleSquaredNorms != null;
    };
  }

  /** The array of the given statistic, or null when it was not computed. */
  public NDArray get(Statistic statistic) {
    return switch (statistic) {
      case MEAN -> mean;
      case SECOND_MOMENT -> secondMoment;
      case SIGN_MEAN -> signMean;
      case EXAMPLE_SQUARED_NORMS -> exampleSquaredNorms;
    };
  }
}
