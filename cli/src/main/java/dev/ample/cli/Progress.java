// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * clock (learning rate and clip). Saved in every {@link Checkpoint} so that a resumed run continues
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

  void write(ObjectNode node) {
    node.put("iteration", iteration);
    node.put("agent_steps", agentSteps);
    node.put("frames", frames);
    node.put("episodes", episodes);
    node.put("wall_seconds", wallSeconds);
    recentReturns.forEach(node.putArray("recent_returns")::add);
    recentLengths.forEach(node.putArray("recent_lengths")::add);
    node.put("optimizer_steps", optimizerSteps);
    ObjectNode d = node.putObject("decay");
    d.put("from_step", decay.fromStep());
    d.put("from_value", decay.fromValue());
    d.put("end_step", decay.endStep());
  }

  static Progress read(JsonNode node) {
    List<Double> returns = new ArrayList<>();
    node.get("recent_returns").forEach(v -> returns.add(v.asDouble()));
    List<Integer> lengths = new ArrayList<>();
    node.get("recent_lengths").forEach(v -> lengths.add(v.asInt()));
    JsonNode d = node.get("decay");
    return new Progress(node.get("iteration").asLong(), node.get("agent_steps").asLong(),
        node.get("frames").asLong(), node.get("episodes").asLong(),
        node.get("wall_seconds").asDouble(), returns, lengths, node.get("optimizer_steps").asLong(),
        new RunDecay(d.get("from_step").asLong(), d.get("from_value").asDouble(),
            d.get("end_step").asLong()));
  }

  /** Mean unclipped return of the last 100 finished episodes; NaN before the first. */
  double returnMean() {
    return recentReturns.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  double lengthMean() {
    return recentLengths.stream().mapToDouble(Integer::doubleValue).average().orElse(Double.NaN);
  }
}
