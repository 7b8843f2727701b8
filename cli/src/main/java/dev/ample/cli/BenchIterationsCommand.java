// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ample.cli.config.ExperimentSettings;
import dev.ample.optim.ConfiguredOptimizer;
import dev.ample.optim.RunDecay;
import dev.ample.rollout.RolloutBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ample bench iterations}: whole PPO iterations of one experiment under several optimizers,
 * in one JVM, interleaved so that machine drift cancels: each optimizer is its own {@link
 * PpoExperiment} (envs, actor rollout, learner, all built as {@code ./ample train} builds them),
 * and round r runs one iteration of each, in the given order when r is even and reversed when it
 * is odd (A B, B A, A B, ...). An iteration is {@link PpoExperiment#collect} then {@link
 * PpoExperiment#update}; test episodes, logs and checkpoints are left out. Overlapped
 * ({@code --set train.overlap=true}) an experiment's next collection runs during its own update.
 */
@Command(
    name = "iterations",
    mixinStandardHelpOptions = true,
    description = {
      "PPO iterations of one experiment under several optimizers, interleaved in one JVM:"
          + " seconds per iteration (collect / learn), agent steps/s, and each optimizer's"
          + " iteration time as a ratio to the first's.",
      "With --rom-dir: Pong with configs/pong-v4-adam.conf (the authors' protocol and network);"
          + " --optimizers sets optimizer.name per experiment, as ./ample experiment does."
    })
public final class BenchIterationsCommand implements Callable<Integer> {

  /** The Eve authors' Pong protocol; {@code optimizer.name} is set per experiment. */
  static final Path PONG_CONFIG = Path.of("configs", "pong-v4-adam.conf");

  @Mixin BenchConfigOptions experimentOptions;

  @Option(names = "--optimizers", split = ",", paramLabel = "NAME[,NAME...]",
      defaultValue = "adam,eve", description = "optimizers to compare (default: ${DEFAULT-VALUE})")
  List<String> optimizers;

  @Option(names = "--iterations", description = "timed iterations of each (default ${DEFAULT-VALUE})")
  int iterations = 50;

  @Option(names = "--warmup",
      description = "untimed iterations of each first (default ${DEFAULT-VALUE})")
  int warmup = 2;

  @Option(names = "--json", description = "print one JSON object as the last line")
  boolean json;

  /** One optimizer's timed iterations, in seconds. */
  private record Timings(List<Double> total, List<Double> collect, List<Double> learn) {
    Timings() {
      this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }
  }

  @Override
  public Integer call() throws Exception {
    if (iterations < 1 || warmup < 0) {
      throw new IllegalArgumentException("--iterations must be >= 1, --warmup >= 0");
    }
    if (optimizers.size() < 2 || new LinkedHashSet<>(optimizers).size() != optimizers.size()) {
      throw new IllegalArgumentException("--optimizers " + String.join(",", optimizers)
          + ": give two or more, each once (e.g. --optimizers adam,eve)");
    }
    List<ExperimentSettings> settings = new ArrayList<>();
    for (String name : optimizers) {
      try {
        settings.add(ExperimentSettings.from(
            experimentOptions.load(PONG_CONFIG, List.of("optimizer.name=" + name))));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--optimizers " + name + ": " + e.getMessage(), e);
      }
    }
    ExperimentSettings first = settings.get(0);
    long stepsPerIteration = first.optimizerStepsPerIteration();
    long agentStepsPerIteration = (long) first.train().rolloutSteps() * first.env().numEnvs();
    RunDecay decay = RunDecay.over((warmup + iterations) * stepsPerIteration);

    List<PpoExperiment> experiments = new ArrayList<>();
    List<Timings> timings = new ArrayList<>();
    try {
      for (ExperimentSettings s : settings) {
        ConfiguredOptimizer optimizer = s.optimizer().create(decay);
        experiments.add(PpoExperiment.build(s, optimizer, null, 0, null));
        timings.add(new Timings());
      }
      PpoExperiment one = experiments.get(0);
      System.out.printf("ample bench iterations: %s, %d envs x %d steps, %s (%,d parameters),"
              + " overlap %s; %s interleaved, %d iterations each after %d warm-up%n",
          first.env().id(), first.env().numEnvs(), first.train().rolloutSteps(),
          one.network().description(), one.network().parameterCount(),
          first.train().overlap() ? "on" : "off", String.join(" / ", optimizers), iterations,
          warmup);
      for (int round = -warmup; round < iterations; round++) {
        boolean reversed = Math.floorMod(round, 2) == 1;
        for (int k = 0; k < experiments.size(); k++) {
          int e = reversed ? experiments.size() - 1 - k : k;
          PpoExperiment ppo = experiments.get(e);
          long t0 = System.nanoTime();
          RolloutBatch batch = ppo.collect(round + 1 < iterations);
          long t1 = System.nanoTime();
          ppo.update(batch, decay.progress(ppo.learner().optimizerSteps()));
          long t2 = System.nanoTime();
          if (round >= 0) {
            timings.get(e).total().add((t2 - t0) / 1e9);
            timings.get(e).collect().add((t1 - t0) / 1e9);
            timings.get(e).learn().add((t2 - t1) / 1e9);
          }
        }
      }
    } finally {
      for (PpoExperiment e : experiments) {
        e.close();
      }
    }

    ObjectNode out = new ObjectMapper().createObjectNode();
    out.put("env", first.env().id());
    out.put("num_envs", first.env().numEnvs());
    out.put("rollout_steps", first.train().rolloutSteps());
    out.put("overlap", first.train().overlap());
    out.put("iterations", iterations);
    out.put("warmup", warmup);
    out.put("optimizer_steps_per_iteration", stepsPerIteration);
    ArrayNode runs = out.putArray("runs");
    Timings base = timings.get(0);
    double baseTotal = BenchRolloutCommand.median(base.total());
    double baseLearn = BenchRolloutCommand.median(base.learn());
    for (int e = 0; e < optimizers.size(); e++) {
      Timings t = timings.get(e);
      double total = BenchRolloutCommand.median(t.total());
      double collect = BenchRolloutCommand.median(t.collect());
      double learn = BenchRolloutCommand.median(t.learn());
      List<Double> paired = new ArrayList<>();
      for (int i = 0; i < iterations; i++) {
        paired.add(t.total().get(i) / base.total().get(i));
      }
      double pairedRatio = BenchRolloutCommand.median(paired);
      System.out.printf("%-10s %.3f s per iteration (%,.0f agent steps/s) = collect %.3f + learn"
              + " %.3f s (%d steps, %.1f ms each); vs %s: %.3f (learning %.3f; median of the"
              + " rounds' own ratios %.3f)%n", optimizers.get(e), total,
          agentStepsPerIteration / total, collect, learn, stepsPerIteration,
          learn / stepsPerIteration * 1e3, optimizers.get(0), total / baseTotal,
          learn / baseLearn, pairedRatio);
      ObjectNode run = runs.addObject();
      run.put("optimizer", optimizers.get(e));
      run.put("iteration_s", BenchRolloutCommand.round(total));
      run.put("collect_s", BenchRolloutCommand.round(collect));
      run.put("learn_s", BenchRolloutCommand.round(learn));
      run.put("learn_step_ms", BenchRolloutCommand.round(learn / stepsPerIteration * 1e3));
      run.put("agent_steps_per_s", BenchRolloutCommand.round(agentStepsPerIteration / total));
      run.put("iteration_over_first", BenchRolloutCommand.round(total / baseTotal));
      run.put("learn_over_first", BenchRolloutCommand.round(learn / baseLearn));
      run.put("paired_iteration_over_first", BenchRolloutCommand.round(pairedRatio));
    }
    if (json) {
      System.out.println(new ObjectMapper().writeValueAsString(out));
    }
    return 0;
  }
}
