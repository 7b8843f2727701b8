// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli.plot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One run directory's logs as curves over agent steps: {@code metrics.jsonl} (required) and
 * {@code gradstats.jsonl} (when the run wrote one). Tolerant of what real runs leave behind: a
 * field absent from older runs or switched off reads as an empty curve, a null as a missing
 * point, a truncated last line (a run killed mid-write, or still running) is skipped, and
 * iterations replayed after a resume replace the ones they repeat.
 */
public final class RunLog {
  /** The gradstats fields kept for plotting (the rest of a record is not read). */
  public static final List<String> GRADSTAT_FIELDS = List.of("snr_median", "variance_mean",
      "sign_agreement", "example_norm_p50", "example_norm_p90", "update_norm");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final List<JsonNode> metrics;
  private final Map<String, List<GradStatsRecord>> gradStatsByTensor;
  /** Null when metrics.jsonl has no optimizer_steps (runs before it was logged). */
  private final IterationClock clock;

  private record GradStatsRecord(long step, double[] values) {}

  private RunLog(Path dir, List<JsonNode> metrics,
      Map<String, List<GradStatsRecord>> gradStatsByTensor, IterationClock clock) {
    this.dir = dir;
    this.metrics = metrics;
    this.gradStatsByTensor = gradStatsByTensor;
    this.clock = clock;
  }

  /**
   * Reads a run directory written by {@code ./ample train}.
   *
   * @throws IllegalArgumentException naming the problem and the fix when there is nothing to plot
   */
  public static RunLog read(Path dir) throws IOException {
    Path metricsFile = dir.resolve("metrics.jsonl");
    if (!Files.isRegularFile(metricsFile)) {
      throw new IllegalArgumentException(Files.isDirectory(dir)
          ? dir + " has no metrics.jsonl; give a run directory written by ./ample train"
          : "no run directory " + dir + "; give a run directory written by ./ample train");
    }
    List<JsonNode> metrics = new ArrayList<>();
    forEachLine(metricsFile, line -> {
      if (!line.has("agent_steps")) {
        return;
      }
      long iteration = line.path("iteration").asLong();
      // A resume after a crash repeats the iterations since the last checkpoint: keep the rerun.
      while (!metrics.isEmpty()
          && metrics.get(metrics.size() - 1).path("iteration").asLong() >= iteration) {
        metrics.remove(metrics.size() - 1);
      }
      metrics.add(line);
    });
    if (metrics.isEmpty()) {
      throw new IllegalArgumentException(metricsFile + " has no complete iteration (the run"
          + " stopped before its first); train it longer or leave it out");
    }
    Map<String, List<GradStatsRecord>> gradStats = new LinkedHashMap<>();
    Path gradStatsFile = dir.resolve("gradstats.jsonl");
    if (Files.isRegularFile(gradStatsFile)) {
      forEachLine(gradStatsFile, line -> {
        long step = line.path("step").asLong();
        double[] values = new double[GRADSTAT_FIELDS.size()];
        for (int f = 0; f < values.length; f++) {
          JsonNode v = line.get(GRADSTAT_FIELDS.get(f));
          values[f] = v != null && v.isNumber() ? v.asDouble() : Double.NaN;
        }
        List<GradStatsRecord> records =
            gradStats.computeIfAbsent(line.path("tensor").asText(), t -> new ArrayList<>());
        while (!records.isEmpty() && records.get(records.size() - 1).step() >= step) {
          records.remove(records.size() - 1); // replayed after a resume, as above
        }
        records.add(new GradStatsRecord(step, values));
      });
    }
    return new RunLog(dir, metrics, gradStats, clockOf(metrics));
  }

  /** The run directory's name, which names the run in legends. */
  public String name() {
    return dir.toAbsolutePath().normalize().getFileName().toString();
  }

  /** The {@code optimizer} field of the last iteration ("unknown" when absent). */
  public String optimizer() {
    return metrics.get(metrics.size() - 1).path("optimizer").asText("unknown");
  }

  /** The {@code metrics.jsonl} lines as read: replayed iterations replaced, in order. */
  public List<JsonNode> metricsLines() {
    return List.copyOf(metrics);
  }

  /** A {@code metrics.jsonl} field over agent steps; empty when the run never logged it. */
  public Series metric(String field) {
    List<double[]> points = new ArrayList<>();
    for (JsonNode line : metrics) {
      JsonNode v = line.get(field);
      if (v != null && v.isNumber() && Double.isFinite(v.asDouble())) {
        points.add(new double[] {line.path("agent_steps").asDouble(), v.asDouble()});
      }
    }
    return toSeries(points);
  }

  /** Whether per-tensor statistics can be drawn (a gradstats.jsonl placed on agent steps). */
  public boolean hasGradStats() {
    return !gradStatsByTensor.isEmpty() && clock != null;
  }

  /** Why {@link #hasGradStats()} is false, for a one-line note. */
  public String missingGradStatsReason() {
    return gradStatsByTensor.isEmpty()
        ? "no gradstats.jsonl records (train.gradstats-every = 0?)"
        : "metrics.jsonl has no optimizer_steps (a run from before it was logged), so its"
            + " gradstats cannot be placed on agent steps";
  }

  /** Tensor names in the order gradstats.jsonl lists them. */
  public List<String> tensors() {
    return hasGradStats() ? List.copyOf(gradStatsByTensor.keySet()) : List.of();
  }

  /** A gradstats field ({@link #GRADSTAT_FIELDS}) of one tensor over agent steps. */
  public Series gradStat(String tensor, String field) {
    int f = GRADSTAT_FIELDS.indexOf(field);
    if (f < 0) {
      throw new IllegalArgumentException("gradstats field " + field + " is not read; one of "
          + GRADSTAT_FIELDS);
    }
    List<double[]> points = new ArrayList<>();
    if (hasGradStats()) {
      for (GradStatsRecord r : gradStatsByTensor.getOrDefault(tensor, List.of())) {
        double at = clock.agentStepsAt(r.step());
        if (!Double.isNaN(at) && Double.isFinite(r.values()[f])) {
          points.add(new double[] {at, r.values()[f]});
        }
      }
    }
    return toSeries(points);
  }

  private static IterationClock clockOf(List<JsonNode> lines) {
    // Iteration 0's line is the initial policy's test, before any optimizer step.
    List<JsonNode> metrics = lines.stream().filter(l -> l.path("iteration").asLong() > 0).toList();
    if (metrics.isEmpty()) {
      return null;
    }
    long[] agentSteps = new long[metrics.size() + 1];
    long[] optimizerSteps = new long[metrics.size() + 1];
    for (int i = 0; i < metrics.size(); i++) {
      JsonNode steps = metrics.get(i).get("optimizer_steps");
      if (steps == null || !steps.isNumber()) {
        return null;
      }
      agentSteps[i + 1] = metrics.get(i).path("agent_steps").asLong();
      optimizerSteps[i + 1] = steps.asLong();
    }
    return new IterationClock(agentSteps, optimizerSteps);
  }

  private static Series toSeries(List<double[]> points) {
    double[] x = new double[points.size()];
    double[] y = new double[points.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = points.get(i)[0];
      y[i] = points.get(i)[1];
    }
    return new Series(x, y);
  }

  /** Each line as JSON; a last line that does not parse is a write cut short and is skipped. */
  private static void forEachLine(Path file, Consumer<JsonNode> action) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String pending = null;
      int number = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (pending != null) {
          action.accept(parse(pending, file, number));
        }
        number++;
        pending = line.isBlank() ? null : line;
      }
      if (pending != null) {
        try {
          action.accept(JSON.readTree(pending));
        } catch (JsonProcessingException truncated) {
          // the run was cut off (or is still writing) mid-line
        }
      }
    }
  }

  private static JsonNode parse(String line, Path file, int number) {
    try {
      return JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(file + " line " + number + " is not JSON ("
          + e.getOriginalMessage() + "); delete or repair that line");
    }
  }
}
