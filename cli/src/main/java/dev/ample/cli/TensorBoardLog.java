// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.POJONode;
import dev.ample.cli.plot.IterationClock;
import dev.ample.learner.logging.GradStatsWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The run's TensorBoard mirror, {@code <run>/tb/events.out.tfevents.<time>.<host>}: every numeric
 * field of each {@code metrics.jsonl} line as a scalar ({@code loss_policy} as {@code
 * loss/policy}, {@code eval_return} as {@code eval/return}, timings and counters under {@code
 * time/}, {@code lr} and {@code update_norm} under {@code optim/}, the rest under {@code
 * train/}), and each {@code gradstats.jsonl} record as {@code gradstats/<tensor>/<field>} (all
 * its statistics but the constant {@code batch}).
 *
 * <p>The step of every scalar is {@code agent_steps}, so runs with other batch shapes line up;
 * gradstats records, counted in optimizer steps, are placed within their iteration by {@link
 * IterationClock}. Events are flushed once per iteration. A write failure prints one warning
 * naming the file and stops the mirror; training and the JSON logs go on.
 */
final class TensorBoardLog implements AutoCloseable {
  private final Path file;
  /** Opened with the first line, so a start that fails before it leaves no file behind. */
  private EventFileWriter events;
  private boolean stopped;
  private long agentStepsBefore;
  private long optimizerStepsBefore;
  /** Gradstats records of the running iteration, by optimizer step, until its metrics line. */
  private final Map<Long, Map<String, Double>> pendingGradStats = new TreeMap<>();

  private TensorBoardLog(Path file, Progress start) {
    this.file = file;
    this.agentStepsBefore = start.agentSteps();
    this.optimizerStepsBefore = start.optimizerSteps();
  }

  /**
   * A new event file in {@code dir}, created with the first line (a resumed run adds one;
   * TensorBoard reads them all).
   */
  static TensorBoardLog open(Path dir, Progress start) {
    return new TensorBoardLog(dir.resolve(String.format("events.out.tfevents.%010d.%s",
        System.currentTimeMillis() / 1000, hostName())), start);
  }

  /** A {@link GradStatsWriter.Listener}: the record waits for its iteration's metrics line. */
  void gradStats(long step, String tensor, Map<String, Double> values) {
    Map<String, Double> tags = pendingGradStats.computeIfAbsent(step, s -> new LinkedHashMap<>());
    values.forEach((field, v) -> {
      if (!field.equals("batch")) { // the minibatch size, a constant
        tags.put("gradstats/" + tensor + "/" + field, v);
      }
    });
  }

  /** Mirrors one {@code metrics.jsonl} line and the iteration's gradstats records, then flushes. */
  void iteration(JsonNode metricsLine) {
    long agentSteps = metricsLine.path("agent_steps").asLong();
    long optimizerSteps = metricsLine.path("optimizer_steps").asLong();
    IterationClock clock = new IterationClock(new long[] {agentStepsBefore, agentSteps},
        new long[] {optimizerStepsBefore, optimizerSteps});
    agentStepsBefore = agentSteps;
    optimizerStepsBefore = optimizerSteps;
    Map<Long, Map<String, Double>> gradStats = new TreeMap<>(pendingGradStats);
    pendingGradStats.clear();
    if (events == null && !stopped) {
      try {
        Files.createDirectories(file.getParent());
        events = new EventFileWriter(file);
      } catch (IOException e) {
        warn(file, e);
        stopped = true;
      }
    }
    if (events == null) {
      return;
    }
    Map<String, Double> scalars = new LinkedHashMap<>();
    metricsLine.fields().forEachRemaining(e -> {
      if (!e.getKey().equals("agent_steps")) {
        number(e.getValue()).ifPresent(v -> scalars.put(tag(e.getKey()), v));
      }
    });
    try {
      // The iteration's gradstats steps lie at or before its agent_steps: steps stay in order.
      for (Map.Entry<Long, Map<String, Double>> g : gradStats.entrySet()) {
        double at = clock.agentStepsAt(g.getKey());
        if (!Double.isNaN(at)) {
          events.writeScalars(Math.round(at), g.getValue());
        }
      }
      events.writeScalars(agentSteps, scalars);
      events.flush();
    } catch (IOException e) {
      warn(events.file(), e);
      closeQuietly();
    }
  }

  @Override
  public void close() {
    if (events == null) {
      return;
    }
    try {
      events.close();
    } catch (IOException e) {
      warn(events.file(), e);
    }
    events = null;
  }

  /** The TensorBoard tag of a {@code metrics.jsonl} field; the part before '/' groups charts. */
  static String tag(String field) {
    if (field.startsWith("loss_")) {
      return "loss/" + field.substring("loss_".length());
    }
    if (field.startsWith("eval_")) {
      return "eval/" + field.substring("eval_".length());
    }
    return switch (field) {
      case "lr", "update_norm", "optimizer_steps" -> "optim/" + field;
      case "iteration", "frames", "fps", "rollout_seconds", "update_seconds", "learn_step_ms",
          "wall_seconds" ->
          "time/" + field;
      default -> "train/" + field;
    };
  }

  /** A number, also where MetricsLog put it as a POJO (as it puts PpoMetrics' fields). */
  private static Optional<Double> number(JsonNode value) {
    if (value.isNumber()) {
      return Optional.of(value.asDouble());
    }
    return value instanceof POJONode pojo && pojo.getPojo() instanceof Number n
        ? Optional.of(n.doubleValue()) : Optional.empty();
  }

  private void closeQuietly() {
    try {
      events.close();
    } catch (IOException ignored) {
      // already warned about this file
    }
    events = null;
    stopped = true;
  }

  private static void warn(Path file, IOException e) {
    System.err.println("warning: TensorBoard events stop, cannot write " + file + ": " + e
        + " (training, metrics.jsonl and gradstats.jsonl go on)");
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
