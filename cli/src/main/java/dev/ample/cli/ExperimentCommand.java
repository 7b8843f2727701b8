// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ample.cli.config.ExperimentConfigs;
import dev.ample.cli.config.ExperimentSettings;
import dev.ample.cli.plot.RunLog;
import dev.ample.cli.plot.TrainingFigures;
import dev.ample.learner.io.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ample experiment}: every optimizer x seed as an ordinary run directory under one
 * experiment directory, each trained by a child {@code ample train} ({@link ExperimentRun}),
 * {@code --parallel} at a time; then {@code results.md} and {@code results.json} ({@link
 * ExperimentResults}) and the overlaid figures ({@code plots/}, as {@code ./ample plot} draws
 * them).
 *
 * <p>Re-running the same command continues the experiment: finished runs are skipped, interrupted
 * ones resumed from their checkpoints, the rest started. {@code experiment.json} keeps what the
 * experiment is (config, overrides, optimizers, seeds), so the same {@code --out} with other ones
 * is refused. Ctrl-C (or SIGTERM) stops the children, which checkpoint, and says how to continue;
 * a run that fails is one line naming its log, and the others go on.
 */
@Command(
    name = "experiment",
    mixinStandardHelpOptions = true,
    description = {
      "Train every optimizer x seed of a config as separate runs and compare them:"
          + " EXP/<optimizer>-s<seed>/ (run directories), EXP/logs/, EXP/results.md,"
          + " EXP/results.json, EXP/plots/.",
      "Re-running the same command skips finished runs and resumes interrupted ones."
    })
public final class ExperimentCommand implements Callable<Integer> {
  static final String PLAN = "experiment.json";
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG",
      description = "HOCON file (default: the embedded default, Catch)")
  Path configFile;

  @Option(names = "--optimizers", split = ",", paramLabel = "NAME[,NAME...]",
      defaultValue = "adam,eve", description = "optimizers to compare (default: ${DEFAULT-VALUE})")
  List<String> optimizers;

  @Option(names = "--seeds", paramLabel = "N", defaultValue = "3",
      description = "runs per optimizer, train.seed = 1..N (default: ${DEFAULT-VALUE})")
  int seeds;

  @Option(names = "--parallel", paramLabel = "N", defaultValue = "1",
      description = "runs trained at once (default: ${DEFAULT-VALUE}); they share the machine")
  int parallel;

  @Option(names = "--out", paramLabel = "DIR",
      description = "experiment directory (default: <train.runs-dir>/<config name>-experiment)")
  Path out;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "override a config key in every run, e.g. --set train.agent-steps=1000000")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--report",
      description = "only write results.md, results.json and plots/ from the runs as they stand;"
          + " trains nothing (the runs may be training meanwhile, e.g. in another shell)")
  boolean report;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (seeds < 1 || parallel < 1) {
      throw new IllegalArgumentException("--seeds and --parallel must be >= 1 (got " + seeds
          + ", " + parallel + ")");
    }
    if (new LinkedHashSet<>(optimizers).size() != optimizers.size()) {
      throw new IllegalArgumentException("--optimizers " + String.join(",", optimizers)
          + " names one twice; give each optimizer once");
    }
    ExperimentSettings base = ExperimentSettings.from(ExperimentConfigs.load(configFile,
        overrides));
    Path dir = out != null ? out : base.train().runsDir().resolve(stem() + "-experiment");
    List<ExperimentRun> runs = plan(dir);
    String again = "./ample " + String.join(" ", spec.commandLine().getParseResult()
        .originalArgs().stream().filter(a -> !a.equals("--report")).toList());
    Map<String, String> outcomes;
    if (report) {
      requireSomethingToReport(dir, runs);
      outcomes = Map.of();
    } else {
      claim(dir);
      System.out.printf("ample experiment: %d runs (%s x seeds 1..%d), %d at a time, in %s%n",
          runs.size(), String.join(", ", optimizers), seeds, parallel, dir);
      outcomes = train(dir, runs, again);
    }

    List<ExperimentResults.RunResult> results = new ArrayList<>();
    for (ExperimentRun r : runs) {
      results.add(ExperimentResults.read(r, outcomes.get(r.name())));
    }
    List<RunLog> logs = results.stream().map(ExperimentResults.RunResult::log)
        .filter(l -> l != null).toList();
    List<Path> figures = new ArrayList<>();
    if (!logs.isEmpty()) {
      try {
        figures.addAll(TrainingFigures.write(logs, dir.resolve(RunDirectory.PLOTS)));
      } catch (Exception | Error e) {
        System.err.println("warning: no figures drawn (" + e + "); draw them with ./ample plot "
            + String.join(" ", runs.stream().map(r -> r.dir().toString()).toList()));
      }
    }
    ExperimentResults table = new ExperimentResults(again, configFile == null
        ? "the embedded default (Catch)" : configFile.toString(), optimizers, parallel, results);
    table.write(dir, figures);
    System.out.println("results: " + dir.resolve(ExperimentResults.MARKDOWN) + ", "
        + dir.resolve(ExperimentResults.JSON_FILE) + ", " + figures.size() + " figures in "
        + dir.resolve(RunDirectory.PLOTS));
    return outcomes.values().stream().anyMatch(o -> o.startsWith("failed")) ? 1 : 0;
  }

  /** Every run, with its configuration checked now, so a bad one fails before any starts. */
  private List<ExperimentRun> plan(Path dir) {
    List<ExperimentRun> runs = new ArrayList<>();
    for (String optimizer : optimizers) {
      for (long seed = 1; seed <= seeds; seed++) {
        List<String> own = new ArrayList<>(overrides);
        own.add("optimizer.name=" + optimizer);
        own.add("train.seed=" + seed);
        ExperimentSettings settings;
        try {
          settings = ExperimentSettings.from(ExperimentConfigs.load(configFile, own));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("--optimizers " + optimizer + ": " + e.getMessage(),
              e);
        }
        String name = optimizer + "-s" + seed;
        runs.add(new ExperimentRun(optimizer, seed, dir.resolve(name),
            dir.resolve("logs").resolve(name + ".log"), settings, own));
      }
    }
    return runs;
  }

  /**
   * A report needs the experiment's plan to match (when {@code experiment.json} exists; runs made
   * by hand under {@code <optimizer>-s<seed>/} have none) and at least one of its runs started.
   */
  private void requireSomethingToReport(Path dir, List<ExperimentRun> runs) throws IOException {
    samePlan(dir, describePlan());
    for (ExperimentRun r : runs) {
      if (r.state() != ExperimentRun.State.NEW) {
        return;
      }
    }
    throw new IllegalArgumentException("nothing to report: " + dir + " holds none of the runs "
        + String.join(", ", runs.stream().map(ExperimentRun::name).toList()) + " yet; train"
        + " them with the same command without --report");
  }

  /** What this command's experiment is, as {@code experiment.json} records it. */
  private ObjectNode describePlan() {
    ObjectNode plan = JSON.createObjectNode();
    plan.put("config", configFile == null ? null
        : configFile.toAbsolutePath().normalize().toString());
    overrides.forEach(plan.putArray("overrides")::add);
    optimizers.forEach(plan.putArray("optimizers")::add);
    plan.put("seeds", seeds);
    return plan;
  }

  /**
   * Whether {@code dir} has an {@code experiment.json}; refuses one that records another
   * experiment (config, overrides, optimizers, seeds; --parallel may change).
   */
  private static boolean samePlan(Path dir, ObjectNode plan) throws IOException {
    Path file = dir.resolve(PLAN);
    if (!Files.isRegularFile(file)) {
      return false;
    }
    JsonNode had = JSON.readTree(file.toFile());
    for (String key : List.of("config", "overrides", "optimizers", "seeds")) {
      if (!had.path(key).equals(plan.path(key))) {
        throw new IllegalArgumentException(dir + " holds another experiment (its " + key
            + " " + had.path(key) + ", here " + plan.path(key) + ", see " + file + "); give"
            + " another --out, or repeat its options to continue it");
      }
    }
    return true;
  }

  /**
   * Writes {@code experiment.json} in a new experiment directory, or checks that an existing one
   * holds the same experiment ({@link #samePlan}).
   */
  private void claim(Path dir) throws IOException {
    ObjectNode plan = describePlan();
    if (samePlan(dir, plan)) {
      return;
    }
    Path file = dir.resolve(PLAN);
    if (Files.isDirectory(dir)) {
      try (var s = Files.list(dir)) {
        if (s.findAny().isPresent()) {
          throw new IllegalArgumentException(dir + " is not empty and holds no " + PLAN
              + "; give another --out for a new experiment");
        }
      }
    }
    Files.createDirectories(dir);
    plan.put("created", Instant.now().toString());
    plan.put("command", "./ample " + String.join(" ",
        spec.commandLine().getParseResult().originalArgs()));
    AtomicFile.write(file, JSON.writeValueAsBytes(plan));
  }

  /**
   * PyTorch threads per child when runs train side by side: the cores shared out, so that they do
   * not oversubscribe them (two Pong runs on 2 cores with PyTorch's default of one thread per core
   * each took about twice as long per learner step as with one thread each, README "Experiments");
   * 0 (PyTorch's default) for one run at a time.
   */
  int threadsPerRun() {
    return parallel > 1 ? Math.max(1, Runtime.getRuntime().availableProcessors() / parallel) : 0;
  }

  /**
   * Trains what is left of every run, {@code parallel} children at a time.
   *
   * @return per run name how this invocation left it (absent when it never got to it)
   */
  private Map<String, String> train(Path dir, List<ExperimentRun> runs, String again)
      throws IOException, InterruptedException {
    Map<String, String> outcomes = new ConcurrentHashMap<>();
    Map<String, Process> live = new ConcurrentHashMap<>();
    AtomicBoolean stopping = new AtomicBoolean();
    Thread hook = new Thread(() -> stopChildren(stopping, live, again), "ample-experiment-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    try (ExperimentProgress progress = new ExperimentProgress(runs,
        ProgressDisplay.onTerminal())) {
      List<Future<?>> tasks = new ArrayList<>();
      for (ExperimentRun run : runs) {
        ExperimentRun.State state = run.state();
        if (state == ExperimentRun.State.FINISHED) {
          outcomes.put(run.name(), "finished earlier");
          progress.ended(run, "finished earlier, skipped");
          continue;
        }
        tasks.add(pool.submit(() -> {
          if (stopping.get()) {
            return null;
          }
          progress.started(run, state == ExperimentRun.State.NEW ? "started" : "resumed");
          Process child = run.start(configFile, state, threadsPerRun());
          live.put(run.name(), child);
          int code = child.waitFor();
          live.remove(run.name());
          String outcome = code == 0 ? (stopping.get() ? "stopped" : "done")
              : stopping.get() ? "stopped (exit " + code + ")"
              : "failed (exit " + code + "): " + run.failureLine() + "; log " + run.log();
          outcomes.put(run.name(), outcome);
          progress.ended(run, outcome);
          return null;
        }));
      }
      pool.shutdown();
      while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
        progress.poll();
      }
      for (Future<?> t : tasks) {
        try {
          t.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IOException("a run could not be started: " + e.getCause().getMessage(),
              e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
      if (!stopping.get()) {
        Runtime.getRuntime().removeShutdownHook(hook);
      }
    }
    outcomes.forEach((name, o) -> {
      if (o.startsWith("failed")) {
        System.err.println("ample experiment: " + name + " " + o);
      }
    });
    return outcomes;
  }

  /** Ctrl-C or SIGTERM: each child stops after its iteration with a checkpoint; then say so. */
  private static void stopChildren(AtomicBoolean stopping, Map<String, Process> live,
      String again) {
    stopping.set(true);
    System.err.println("ample experiment: stopping " + live.size() + " run(s) after their"
        + " current iteration (each writes a checkpoint)...");
    live.values().forEach(Process::destroy); // SIGTERM: train's own Ctrl-C handling
    for (Process p : live.values()) {
      try {
        if (!p.waitFor(150, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    System.err.println("ample experiment: stopped; continue it with: " + again);
  }

  private String stem() {
    return configFile == null ? "default"
        : configFile.getFileName().toString().replaceFirst("\\.conf$", "");
  }
}
