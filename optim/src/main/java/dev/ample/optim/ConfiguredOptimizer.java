// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A complete optimizer as the registry builds it: a named chain of stages, an optional global-norm
 * clip ({@link GlobalNormClipping}), and the input checks every update makes before touching any
 * state: the statistics the optimizer declares are present and finite.
 *
 * <p>The finite check costs one reduction per required statistic and tensor plus one boolean read
 * back from the device. It sums each statistic (NaN and infinities propagate into the sum), so a
 * finite tensor whose sum overflows float range (~3.4e38) is also reported as non-finite.
 *
 * <p>Ownership: {@link #update} consumes the input state (its arrays are closed and replaced by the
 * next state's, which live in the manager of the parameters given to {@link #init}); the updates
 * live in the manager of the corresponding mean statistic. If an update fails, the input state is
 * left intact.
 */
public final class ConfiguredOptimizer implements Optimizer {

  private final String name;
  private final Optimizer inner;
  private final double maxGradNorm;

  /**
   * @param name the registry name
   * @param inner the chain of stages
   * @param maxGradNorm global-norm clip threshold, or 0 for no clipping
   */
  public ConfiguredOptimizer(String name, Optimizer inner, double maxGradNorm) {
    if (maxGradNorm < 0 || Double.isNaN(maxGradNorm)) {
      throw new IllegalArgumentException("max_grad_norm must be >= 0 (0 = off), got " + maxGradNorm);
    }
    this.name = name;
    this.inner = inner;
    this.maxGradNorm = maxGradNorm;
  }

  public Optimizer inner() {
    return inner;
  }

  public double maxGradNorm() {
    return maxGradNorm;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Set<Statistic> requiredStatistics() {
    return inner.requiredStatistics();
  }

  @Override
  public OptimizerState init(List<NDArray> params) {
    return inner.init(params);
  }

  @Override
  public Step update(GradientStats stats, OptimizerState state, List<NDArray> params) {
    stats.require(requiredStatistics(), name);
    checkFinite(stats, requiredStatistics(), name);
    if (maxGradNorm == 0) {
      return inner.update(stats, state, params);
    }
    GradientStats clipped = GlobalNormClipping.clip(stats, maxGradNorm);
    try {
      return inner.update(clipped, state, params);
    } finally {
      GlobalNormClipping.close(clipped);
    }
  }

  /**
   * Throws {@link IllegalStateException} naming the first tensor and statistic holding NaN or an
   * infinity; one boolean is read back from the device when all is well.
   */
  public static void checkFinite(GradientStats stats, Set<Statistic> statistics, String consumer) {
    List<int[]> where = new ArrayList<>();
    try (NDScope scope = new NDScope()) {
      NDList sums = new NDList();
      for (int i = 0; i < stats.size(); i++) {
        for (Statistic s : Statistic.values()) {
          NDArray a = stats.get(i).get(s);
          if (statistics.contains(s) && a != null) {
            sums.add(a.sum());
            where.add(new int[] {i, s.ordinal()});
          }
        }
      }
      NDArray all = NDArrays.stack(sums);
      if (!all.isNaN().logicalOr(all.isInfinite()).any().getBoolean()) {
        return;
      }
      float[] values = all.toFloatArray();
      for (int j = 0; j < values.length; j++) {
        if (!Float.isFinite(values[j])) {
          int tensor = where.get(j)[0];
          Statistic s = Statistic.values()[where.get(j)[1]];
          throw new IllegalStateException(
              consumer + ": statistic " + s + " of parameter tensor " + tensor + " (shape "
                  + stats.get(tensor).get(s).getShape() + ") is not finite (NaN or infinite, sum = "
                  + values[j] + "); update refused, parameters and optimizer state unchanged");
        }
      }
      throw new IllegalStateException(consumer + ": non-finite gradient statistics");
    }
  }
}
