// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ample.cli.plot.RunLog;
import dev.ample.learner.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code results.md} and {@code results.json} of an experiment, computed from the run
 * directories' own {@code metrics.jsonl} (nothing the experiment process remembers), so they can
 * be rewritten from the files at any time.
 *
 * <p>The final score of a run: the mean raw return of its last {@value #TEST_EPISODES} test
 * episodes when every run has test episodes (the Eve authors report test episodes); otherwise
 * the mean return of the last 100 training episodes at the run's end ({@code
 * episode_return_mean} of its last line), the same basis for every run. Per optimizer: the mean
 * and sample standard deviation (n - 1) of the runs' scores over seeds.
 */
final class ExperimentResults {
  static final int TEST_EPISODES = 10;
  static final String MARKDOWN = "results.md";
  static final String JSON_FILE = "results.json";
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  /** One run as its files show it; {@code log} null when it was never started. */
  record RunResult(ExperimentRun run, RunLog log, String outcome) {
    long agentSteps() {
      return log == null ? 0 : last().path("agent_steps").asLong();
    }

    double wallSeconds() {
      return log == null ? Double.NaN : last().path("wall_seconds").asDouble(Double.NaN);
    }

    boolean complete() {
      return log != null && run.settings().iterationsLeft(agentSteps()) == 0;
    }

    /** Every test episode's raw return in order. */
    List<Double> testReturns() {
      List<Double> out = new ArrayList<>();
      if (log == null) {
        return out;
      }
      for (JsonNode line : log.metricsLines()) {
        JsonNode many = line.get("eval_returns");
        if (many != null && many.isArray()) {
          many.forEach(v -> out.add(v.asDouble()));
        } else if (line.path("eval_return").isNumber()) {
          out.add(line.get("eval_return").asDouble());
        }
      }
      return out;
    }

    double trainReturn() {
      JsonNode v = log == null ? null : last().get("episode_return_mean");
      return v != null && v.isNumber() ? v.asDouble() : Double.NaN;
    }

    double score(boolean fromTests) {
      if (!fromTests) {
        return trainReturn();
      }
      List<Double> tests = testReturns();
      List<Double> lastOnes = tests.subList(Math.max(0, tests.size() - TEST_EPISODES),
          tests.size());
      return lastOnes.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    String status() {
      if (log == null) {
        return outcome == null ? "not started" : outcome;
      }
      String steps = complete() ? "complete" : String.format("partial (%,d of %,d agent steps)",
          agentSteps(), run.budget());
      return outcome == null || outcome.equals("done") ? steps : steps + ", " + outcome;
    }

    private JsonNode last() {
      List<JsonNode> lines = log.metricsLines();
      return lines.get(lines.size() - 1);
    }
  }

  /** Mean and sample standard deviation (NaN for fewer than two values). */
  record Spread(double mean, double std, int n) {
    static Spread of(List<Double> values) {
      List<Double> finite = values.stream().filter(Double::isFinite).toList();
      double mean = finite.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
      double ss = finite.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
      return new Spread(mean, finite.size() < 2 ? Double.NaN : Math.sqrt(ss / (finite.size() - 1)),
          finite.size());
    }

    String format() {
      return Double.isNaN(mean) ? "n/a" : Double.isNaN(std) ? String.format("%.2f", mean)
          : String.format("%.2f ± %.2f", mean, std);
    }
  }

  private final String command;
  private final String config;
  private final List<String> optimizers;
  private final List<RunResult> runs;
  private final boolean fromTests;
  private final int parallel;

  ExperimentResults(String command, String config, List<String> optimizers, int parallel,
      List<RunResult> runs) {
    this.command = command;
    this.config = config;
    this.optimizers = optimizers;
    this.parallel = parallel;
    this.runs = runs;
    this.fromTests = runs.stream().allMatch(r -> !r.testReturns().isEmpty());
  }

  boolean scoredOnTests() {
    return fromTests;
  }

  List<RunResult> runs() {
    return runs;
  }

  /** The definition of the final score, as the files state it. */
  String scoreDefinition() {
    return fromTests
        ? "mean raw (unclipped) return of each run's last " + TEST_EPISODES + " test episodes"
            + " (eval_return / eval_returns in metrics.jsonl)"
        : "mean return of each run's last 100 training episodes at its end (episode_return_mean"
            + " of its last metrics.jsonl line): not every run has test episodes (train.eval-every"
            + " = 0, or none played yet), so the training mean is used for all";
  }

  /** Per optimizer: score spread, mean agent steps, mean wall time, seconds per 1M steps. */
  Map<String, ObjectNode> byOptimizer() {
    Map<String, ObjectNode> out = new LinkedHashMap<>();
    for (String o : optimizers) {
      List<RunResult> mine = runs.stream().filter(r -> r.run().optimizer().equals(o)).toList();
      List<RunResult> logged = mine.stream().filter(r -> r.log() != null).toList();
      Spread score = Spread.of(logged.stream().map(r -> r.score(fromTests)).toList());
      ObjectNode n = JSON.createObjectNode();
      n.put("optimizer", o);
      n.put("runs", mine.size());
      n.put("runs_complete", mine.stream().filter(RunResult::complete).count());
      putNumber(n, "score_mean", score.mean());
      putNumber(n, "score_std", score.std());
      n.put("score_runs", score.n());
      n.put("agent_steps_mean", Math.round(logged.stream().mapToLong(RunResult::agentSteps)
          .average().orElse(0)));
      putNumber(n, "wall_seconds_mean", logged.stream().mapToDouble(RunResult::wallSeconds)
          .average().orElse(Double.NaN));
      putNumber(n, "seconds_per_million_agent_steps", logged.stream()
          .filter(r -> r.agentSteps() > 0)
          .mapToDouble(r -> r.wallSeconds() / r.agentSteps() * 1e6).average().orElse(Double.NaN));
      out.put(o, n);
    }
    double adam = out.containsKey("adam")
        ? out.get("adam").path("seconds_per_million_agent_steps").asDouble(Double.NaN)
        : Double.NaN;
    for (ObjectNode n : out.values()) {
      putNumber(n, "runtime_vs_adam",
          n.path("seconds_per_million_agent_steps").asDouble(Double.NaN) / adam);
    }
    return out;
  }

  /** Writes both files into {@code dir}, each atomically. */
  void write(Path dir, List<Path> figures) throws IOException {
    AtomicFile.write(dir.resolve(MARKDOWN), markdown(dir, figures)
        .getBytes(StandardCharsets.UTF_8));
    AtomicFile.write(dir.resolve(JSON_FILE), JSON.writeValueAsBytes(json(dir, figures)));
  }

  private String markdown(Path dir, List<Path> figures) {
    StringBuilder md = new StringBuilder();
    md.append("# Experiment ").append(dir.getFileName()).append("\n\n");
    md.append("Command: `").append(command).append("`  \n");
    md.append("Config: ").append(config).append("\n\n");
    md.append("Each run is `./ample train` on that config with `--set optimizer.name=NAME --set"
        + " train.seed=SEED` added to the experiment's own `--set` options; see each run's"
        + " `config.conf` and `invocations.jsonl`.\n\n");
    md.append("**Final score**: ").append(scoreDefinition()).append(". ± is the standard"
        + " deviation over seeds (sample, n − 1).\n\n");
    md.append("**Wall time** is each run's own `wall_seconds` (collecting, learning, test"
        + " episodes; a resumed run adds its earlier parts). Runtime vs adam compares seconds"
        + " per agent step");
    md.append(parallel > 1 ? "; the runs were trained " + parallel + " at a time on this"
        + " machine, so they shared its cores.\n\n" : ", runs trained one at a time.\n\n");
    md.append("## By optimizer\n\n");
    md.append("| optimizer | runs (complete) | final score | agent steps (mean) | wall time (mean)"
        + " | s per 1M agent steps | runtime vs adam |\n");
    md.append("|---|---|---|---|---|---|---|\n");
    for (ObjectNode n : byOptimizer().values()) {
      Spread s = new Spread(n.path("score_mean").asDouble(Double.NaN),
          n.path("score_std").asDouble(Double.NaN), n.path("score_runs").asInt());
      md.append(String.format("| %s | %d (%d) | %s | %,d | %s | %s | %s |%n",
          n.get("optimizer").asText(), n.get("runs").asInt(), n.get("runs_complete").asInt(),
          s.format(), n.get("agent_steps_mean").asLong(),
          seconds(n.path("wall_seconds_mean").asDouble(Double.NaN)),
          fixed(n.path("seconds_per_million_agent_steps").asDouble(Double.NaN), 0),
          ratio(n.path("runtime_vs_adam").asDouble(Double.NaN))));
    }
    md.append("\n## Runs\n\n");
    md.append("| run | optimizer | seed | final score | agent steps | status | wall time |\n");
    md.append("|---|---|---|---|---|---|---|\n");
    for (RunResult r : runs) {
      md.append(String.format("| [%s](%s/) | %s | %d | %s | %,d | %s | %s |%n", r.run().name(),
          r.run().name(), r.run().optimizer(), r.run().seed(),
          MetricsLog.format(r.log() == null ? Double.NaN : r.score(fromTests)), r.agentSteps(),
          r.status(), seconds(r.wallSeconds())));
    }
    if (runs.stream().anyMatch(r -> !r.complete())) {
      md.append("\nNot every run reached its budget: continue them with the same command (it"
          + " resumes each from its checkpoint).\n");
    }
    if (!figures.isEmpty()) {
      md.append("\n## Figures\n\nEvery run, grouped by optimizer: a group's mean with a ± one"
          + " standard deviation band over the agent steps all its runs reached.\n\n");
      for (Path f : figures) {
        String rel = dir.relativize(f).toString();
        md.append("![").append(f.getFileName()).append("](").append(rel).append(")\n");
      }
    }
    return md.toString();
  }

  private ObjectNode json(Path dir, List<Path> figures) {
    ObjectNode root = JSON.createObjectNode();
    root.put("command", command);
    root.put("config", config);
    root.put("score", fromTests ? "test" : "train");
    root.put("score_definition", scoreDefinition());
    root.put("parallel", parallel);
    ArrayNode groups = root.putArray("optimizers");
    byOptimizer().values().forEach(groups::add);
    ArrayNode list = root.putArray("runs");
    for (RunResult r : runs) {
      ObjectNode n = list.addObject();
      n.put("run", r.run().name());
      n.put("optimizer", r.run().optimizer());
      n.put("seed", r.run().seed());
      putNumber(n, "score", r.log() == null ? Double.NaN : r.score(fromTests));
      putNumber(n, "train_return", r.trainReturn());
      n.put("test_episodes", r.testReturns().size());
      n.put("agent_steps", r.agentSteps());
      n.put("budget", r.run().budget());
      n.put("complete", r.complete());
      n.put("status", r.status());
      putNumber(n, "wall_seconds", r.wallSeconds());
    }
    ArrayNode f = root.putArray("figures");
    figures.forEach(p -> f.add(dir.relativize(p).toString()));
    return root;
  }

  /** Each run's result from its directory; a run without a complete metrics line has none. */
  static RunResult read(ExperimentRun run, String outcome) {
    if (!Files.isRegularFile(run.dir().resolve(RunDirectory.METRICS))) {
      return new RunResult(run, null, outcome);
    }
    try {
      return new RunResult(run, RunLog.read(run.dir()), outcome);
    } catch (IOException | IllegalArgumentException e) {
      return new RunResult(run, null, outcome);
    }
  }

  private static void putNumber(ObjectNode n, String key, double v) {
    if (Double.isFinite(v)) {
      n.put(key, v);
    } else {
      n.putNull(key);
    }
  }

  private static String seconds(double s) {
    if (Double.isNaN(s)) {
      return "n/a";
    }
    return s < 120 ? String.format("%.0f s", s) : s < 7200 ? String.format("%.1f min", s / 60)
        : String.format("%.1f h", s / 3600);
  }

  private static String fixed(double v, int digits) {
    return Double.isNaN(v) ? "n/a" : String.format("%,." + digits + "f", v);
  }

  private static String ratio(double v) {
    return Double.isNaN(v) ? "n/a" : String.format("%.2f (%.0f%%)", v, v * 100);
  }
}
