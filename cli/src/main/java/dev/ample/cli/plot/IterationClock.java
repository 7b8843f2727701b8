// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli.plot;

import java.util.Arrays;

/**
 * Places optimizer steps on the agent-step axis, so that {@code gradstats.jsonl} (counted in
 * optimizer steps) and {@code metrics.jsonl} (in agent steps) share one x axis. Iteration i ends
 * at {@code agentSteps[i]} after {@code optimizerSteps[i]} steps (index 0 is where the record
 * starts, e.g. 0 and 0); its steps are spread evenly over its agent steps, so step s of an
 * iteration from (A0, O0) to (A1, O1) sits at {@code A0 + (s - O0) (A1 - A0) / (O1 - O0)}, the
 * iteration's last step at A1.
 */
public final class IterationClock {
  private final long[] agentSteps;
  private final long[] optimizerSteps;

  /** Iteration ends, ascending in both counters; index 0 is the start. */
  public IterationClock(long[] agentSteps, long[] optimizerSteps) {
    if (agentSteps.length != optimizerSteps.length || agentSteps.length < 2) {
      throw new IllegalArgumentException("need the start and at least one iteration end, got "
          + agentSteps.length + " agent-step and " + optimizerSteps.length + " optimizer-step"
          + " counts");
    }
    this.agentSteps = agentSteps.clone();
    this.optimizerSteps = optimizerSteps.clone();
  }

  /** The agent steps at optimizer step {@code step}; NaN outside the iterations known. */
  public double agentStepsAt(long step) {
    if (step <= optimizerSteps[0] || step > optimizerSteps[optimizerSteps.length - 1]) {
      return Double.NaN;
    }
    int found = Arrays.binarySearch(optimizerSteps, step);
    int i = found >= 0 ? found : -found - 1; // the iteration whose steps end at or after step
    long o0 = optimizerSteps[i - 1];
    return agentSteps[i - 1]
        + (double) (step - o0) * (agentSteps[i] - agentSteps[i - 1]) / (optimizerSteps[i] - o0);
  }
}
