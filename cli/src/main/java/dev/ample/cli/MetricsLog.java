// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ample.learner.PpoMetrics;
import dev.ample.learner.io.JsonLines;
import dev.ample.rollout.TestEpisodes;
import dev.ample.rollout.cluster.ClusterStats;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code metrics.jsonl}: one JSON object per PPO iteration with the fields of DESIGN.md §2, each
 * line written whole (or, on a full disk, not at all: {@link JsonLines}) as soon as it is known,
 * so that a crash or Ctrl-C loses nothing already learned. Also the one-line console summary per
 * iteration. Each line is mirrored to the run's {@link TensorBoardLog}.
 *
 * <p>An iteration after which test episodes were played also carries their {@code eval_*} fields.
 * The test of the initial policy (iteration 0, before any update) has a line of its own holding
 * only the counters (all 0), the {@code eval_*} fields and {@code wall_seconds}.
 */
final class MetricsLog implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final JsonLines out;
  private final TensorBoardLog tensorBoard;
  /** On a terminal, the live bar that replaces the per-iteration lines; else null. */
  private final ProgressDisplay bar;
  private double lastTestReturn = Double.NaN;

  /** Test episodes played after an iteration, and how long they took. */
  record Evaluation(TestEpisodes.Result result, double seconds) {}

  /**
   * Appends to {@code file}, creating it if needed, and mirrors every line to TensorBoard.
   *
   * @param bar the console's progress bar, or null for a plain line per iteration
   */
  MetricsLog(Path file, TensorBoardLog tensorBoard, ProgressDisplay bar) throws IOException {
    this.tensorBoard = tensorBoard;
    this.bar = bar;
    out = JsonLines.append(file);
  }

  /**
   * One iteration's line.
   *
   * @param fps emulator frames per second over the iteration (collecting and learning)
   * @param updateSteps the optimizer steps {@code updateSeconds} took
   * @param policyLag learner updates between the policy that collected the iteration's oldest
   *     transition and the learner that trained on it (0 synchronous, 1 overlapped)
   * @param test the test episodes played after it, or null
   * @param cluster what the cluster did for the iteration's batch, or null on a single node
   */
  void write(Progress p, PpoMetrics m, String optimizer, double fps, double rolloutSeconds,
      double updateSeconds, long updateSteps, long policyLag, Evaluation test,
      ClusterStats cluster) throws IOException {
    ObjectNode line = counters(p);
    putFinite(line, "episode_return_mean", p.returnMean());
    putFinite(line, "episode_length_mean", p.lengthMean());
    line.put("fps", round(fps));
    for (Map.Entry<String, Object> e : m.fields().entrySet()) {
      line.putPOJO(e.getKey(), e.getValue());
    }
    line.put("optimizer", optimizer);
    line.put("rollout_seconds", round(rolloutSeconds));
    line.put("update_seconds", round(updateSeconds));
    line.put("policy_lag", policyLag);
    // Per optimizer step, to compare with ./ample bench learner's step time.
    line.put("learn_step_ms", round(updateSeconds * 1000 / Math.max(1, updateSteps)));
    if (test != null) {
      putEvaluation(line, test);
    }
    if (cluster != null) {
      putCluster(line, cluster);
    }
    line.put("wall_seconds", round(p.wallSeconds()));
    writeLine(line);
  }

  /**
   * {@code workers_alive}, {@code local_steps}, {@code worker_steps} (address to agent steps of
   * the workers whose fragments were used), {@code dropped_fragments}, {@code fragment_bytes}
   * (received on the wire) and {@code fragment_decode_ms}.
   */
  private static void putCluster(ObjectNode line, ClusterStats c) {
    line.put("workers_alive", c.workers());
    line.put("local_steps", c.localSteps());
    ObjectNode steps = line.putObject("worker_steps");
    c.workerSteps().forEach(steps::put);
    line.put("dropped_fragments", c.droppedFragments());
    line.put("fragment_bytes", c.fragmentBytes());
    line.put("fragment_decode_ms", round(c.decodeMs()));
  }

  /** The line of a test that follows no update in this run: the initial policy's. */
  void writeEvaluation(Progress p, Evaluation test) throws IOException {
    ObjectNode line = counters(p);
    putEvaluation(line, test);
    line.put("wall_seconds", round(p.wallSeconds()));
    writeLine(line);
  }

  /** The iteration on the console: the bar moves, or (not a terminal) one line. */
  void printLine(Progress p, long iterations, PpoMetrics m, Evaluation test,
      ClusterStats cluster) {
    if (test != null) {
      lastTestReturn = test.result().meanReturn();
    }
    if (bar != null) {
      bar.update(p.agentSteps(), p.returnMean(), lastTestReturn);
      return;
    }
    System.out.printf("iter %d/%d  steps %,d  return %s (%d episodes)  loss pi %.4f v %.4f"
            + "  entropy %.3f  kl %.4f  lr %.2e%s%s  %.0f s%n",
        p.iteration(), iterations, p.agentSteps(), format(p.returnMean()), p.episodes(),
        m.lossPolicy(), m.lossValue(), m.entropy(), m.approxKl(), m.learningRate(),
        test == null ? "" : "  " + describe(test.result()),
        cluster == null ? "" : String.format("  workers %d (%d answered, %d dropped, %,d bytes)",
            cluster.workers(), cluster.workerSteps().size(), cluster.droppedFragments(),
            cluster.fragmentBytes()), p.wallSeconds());
  }

  void printEvaluation(Progress p, long iterations, Evaluation test) {
    lastTestReturn = test.result().meanReturn();
    if (bar != null) {
      bar.update(p.agentSteps(), p.returnMean(), lastTestReturn);
      return;
    }
    System.out.printf("iter %d/%d  steps %,d  %s  %.0f s%n", p.iteration(), iterations,
        p.agentSteps(), describe(test.result()), p.wallSeconds());
  }

  /** E.g. {@code test 0.80 ± 0.60 (10 episodes)}, with the number truncated if there are any. */
  private static String describe(TestEpisodes.Result r) {
    return String.format("test %.2f ± %.2f (%d episode%s%s)", r.meanReturn(), r.stdReturn(),
        r.episodes().size(), r.episodes().size() == 1 ? "" : "s",
        r.truncated() == 0 ? ""
            : ", " + r.truncated() + " cut by a time limit or the step cap");
  }

  static String format(double v) {
    return Double.isNaN(v) ? "n/a" : String.format("%.2f", v);
  }

  private static ObjectNode counters(Progress p) {
    ObjectNode line = JSON.createObjectNode();
    line.put("iteration", p.iteration());
    line.put("agent_steps", p.agentSteps());
    line.put("frames", p.frames());
    line.put("episodes", p.episodes());
    return line;
  }

  /**
   * {@code eval_return} and {@code eval_length} (means over the test episodes; returns raw), the
   * single episodes' {@code eval_returns} and {@code eval_lengths} when there are several, {@code
   * eval_truncated} (episodes cut by a time limit or the step cap) and {@code eval_seconds}.
   */
  private static void putEvaluation(ObjectNode line, Evaluation test) {
    TestEpisodes.Result r = test.result();
    line.put("eval_return", r.meanReturn());
    line.put("eval_length", r.meanLength());
    if (r.episodes().size() > 1) {
      ArrayNode returns = line.putArray("eval_returns");
      ArrayNode lengths = line.putArray("eval_lengths");
      for (TestEpisodes.Episode e : r.episodes()) {
        returns.add(e.rawReturn());
        lengths.add(e.length());
      }
    }
    line.put("eval_truncated", r.truncated());
    line.put("eval_seconds", round(test.seconds()));
  }

  private void writeLine(ObjectNode line) throws IOException {
    out.write(List.of(JSON.writeValueAsString(line)));
    tensorBoard.iteration(line);
  }

  private static void putFinite(ObjectNode line, String key, double v) {
    if (Double.isFinite(v)) {
      line.put(key, v);
    } else {
      line.putNull(key); // no finished episode yet
    }
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  @Override
  public void close() throws IOException {
    if (bar != null) {
      bar.close();
    }
    out.close();
  }
}
