// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.optim;

/**
 * A learning-rate schedule: the learning rate of the update with index {@code step}, counting the
 * updates already made (the first update has step 0).
 *
 * <p>Specs accepted by {@link #parse} (the {@code schedule} hyperparameter of every optimizer):
 * {@code constant}; {@code linear}, PPO's linear decay to 0 at the end of the training run ({@code
 * lr} times the run's {@link RunDecay}, whose length the trainer derives from its budget);
 * {@code linear:N}, {@code lr (1 - step/N)} reaching 0 after N updates; {@code cosine:W:N},
 * linear warmup over W updates ({@code lr (step+1)/W}, so the first
 * update is not wasted) then cosine decay {@code lr (1 + cos(pi p))/2} with {@code p = (step-W)/(N-W)}
 * to 0 at update N.
 */
@FunctionalInterface
public interface Schedule {

  /** The learning rate of update number {@code step} (0-based), never negative. */
  double at(long step);

  static Schedule constant(double lr) {
    return step -> lr;
  }

  /** {@code lr (1 - step/steps)}, clamped at 0 from {@code steps} on. */
  static Schedule linearToZero(double lr, long steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("linear schedule needs steps >= 1, got " + steps);
    }
    return step -> lr * Math.max(0.0, 1.0 - (double) step / steps);
  }

  /** Linear warmup over {@code warmup} updates, then cosine decay to 0 at update {@code total}. */
  static Schedule warmupCosine(double lr, long warmup, long total) {
    if (warmup < 0 || total < 1 || warmup >= total) {
      throw new IllegalArgumentException(
          "cosine schedule needs 0 <= warmup < total, got warmup=" + warmup + " total=" + total);
    }
    return step -> {
      if (step < warmup) {
        return lr * (step + 1) / warmup;
      }
      double p = Math.min(1.0, (double) (step - warmup) / (total - warmup));
      return lr * 0.5 * (1.0 + Math.cos(Math.PI * p));
    };
  }

  /**
   * Parses a schedule spec ({@code constant}, {@code linear}, {@code linear:N}, {@code cosine:W:N})
   * around the peak learning rate {@code lr}; {@code run} is the training run's decay that {@code
   * linear} follows, null outside a training run.
   */
  static Schedule parse(String spec, double lr, RunDecay run) {
    String[] parts = spec.trim().split(":");
    try {
      switch (parts[0]) {
        case "constant":
          if (parts.length == 1) {
            return constant(lr);
          }
          break;
        case "linear":
          if (parts.length == 1) {
            if (run == null) {
              throw new IllegalArgumentException("schedule 'linear' decays to 0 at the end of a"
                  + " training run, and there is none here; give linear:N (N optimizer steps)");
            }
            return step -> lr * run.at(step);
          }
          if (parts.length == 2) {
            return linearToZero(lr, Long.parseLong(parts[1]));
          }
          break;
        case "cosine":
          if (parts.length == 3) {
            return warmupCosine(lr, Long.parseLong(parts[1]), Long.parseLong(parts[2]));
          }
          break;
        default:
          break;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(
        "schedule '" + spec + "' is not one of: constant, linear, linear:N, cosine:W:N (N, W"
            + " integers)");
  }
}
