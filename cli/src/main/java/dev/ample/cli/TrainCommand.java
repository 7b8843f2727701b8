// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import com.typesafe.config.Config;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ample.agents.PolicyValueNetwork;
import dev.ample.cli.config.ExperimentConfigs;
import dev.ample.cli.config.ExperimentSettings;
import dev.ample.cli.config.TrainSettings;
import dev.ample.envs.EnvConfig;
import dev.ample.learner.PpoLearner;
import dev.ample.learner.PpoMetrics;
import dev.ample.learner.logging.GradStatsWriter;
import dev.ample.optim.RunDecay;
import dev.ample.rollout.RolloutBatch;
import dev.ample.rollout.TestEpisodes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ample train}: PPO on the configured env with the configured optimizer, writing a run
 * directory (DESIGN.md §2, {@link RunDirectory}): {@code config.conf}, {@code metrics.jsonl},
 * {@code gradstats.jsonl}, {@code invocations.jsonl}, {@code checkpoints/}, {@code run.lock}.
 *
 * <p>A start takes the run directory's lock, then builds the network, loads the checkpoint (on
 * {@code --resume}) and starts the envs; only then does it write to the directory, so a start that
 * fails or is interrupted leaves it as it was. Ctrl-C (or SIGTERM) once training runs asks the loop
 * to stop after the current iteration; the run then writes a checkpoint, flushes its logs and
 * closes its envs before the JVM exits. An error (a NaN loss, a dead env worker, a full disk) stops
 * the run with one line naming the cause and the last good checkpoint.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train a PPO agent. Without CONFIG it trains the embedded default (the built-in Catch, no"
          + " ROM or Python needed).",
      "Writes <train.runs-dir>/<name>/: config.conf, metrics.jsonl (one line per iteration),"
          + " gradstats.jsonl, invocations.jsonl, checkpoints/, tb/ (TensorBoard events), plots/"
          + " (at the end)."
    })
public final class TrainCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

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

  @Option(names = "--skip-damaged",
      description = "with --resume: if the newest checkpoints are damaged, move them aside and"
          + " continue from the newest intact one")
  boolean skipDamaged;

  @Override
  public Integer call() throws Exception {
    if (resume && runDir == null) {
      throw new IllegalArgumentException("--resume needs --run-dir DIR (the run to continue)");
    }
    if (skipDamaged && !resume) {
      throw new IllegalArgumentException("--skip-damaged goes with --resume");
    }
    Config config = ExperimentConfigs.load(
        resume && configFile == null ? runDir.resolve(RunDirectory.CONFIG) : configFile,
        overrides);
    ExperimentSettings experiment = ExperimentSettings.from(config);

    StopSignal stop = new StopSignal();
    Thread hook = new Thread(stop::requestAndAwait, "ample-train-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (RunDirectory run = stop.open(() -> openRunDir(experiment.train()), resume)) {
      Progress end;
      try {
        end = train(run, config, experiment, stop);
      } catch (RuntimeException | IOException | Error e) {
        stop.abandonStart(); // a start that failed leaves the directory as it was
        throw e;
      }
      System.out.printf("%s after %d iterations, %,d agent steps; return (last 100 episodes)"
              + " %s; checkpoint %s%n",
          stop.requested() ? "stopped" : "done", end.iteration(), end.agentSteps(),
          MetricsLog.format(end.returnMean()), run.files().newestCheckpointOrNull());
      if (!stop.requested()) { // a Ctrl-C exit stays quick; ./ample plot draws them later
        PlotCommand.plotFinishedRun(run.dir());
      }
      System.out.printf("run directory %s; evaluate it with: ./ample eval %s%n", run.dir(),
          run.dir());
    } catch (NothingToDo e) {
      System.out.println(e.getMessage());
    } finally {
      stop.finished();
      if (!stop.requested()) {
        Runtime.getRuntime().removeShutdownHook(hook);
      }
    }
    return 0;
  }

  /** A resumed run whose budget is already spent: said, not an error. */
  private static final class NothingToDo extends RuntimeException {
    NothingToDo(String message) {
      super(message);
    }
  }

  /**
   * Starts the run (network, checkpoint, envs; then the run directory's files) and trains it to
   * the end of its budget or a stop request.
   *
   * @return where the run stands at the end
   */
  private Progress train(RunDirectory run, Config config, ExperimentSettings experiment,
      StopSignal stop) throws IOException {
    TrainSettings train = experiment.train();
    EnvConfig env = experiment.env();
    RunFiles.Newest newest = resume ? run.files().newestIntact() : null;
    Checkpoint checkpoint = resume ? intactToResume(newest, run.dir()) : null;
    Progress progress = resume ? resumedProgress(checkpoint, experiment)
        : Progress.start(RunDecay.over(
            experiment.iterationsLeft(0) * experiment.optimizerStepsPerIteration()));
    long iterations = progress.iteration() + experiment.iterationsLeft(progress.agentSteps());

    try (TensorBoardLog tensorBoard =
            TensorBoardLog.open(run.dir().resolve(RunDirectory.TENSORBOARD), progress);
        GradStatsWriter gradStats = train.gradstatsEvery() > 0
            ? new GradStatsWriter(run.file(RunDirectory.GRADSTATS), train.gradstatsEvery(),
                tensorBoard::gradStats)
            : null;
        PpoExperiment ppo = PpoExperiment.build(experiment,
            experiment.optimizer().create(progress.decay()), checkpoint, progress.agentSteps(),
            gradStats)) {
      PolicyValueNetwork network = ppo.network();
      System.out.printf("network: %s, %,d parameters, %s init%n", network.description(),
          network.parameterCount(), experiment.network().init().configName());
      begin(run, config, checkpoint, newest, stop);
      System.out.printf("ample train: %s, %d envs x %d steps per iteration, %s, %,d agent steps"
              + " (%d iterations), run dir %s%n",
          env.id(), experiment.nominalEnvs(), train.rolloutSteps(), ppo.optimizerName(),
          train.agentSteps(), iterations, run.dir());
      ProgressDisplay bar = !ProgressDisplay.onTerminal() ? null
          : ProgressDisplay.bar(run.dir().getFileName().toString(), progress.agentSteps(),
              progress.agentSteps() + (iterations - progress.iteration())
                  * experiment.agentStepsPerIteration(), progress.wallSeconds());
      try (MetricsLog metrics = new MetricsLog(run.file(RunDirectory.METRICS), tensorBoard,
          bar)) {
        return loop(train, iterations, ppo, metrics, run.files(), progress, stop);
      }
    }
  }

  /**
   * Where a resumed run continues: the checkpoint's progress on a decay line rescheduled to the
   * budget. A resumed run with another budget keeps the LR and clip it had reached and takes them
   * to 0 at the new end; with the same budget this is the line it was on.
   */
  private static Progress resumedProgress(Checkpoint checkpoint, ExperimentSettings experiment) {
    Progress p = checkpoint.progress();
    long left = experiment.iterationsLeft(p.agentSteps());
    if (left == 0) {
      throw new NothingToDo(String.format("nothing to do: %s has %,d agent steps, and"
              + " train.agent-steps = %,d leaves no whole iteration of %,d more; raise"
              + " train.agent-steps to continue", checkpoint.file(), p.agentSteps(),
          experiment.train().agentSteps(), experiment.agentStepsPerIteration()));
    }
    p = p.withDecay(p.decay().rescheduled(p.optimizerSteps(),
        p.optimizerSteps() + left * experiment.optimizerStepsPerIteration()));
    if (p.decay().at(p.optimizerSteps()) == 0) {
      System.out.println("note: this run had reached the end of its decay, so a `linear` LR"
          + " schedule and an annealed clip stay at 0 in the added iterations");
    }
    return p;
  }

  /** The run has really started: its files are written (unless Ctrl-C came first). */
  private void begin(RunDirectory run, Config config, Checkpoint checkpoint,
      RunFiles.Newest newest, StopSignal stop) throws IOException {
    String resolved = ExperimentConfigs.render(config);
    ObjectNode invocation = invocation(checkpoint);
    if (checkpoint == null) {
      stop.started(() -> run.beginNew(resolved, invocation));
      if (run.failedStartLeft()) {
        System.out.println("note: " + run.dir() + " held an earlier start that wrote no"
            + " checkpoint; its files were replaced");
      }
      return;
    }
    List<Path> damaged = newest.damaged().stream().map(Checkpoint.Damaged::file).toList();
    List<String> notes = new ArrayList<>();
    stop.started(() -> notes.addAll(run.beginResumed(checkpoint, damaged, resolved, invocation)));
    System.out.printf("resuming %s from %s (iteration %d, %,d agent steps)%n", run.dir(),
        checkpoint.file().getFileName(), checkpoint.progress().iteration(),
        checkpoint.progress().agentSteps());
    notes.forEach(n -> System.out.println("note: " + n));
  }

  /** The checkpoint to resume: the newest, or with --skip-damaged the newest intact one. */
  private Checkpoint intactToResume(RunFiles.Newest newest, Path dir) {
    if (newest.newestIsIntact() || (skipDamaged && newest.intact() != null)) {
      return newest.intact();
    }
    String damaged = newest.damaged().get(0).getMessage();
    if (newest.intact() == null) {
      throw new IllegalArgumentException(damaged + "; no intact checkpoint is left in "
          + dir.resolve("checkpoints") + ": start a new run");
    }
    throw new IllegalArgumentException(damaged + "; the newest intact checkpoint is "
        + newest.intact().file().getFileName() + " (iteration "
        + newest.intact().progress().iteration() + "): continue from it with ./ample train"
        + " --run-dir " + dir + " --resume --skip-damaged");
  }

  private RunDirectory openRunDir(TrainSettings train) throws IOException {
    if (resume) {
      return RunDirectory.forResume(runDir, train.keepCheckpoints());
    }
    Path dir = runDir;
    if (dir == null) {
      String stem = configFile == null ? "default"
          : configFile.getFileName().toString().replaceFirst("\\.conf$", "");
      String time = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
      dir = train.runsDir().resolve(stem + "-" + time);
    }
    return RunDirectory.forNewRun(dir, train.keepCheckpoints());
  }

  /** This invocation, for {@code invocations.jsonl}: its command line and where it started. */
  private ObjectNode invocation(Checkpoint from) {
    ObjectNode line = JsonNodeFactory.instance.objectNode();
    line.put("time", Instant.now().toString());
    spec.commandLine().getParseResult().originalArgs().forEach(line.putArray("args")::add);
    line.put("config", configFile == null ? null : configFile.toString());
    overrides.forEach(line.putArray("overrides")::add);
    line.put("resume", from != null);
    line.put("from_checkpoint", from == null ? null : from.file().getFileName().toString());
    line.put("iteration", from == null ? 0 : from.progress().iteration());
    line.put("agent_steps", from == null ? 0 : from.progress().agentSteps());
    line.put("pid", ProcessHandle.current().pid());
    try {
      line.put("host", InetAddress.getLocalHost().getHostName());
    } catch (IOException e) {
      line.putNull("host");
    }
    return line;
  }

  private Progress loop(TrainSettings train, long iterations, PpoExperiment ppo,
      MetricsLog metrics, RunFiles files, Progress progress, StopSignal stop) {
    PpoLearner learner = ppo.learner();
    NetworkIdentity identity = ppo.identity();
    long lastCheckpoint = progress.iteration();
    try {
      if (progress.iteration() == 0 && train.eval().due(0)) {
        // The initial policy, before any update, as the authors test it: a line of its own.
        MetricsLog.Evaluation test = test(ppo.tests(), train, progress, files);
        progress = progress.plusSeconds(test.seconds());
        metrics.writeEvaluation(progress, test);
        metrics.printEvaluation(progress, iterations, test);
      }
      while (progress.iteration() < iterations && !stop.requested()) {
        long t0 = System.nanoTime();
        RolloutBatch batch;
        try {
          batch = ppo.collect(progress.iteration() + 1 < iterations);
        } catch (RuntimeException e) {
          if (stop.requested()) {
            break; // Ctrl-C took the env workers down mid-collect: nothing of it was used
          }
          throw stopped("in", progress, files, "collecting experience failed: " + e.getMessage(),
              e);
        }
        long t1 = System.nanoTime();
        // The clip anneals on the clock the `linear` LR schedule reads: optimizer steps done.
        long stepsBefore = learner.optimizerSteps();
        double fraction = progress.decay().progress(stepsBefore);
        PpoExperiment.Update update;
        try {
          update = ppo.update(batch, fraction);
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
          throw stopped("in", progress, files, e.getMessage(), e);
        }
        long t2 = System.nanoTime();
        Progress updated = progress.after(batch, (t2 - t0) / 1e9, learner.optimizerSteps());
        MetricsLog.Evaluation test = null;
        if (train.eval().due(updated.iteration())) {
          test = test(ppo.tests(), train, updated, files);
          updated = updated.plusSeconds(test.seconds());
        }
        progress = updated;
        PpoMetrics m = update.metrics();
        metrics.write(progress, m, ppo.optimizerName(), batch.frames() / ((t2 - t0) / 1e9),
            (t1 - t0) / 1e9, (t2 - t1) / 1e9, m.optimizerSteps() - stepsBefore,
            update.policyLag(), test, ppo.clusterStats());
        metrics.printLine(progress, iterations, m, test, ppo.clusterStats());
        if (progress.iteration() - lastCheckpoint >= train.checkpointEvery()) {
          files.writeCheckpoint(learner, identity, progress);
          lastCheckpoint = progress.iteration();
        }
      }
      if (progress.iteration() != lastCheckpoint || files.newestCheckpointOrNull() == null) {
        files.writeCheckpoint(learner, identity, progress);
      }
      if (ppo.collecting()) {
        System.out.println("note: the collection under way for iteration " + (progress.iteration()
            + 1) + " was discarded; the checkpoint holds the learner after iteration "
            + progress.iteration() + ", and a resume collects afresh from it");
      }
    } catch (IOException e) {
      // A log or checkpoint write failed (a full disk): nothing half-written was left behind.
      throw stopped("after", progress, files, e.getMessage(), e);
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
      throw stopped("after", p, files, "test episodes failed: " + e.getMessage(), e);
    }
  }

  /**
   * @param when "in" (iteration {@code p.iteration() + 1} failed) or "after" (iteration {@code
   *     p.iteration()} was done, writing or testing it failed)
   */
  private static IllegalStateException stopped(String when, Progress p, RunFiles files,
      String cause, Exception e) {
    Path last = files.newestCheckpointOrNull();
    // A failure mid-iteration may follow minibatch steps already applied, so the way back is the
    // last checkpoint, not the parameters in memory.
    return new IllegalStateException("training stopped " + when + " iteration "
        + (when.equals("in") ? p.iteration() + 1 : p.iteration()) + ": " + cause + ". "
        + (last == null ? "No checkpoint was written yet: run the same command again to start"
            + " over (the run directory is accepted)."
            : "Last good checkpoint: " + last + " (continue with ./ample train --run-dir "
                + files.dir() + " --resume)"), e);
  }

  /** A step of the start that writes to the run directory. */
  @FunctionalInterface
  private interface Begin {
    void run() throws IOException;
  }

  /** Takes the run directory (creating it, locking it). */
  @FunctionalInterface
  private interface Opener {
    RunDirectory open() throws IOException;
  }

  /**
   * Ctrl-C and SIGTERM run the shutdown hook. While the run is starting (nothing written yet) it
   * abandons the start ({@link RunDirectory#abandon}) and says so; once training runs it asks the
   * loop to stop after the current iteration and waits (bounded) until the run has written its
   * checkpoint and closed its envs.
   */
  private static final class StopSignal {
    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private RunDirectory starting;
    private boolean resuming;
    private boolean started;

    boolean requested() {
      return requested.get();
    }

    /** Takes the run directory, unless Ctrl-C came first; a Ctrl-C from now on abandons it. */
    synchronized RunDirectory open(Opener opener, boolean resume) throws IOException {
      if (requested.get()) {
        throw new IllegalStateException("interrupted while starting");
      }
      starting = opener.open();
      resuming = resume;
      return starting;
    }

    /** Runs the first write to the run directory, unless Ctrl-C came first. */
    synchronized void started(Begin begin) throws IOException {
      if (requested.get()) {
        throw new IllegalStateException("interrupted while starting");
      }
      begin.run();
      started = true;
    }

    /** A start that did not get to training: the directory goes back to how it was. */
    synchronized void abandonStart() {
      if (!started && starting != null) {
        starting.abandon();
        starting = null;
      }
    }

    void requestAndAwait() {
      synchronized (this) {
        requested.set(true);
        if (!started) {
          String dir = starting == null ? "" : "; " + (resuming
              ? starting.dir() + " is as it was (resume it with ./ample train --run-dir "
                  + starting.dir() + " --resume)"
              : starting.createdByThisStart() ? "nothing was written (" + starting.dir()
                  + " removed)" : starting.dir() + " is as it was");
          abandonStart();
          System.err.println("ample train: interrupted while starting, before the first"
              + " iteration" + dir);
          return;
        }
      }
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
