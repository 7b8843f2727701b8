// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.typesafe.config.Config;
import dev.ample.agents.Agent;
import dev.ample.agents.PolicyValueNetwork;
import dev.ample.cli.config.EnvSettings;
import dev.ample.cli.config.ExperimentConfigs;
import dev.ample.cli.config.NetworkSettings;
import dev.ample.cli.config.OptimizerSettings;
import dev.ample.cli.config.TrainSettings;
import dev.ample.envs.EnvConfig;
import dev.ample.learner.PpoLearner;
import dev.ample.learner.PpoMetrics;
import dev.ample.learner.Rollout;
import dev.ample.learner.gradients.PerExampleGradientsConfig;
import dev.ample.learner.logging.GradStatsWriter;
import dev.ample.optim.ConfiguredOptimizer;
import dev.ample.optim.RunDecay;
import dev.ample.rollout.LocalRollout;
import dev.ample.rollout.RolloutBatch;
import dev.ample.rollout.TestEpisodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ample train}: PPO on the configured env with the configured optimizer, writing a run
 * directory (DESIGN.md §2): {@code config.conf}, {@code metrics.jsonl}, {@code gradstats.jsonl},
 * {@code checkpoints/}.
 *
 * <p>Ctrl-C (or SIGTERM) asks the loop to stop after the current iteration; the run then writes a
 * checkpoint, flushes its logs and closes its envs before the JVM exits. An error (a NaN loss, a
 * dead env worker) stops the run with one line naming the cause and the last good checkpoint.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train a PPO agent. Without CONFIG it trains the embedded default (the built-in Catch, no"
          + " ROM or Python needed).",
      "Writes <train.runs-dir>/<name>/: config.conf, metrics.jsonl (one line per iteration),"
          + " gradstats.jsonl, checkpoints/, tb/ (TensorBoard events), plots/ (at the end)."
    })
public final class TrainCommand implements Callable<Integer> {

  @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG", description = "HOCON file")
  Path configFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "override a config key, e.g. --set optimizer.name=eve (repeatable)")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--run-dir", paramLabel = "DIR",
      description = "run directory (default <train.runs-dir>/<config name>-<time>)")
  Path runDir;

  @Option(names = "--resume",
      description = "continue the run in --run-dir from its newest checkpoint")
  boolean resume;

  @Override
  public Integer call() throws Exception {
    if (resume && runDir == null) {
      throw new IllegalArgumentException("--resume needs --run-dir DIR (the run to continue)");
    }
    Config config = ExperimentConfigs.load(
        resume && configFile == null ? runDir.resolve("config.conf") : configFile, overrides);
    EnvConfig env = EnvSettings.from(config);
    OptimizerSettings optimizerSettings = OptimizerSettings.from(config);
    TrainSettings train = TrainSettings.from(config);
    NetworkSettings networkSettings = NetworkSettings.from(config);
    long iterations = train.iterations(env.numEnvs()); // checks the budget and minibatch split
    long stepsPerIteration = train.optimizerStepsPerIteration(env.numEnvs());
    Path dir = prepareRunDir(train, config);
    RunFiles files = new RunFiles(dir, train.keepCheckpoints());
    if (!resume) {
      Files.writeString(dir.resolve("config.conf"), ExperimentConfigs.render(config));
    }
    Path checkpoint = resume ? files.newestCheckpoint() : null;
    Progress progress = resume ? files.readProgress(checkpoint)
        : Progress.start(RunDecay.over(iterations * stepsPerIteration));
    // A resumed run with another budget keeps the LR and clip it had reached and takes them to 0
    // at the new end; with the same budget this is the line it was on.
    progress = progress.withDecay(progress.decay().rescheduled(progress.optimizerSteps(),
        progress.optimizerSteps()
            + Math.max(0, iterations - progress.iteration()) * stepsPerIteration));
    if (resume && progress.iteration() < iterations
        && progress.decay().at(progress.optimizerSteps()) == 0) {
      System.out.println("note: this run had reached the end of its decay, so a `linear` LR"
          + " schedule and an annealed clip stay at 0 in the added iterations");
    }

    Device device = train.djlDevice();
    Engine.getInstance().setRandomSeed((int) train.seed());

    StopSignal stop = new StopSignal();
    Thread hook = new Thread(stop::requestAndAwait, "ample-train-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (TensorBoardLog tensorBoard = TensorBoardLog.open(dir.resolve("tb"), progress);
        NDManager base = NDManager.newBaseManager(device);
        GradStatsWriter gradStats = train.gradstatsEvery() > 0
            ? new GradStatsWriter(dir.resolve("gradstats.jsonl"), train.gradstatsEvery(),
                tensorBoard::gradStats)
            : null) {
      PolicyValueNetwork network = EnvNetworks.create(env, networkSettings, train.seed(), base);
      ConfiguredOptimizer optimizer = optimizerSettings.create(progress.decay());
      PpoLearner.Builder builder = PpoLearner.builder()
          .setNetwork(network)
          .setOptimizer(optimizer)
          .setManager(base)
          .optConfig(train.ppo())
          .optEngineConfig(PerExampleGradientsConfig.defaults().withDevice(device));
      if (gradStats != null) {
        builder.optGradStats(gradStats);
      }
      PpoLearner learner = builder.build();
      if (resume) {
        learner.loadState(checkpoint);
        System.out.printf("resuming %s from %s (iteration %d, %,d agent steps)%n", dir,
            checkpoint.getFileName(), progress.iteration(), progress.agentSteps());
      }
      System.out.printf("network: %s, %,d parameters, %s init%n", network.description(),
          network.parameterCount(), networkSettings.init().configName());
      System.out.printf("ample train: %s, %d envs x %d steps per iteration, %s, %,d agent steps"
              + " (%d iterations), run dir %s%n",
          env.id(), env.numEnvs(), train.rolloutSteps(), optimizer.name(), train.agentSteps(),
          iterations, dir);
      try (Agent agent = Agent.of(network, device);
          // A resumed run seeds its fresh envs past the steps already taken, so it does not
          // replay the episodes it started with.
          LocalRollout rollout = LocalRollout.start(env, train.runners(), agent,
              train.seed() + progress.agentSteps());
          MetricsLog metrics = new MetricsLog(dir.resolve("metrics.jsonl"), resume, tensorBoard)) {
        TestEpisodes tests = TestEpisodes.of(env, agent, train.eval().greedy());
        progress = loop(train, iterations, rollout, learner, tests, metrics, files, progress,
            stop, optimizer.name());
      }
      System.out.printf("%s after %d iterations, %,d agent steps; return (last 100 episodes)"
              + " %s; checkpoint %s%n",
          stop.requested() ? "stopped" : "done", progress.iteration(), progress.agentSteps(),
          MetricsLog.format(progress.returnMean()), files.newestCheckpoint());
      if (!stop.requested()) { // a Ctrl-C exit stays quick; ./ample plot draws them later
        PlotCommand.plotFinishedRun(dir);
      }
      System.out.printf("run directory %s; evaluate it with: ./ample eval %s%n", dir, dir);
    } finally {
      stop.finished();
      if (!stop.requested()) {
        Runtime.getRuntime().removeShutdownHook(hook);
      }
    }
    return 0;
  }

  private Progress loop(TrainSettings train, long iterations, LocalRollout rollout,
      PpoLearner learner, TestEpisodes tests, MetricsLog metrics, RunFiles files, Progress progress,
      StopSignal stop, String optimizerName) throws IOException {
    long lastCheckpoint = progress.iteration();
    if (progress.iteration() == 0 && train.eval().due(0)) {
      // The initial policy, before any update, as the authors test it: a line of its own.
      MetricsLog.Evaluation test = test(tests, train, progress, files);
      progress = progress.plusSeconds(test.seconds());
      metrics.writeEvaluation(progress, test);
      metrics.printEvaluation(progress, iterations, test);
    }
    while (progress.iteration() < iterations && !stop.requested()) {
      long t0 = System.nanoTime();
      RolloutBatch batch;
      try {
        batch = rollout.collect(train.rolloutSteps());
      } catch (RuntimeException e) {
        if (stop.requested()) {
          break; // Ctrl-C took the env workers down mid-collect: nothing of it was used
        }
        throw stopped(progress, files, "collecting experience failed: " + e.getMessage(), e);
      }
      long t1 = System.nanoTime();
      // The clip anneals on the clock the `linear` LR schedule reads: optimizer steps done.
      double fraction = progress.decay().progress(learner.optimizerSteps());
      PpoMetrics m;
      try {
        m = learner.update(toRollout(batch), fraction);
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw stopped(progress, files, e.getMessage(), e);
      }
      long t2 = System.nanoTime();
      Progress updated = progress.after(batch, (t2 - t0) / 1e9, learner.optimizerSteps());
      MetricsLog.Evaluation test = null;
      if (train.eval().due(updated.iteration())) {
        test = test(tests, train, updated, files);
        updated = updated.plusSeconds(test.seconds());
      }
      progress = updated;
      metrics.write(progress, m, optimizerName, batch.frames() / ((t2 - t0) / 1e9),
          (t1 - t0) / 1e9, (t2 - t1) / 1e9, test);
      metrics.printLine(progress, iterations, m, test);
      if (progress.iteration() - lastCheckpoint >= train.checkpointEvery()) {
        files.writeCheckpoint(learner, progress);
        lastCheckpoint = progress.iteration();
      }
    }
    if (progress.iteration() != lastCheckpoint || files.newestCheckpointOrNull() == null) {
      files.writeCheckpoint(learner, progress);
    }
    return progress;
  }

  /**
   * The test episodes of the policy as it stands at {@code p} (after {@code p.iteration()}
   * updates), on the stream {@link TestEpisodes#random} keys on the seed and that iteration. A
   * failure stops the run as a failed iteration does.
   */
  private static MetricsLog.Evaluation test(TestEpisodes tests, TrainSettings train, Progress p,
      RunFiles files) {
    long t0 = System.nanoTime();
    try {
      TestEpisodes.Result result =
          tests.play(train.eval().episodes(), TestEpisodes.random(train.seed(), p.iteration()));
      return new MetricsLog.Evaluation(result, (System.nanoTime() - t0) / 1e9);
    } catch (RuntimeException e) {
      throw stopped(p, files, "test episodes after iteration " + p.iteration() + " failed: "
          + e.getMessage(), e);
    }
  }

  private static IllegalStateException stopped(Progress p, RunFiles files, String cause,
      Exception e) {
    Path last = files.newestCheckpointOrNull();
    // A failure mid-iteration may follow minibatch steps already applied, so the way back is the
    // last checkpoint, not the parameters in memory.
    return new IllegalStateException("training stopped in iteration " + (p.iteration() + 1) + ": "
        + cause + ". "
        + (last == null ? "No checkpoint was written yet."
            : "Last good checkpoint: " + last + " (continue with ./ample train --run-dir "
                + files.dir() + " --resume)"), e);
  }

  private static Rollout toRollout(RolloutBatch b) {
    return new Rollout(b.steps(), b.envs(), b.space().shape(), b.byteObservations(),
        b.floatObservations(), b.actions(), b.logProbs(), b.values(), b.rewards(), b.terminated(),
        b.truncated(), b.finalValues(), b.bootstrapValues());
  }

  private Path prepareRunDir(TrainSettings train, Config config) throws IOException {
    Path dir = runDir;
    if (dir == null) {
      String stem = configFile == null ? "default"
          : configFile.getFileName().toString().replaceFirst("\\.conf$", "");
      String time = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
      dir = train.runsDir().resolve(stem + "-" + time);
    }
    if (resume) {
      if (!Files.isDirectory(dir.resolve("checkpoints"))) {
        throw new IllegalArgumentException("--resume: " + dir + " has no checkpoints/ folder;"
            + " give the run directory of an earlier ./ample train");
      }
      return dir;
    }
    if (Files.isDirectory(dir) && Files.list(dir).findAny().isPresent()) {
      throw new IllegalArgumentException("run directory " + dir + " is not empty; give another"
          + " --run-dir, or add --resume to continue that run");
    }
    Files.createDirectories(dir.resolve("checkpoints"));
    return dir;
  }

  /**
   * Ctrl-C and SIGTERM run the shutdown hook: it asks the loop to stop after the current
   * iteration and waits (bounded) until the run has written its checkpoint and closed its envs.
   */
  private static final class StopSignal {
    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);

    boolean requested() {
      return requested.get();
    }

    void requestAndAwait() {
      requested.set(true);
      System.err.println("ample train: stopping after the current iteration (checkpoint, logs)...");
      try {
        if (!finished.await(120, TimeUnit.SECONDS)) {
          System.err.println("ample train: gave up waiting after 120 s; the newest checkpoint on"
              + " disk is the last complete one");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void finished() {
      finished.countDown();
    }
  }
}
