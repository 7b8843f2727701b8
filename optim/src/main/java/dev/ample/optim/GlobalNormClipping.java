// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient clipping by global norm, applied to whole {@link GradientStats} so that the per-example
 * statistics stay consistent with the clipped gradient.
 *
 * <p>The global norm is the L2 norm of the <b>mean</b> gradient over all tensors, {@code ||mu|| =
 * sqrt(sum_tensors sum_elements mu^2)} (the norm PPO implementations clip). With {@code c = min(1,
 * maxNorm/||mu||)}, every per-example gradient is taken as scaled by the same {@code c}, so: mean
 * times {@code c}, second moment and example squared norms times {@code c^2}, sign mean unchanged
 * ({@code c > 0}). All of it stays on the device: {@code c} is a 0-d array, never read back.
 */
public final class GlobalNormClipping {

  private GlobalNormClipping() {}

  /** {@code ||mu||} over all tensors, as a 0-d array on the device of the first mean. */
  public static NDArray globalNorm(GradientStats stats) {
    NDList squares = new NDList(stats.size());
    for (TensorStats t : stats.tensors()) {
      squares.add(t.mean().square().sum());
    }
    NDArray stacked = NDArrays.stack(squares);
    NDArray norm = stacked.sum().sqrt();
    squares.close();
    stacked.close();
    return norm;
  }

  /**
   * The statistics scaled by {@code c = min(1, maxNorm/||mu||)}. The returned arrays are new (the
   * caller closes them, e.g. with its per-step manager); the input is not modified.
   *
   * @param maxNorm the largest allowed global norm, > 0
   */
  public static GradientStats clip(GradientStats stats, double maxNorm) {
    if (!(maxNorm > 0)) {
      throw new IllegalArgumentException("max_grad_norm must be > 0, got " + maxNorm);
    }
    NDArray norm = globalNorm(stats);
    NDArray c = NDArrays.div(maxNorm, norm).minimum(1f);
    NDArray c2 = c.square();
    List<TensorStats> out = new ArrayList<>(stats.size());
    for (TensorStats t : stats.tensors()) {
      out.add(
          new TensorStats(
              t.mean().mul(c),
              t.secondMoment() == null ? null : t.secondMoment().mul(c2),
              t.signMean() == null ? null : t.signMean().duplicate(),
              t.exampleSquaredNorms() == null ? null : t.exampleSquaredNorms().mul(c2)));
    }
    norm.close();
    c.close();
    c2.close();
    return new GradientStats(stats.batchSize(), out);
  }

  /** Closes every array of statistics made by {@link #clip}. */
  static void close(GradientStats stats) {
    for (TensorStats t : stats.tensors()) {
      for (Statistic s : Statistic.values()) {
        if (t.get(s) != null) {
          t.get(s).close();
        }
      }
    }
  }
}
