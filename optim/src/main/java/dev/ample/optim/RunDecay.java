// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.optim;

/**
 * The training run's clock as one number: the fraction of a linear decay still left before
 * optimizer step {@code step}, 1 at the start of a run and 0 at its end. The learning rate (the
 * {@code linear} schedule) and PPO's clip range both scale by it, so they reach 0 together.
 *
 * <p>A run is one straight line from {@code (fromStep, fromValue)} to {@code (endStep, 0)}. A
 * fresh run starts at {@code (0, 1)}; a resumed run whose budget changed continues from the value
 * it had reached ({@link #rescheduled}), so neither the learning rate nor the clip jumps.
 *
 * @param fromStep the optimizer step the line starts at
 * @param fromValue the value there, in [0, 1]
 * @param endStep the optimizer step at which the value reaches 0 (the end of the budget)
 */
public record RunDecay(long fromStep, double fromValue, long endStep) {

  public RunDecay {
    if (fromStep < 0 || endStep <= fromStep || !(fromValue >= 0 && fromValue <= 1)) {
      throw new IllegalArgumentException("a run decay needs 0 <= fromStep < endStep and fromValue"
          + " in [0, 1], got fromStep=" + fromStep + " fromValue=" + fromValue + " endStep="
          + endStep);
    }
  }

  /** A fresh run of {@code steps} optimizer steps: {@code 1 - step/steps}. */
  public static RunDecay over(long steps) {
    return new RunDecay(0, 1, steps);
  }

  /** The fraction left before optimizer step {@code step} (0-based), clamped at 0 after the end. */
  public double at(long step) {
    return fromValue * Math.max(0.0, (double) (endStep - step) / (endStep - fromStep));
  }

  /** 1 - {@link #at}: how much of the run is done, for PPO's clip annealing. */
  public double progress(long step) {
    return 1 - at(step);
  }

  /**
   * The same run continued from {@code step} to a new end: the value at {@code step} is kept and
   * falls linearly to 0 at {@code newEndStep}. With the old end it is the same line.
   */
  public RunDecay rescheduled(long step, long newEndStep) {
    double now = at(step);
    return newEndStep > step ? new RunDecay(step, now, newEndStep) : new RunDecay(step, 0, step + 1);
  }
}
