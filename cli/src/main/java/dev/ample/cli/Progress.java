// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import dev.ample.envs.EpisodeEnd;
import dev.ample.optim.RunDecay;
import dev.ample.rollout.RolloutBatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Where a training run stands after an iteration: counters, wall time, the last 100 finished
 * episodes (unclipped returns and lengths, for {@code episode_return_mean}) and the run's decay
 * clock (learning rate and clip). Saved beside every checkpoint so that a resumed run continues
 * them.
 */
record Progress(
    long iteration,
    long agentSteps,
    long frames,
    long episodes,
    double wallSeconds,
    List<Double> recentReturns,
    List<Integer> recentLengths,
    long optimizerSteps,
    RunDecay decay) {

  static final int WINDOW = 100;

  Progress {
    recentReturns = List.copyOf(recentReturns);
    recentLengths = List.copyOf(recentLengths);
  }

  static Progress start(RunDecay decay) {
    return new Progress(0, 0, 0, 0, 0, List.of(), List.of(), 0, decay);
  }

  /** The same progress on another decay line (a resumed run whose budget changed). */
  Progress withDecay(RunDecay newDecay) {
    return new Progress(iteration, agentSteps, frames, episodes, wallSeconds, recentReturns,
        recentLengths, optimizerSteps, newDecay);
  }

  /** After one more iteration that collected {@code batch} and brought the optimizer to a step. */
  Progress after(RolloutBatch batch, double seconds, long optimizerStepsNow) {
    Deque<Double> returns = new ArrayDeque<>(recentReturns);
    Deque<Integer> lengths = new ArrayDeque<>(recentLengths);
    for (EpisodeEnd e : batch.episodes()) {
      returns.addLast(e.rawReturn());
      lengths.addLast(e.length());
      if (returns.size() > WINDOW) {
        returns.removeFirst();
        lengths.removeFirst();
      }
    }
    return new Progress(iteration + 1, agentSteps + batch.agentSteps(), frames + batch.frames(),
        episodes + batch.episodes().size(), wallSeconds + seconds, new ArrayList<>(returns),
        new ArrayList<>(lengths), optimizerStepsNow, decay);
  }

  /** The same standing with {@code seconds} more wall time (test episodes played after it). */
  Progress plusSeconds(double seconds) {
    return new Progress(iteration, agentSteps, frames, episodes, wallSeconds + seconds,
        recentReturns, recentLengths, optimizerSteps, decay);
  }

  /** Mean unclipped return of the last 100 finished episodes; NaN before the first. */
  double returnMean() {
    return recentReturns.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  double lengthMean() {
    return recentLengths.stream().mapToDouble(Integer::doubleValue).average().orElse(Double.NaN);
  }
}
