// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ample.agents.Agent;
import dev.ample.agents.PolicySnapshot;
import dev.ample.agents.PolicyValueNetwork;
import dev.ample.cli.config.ExperimentSettings;
import dev.ample.cli.config.TrainSettings;
import dev.ample.envs.EnvConfig;
import dev.ample.envs.Envs;
import dev.ample.envs.ObservationSpace;
import dev.ample.envs.Observations;
import dev.ample.envs.StepResult;
import dev.ample.envs.VectorEnv;
import dev.ample.learner.gradients.PerExampleGradientsConfig;
import dev.ample.optim.ConfiguredOptimizer;
import dev.ample.optim.RunDecay;
import dev.ample.rollout.LocalRollout;
import dev.ample.rollout.RolloutBatch;
import dev.ample.rollout.RolloutEnvs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ample bench rollout}: what the actor rollout costs and where a PPO iteration's time goes.
 * (a) a bare loop and (b) the actor rollout ({@link LocalRollout} over {@link RolloutEnvs}, as
 * {@code ./ample train} runs it) step the very same {@link VectorEnv}s with the same agent, the
 * same batched {@link Agent#act} over all N envs, and the same thread per runner; they alternate
 * round by round so that order effects cancel. Then whole PPO iterations through {@link
 * PpoExperiment} are split into collect, learn and other, and the learner's minibatch step is set
 * against the same step alone, as {@code ample bench learner} times it ({@link
 * GradientStepBench}).
 */
@Command(
    name = "rollout",
    mixinStandardHelpOptions = true,
    description = {
      "Rollout throughput, bare loop vs actors on the same envs, and a PPO iteration split into"
          + " collect / learn / other.",
      "Default: the built-in Catch (the embedded default config); with --rom-dir: Pong with"
          + " configs/pong-v4-eve.conf (8 envs x 128 steps, the 4,047,015-parameter SAME network)."
    })
public final class BenchRolloutCommand implements Callable<Integer> {

  /** The Eve authors' Pong protocol, benched when a ROM folder is given. */
  static final Path PONG_CONFIG = Path.of("configs", "pong-v4-eve.conf");

  @Mixin BenchConfigOptions experimentOptions;

  @Option(names = "--rounds", description = "timed rounds of (a) and (b) (default ${DEFAULT-VALUE})")
  int rounds = 5;

  @Option(names = "--iterations", description = "timed PPO iterations (default ${DEFAULT-VALUE})")
  int iterations = 3;

  @Option(names = "--warmup",
      description = "untimed rounds and iterations first (default ${DEFAULT-VALUE})")
  int warmup = 1;

  @Option(names = "--json", description = "print one JSON object as the last line")
  boolean json;

  @Option(names = "--cluster",
      description = "instead: collect steps/s of the learner's envs alone vs with one worker node"
          + " (same JVM, Artery TCP on loopback), bytes per iteration and decode time per"
          + " fragment")
  boolean cluster;

  @Override
  public Integer call() throws Exception {
    if (rounds < 1 || iterations < 1 || warmup < 0) {
      throw new IllegalArgumentException("--rounds and --iterations must be >= 1, --warmup >= 0");
    }
    ExperimentSettings experiment = ExperimentSettings.from(
        experimentOptions.load(PONG_CONFIG, List.of()));
    TrainSettings train = experiment.train();
    EnvConfig env = experiment.env();
    int steps = train.rolloutSteps();
    ObjectNode out = new ObjectMapper().createObjectNode();
    out.put("env", env.id());
    out.put("num_envs", env.numEnvs());
    out.put("runners", train.runners());
    out.put("rollout_steps", steps);
    out.put("rounds", rounds);
    out.put("iterations", iterations);
    out.put("warmup", warmup);
    if (cluster) {
      ClusterBench.run(experiment, rounds, warmup, out);
      if (json) {
        System.out.println(new ObjectMapper().writeValueAsString(out));
      }
      return 0;
    }

    Throughput t = throughput(experiment);
    System.out.printf("ample bench rollout: %s, %d envs on %d runners, %s (%,d parameters);"
            + " median of %d rounds of %d steps x %d envs each (after %d warm-up), %s first in"
            + " turn%n", env.id(), env.numEnvs(), train.runners(), t.network(),
        t.parameters(), rounds, steps, env.numEnvs(), warmup, "each loop");
    System.out.printf("(a) bare loop (same envs, same batched act, %d env threads, no actors):"
        + " %,.0f steps/s%n", train.runners(), t.bare());
    System.out.printf("(b) actor rollout (LocalRollout over RolloutEnvs, as ./ample train):"
        + "      %,.0f steps/s%n", t.actors());
    System.out.printf("actor / bare: %.3f%n", t.actors() / t.bare());
    if (!Double.isNaN(t.doubleBuffered())) {
      System.out.printf("(c) double-buffered actor rollout (train.double-buffer, envs of its own):"
          + " %,.0f steps/s; (c) / (b): %.3f%n", t.doubleBuffered(),
          t.doubleBuffered() / t.actors());
    }
    out.put("network", t.network());
    out.put("parameters", t.parameters());
    out.put("bare_loop_steps_per_s", round(t.bare()));
    out.put("actor_steps_per_s", round(t.actors()));
    out.put("actor_over_bare", round(t.actors() / t.bare()));
    if (!Double.isNaN(t.doubleBuffered())) {
      out.put("double_buffered_steps_per_s", round(t.doubleBuffered()));
      out.put("double_buffered_over_actor", round(t.doubleBuffered() / t.actors()));
    }

    Iterations it = iterations(experiment, t.space(), t.numActions());
    long stepsPerIteration = experiment.optimizerStepsPerIteration();
    double learnStepMs = it.learn() / stepsPerIteration * 1e3;
    System.out.printf("PPO iteration (PpoExperiment, %s, overlap %s; median of %d after %d"
            + " warm-up): %.3f s = collect %.3f s + learn %.3f s + other %.3f s%n",
        it.optimizer(), train.overlap() ? "on" : "off", iterations, warmup, it.total(),
        it.collect(), it.learn(), it.other());
    System.out.printf("learn: %d minibatch steps of %d, %.1f ms each; the same learner step"
            + " alone (as bench learner, median of %d): %.1f ms = engine %.1f + %s update %.1f;"
            + " loop / alone %.3f%n", stepsPerIteration, train.ppo().minibatchSize(),
        learnStepMs, it.aloneSteps(), it.aloneMs(), it.aloneEngineMs(), it.optimizer(),
        it.aloneMs() - it.aloneEngineMs(), learnStepMs / it.aloneMs());
    out.put("optimizer", it.optimizer());
    out.put("overlap", train.overlap());
    out.put("minibatch_size", train.ppo().minibatchSize());
    out.put("optimizer_steps_per_iteration", stepsPerIteration);
    out.put("iteration_s", round(it.total()));
    out.put("collect_s", round(it.collect()));
    out.put("learn_s", round(it.learn()));
    out.put("other_s", round(it.other()));
    out.put("learn_step_ms", round(learnStepMs));
    out.put("bench_learner_step_ms", round(it.aloneMs()));
    out.put("bench_learner_engine_ms", round(it.aloneEngineMs()));
    out.put("learn_step_over_bench_learner", round(learnStepMs / it.aloneMs()));
    if (json) {
      System.out.println(new ObjectMapper().writeValueAsString(out));
    }
    return 0;
  }

  /** Steps/s of (a), (b) and, with two runners or more, (c) (else NaN). */
  private record Throughput(String network, long parameters, double bare, double actors,
      double doubleBuffered, ObservationSpace space, int numActions) {}

  /**
   * (a) and (b) on one set of envs: the rollout's runners own them, and the bare loop steps them
   * between the rollout's collects (never while one runs). (c), a double-buffered rollout, steps
   * envs of its own made alike; the three alternate round by round.
   */
  private Throughput throughput(ExperimentSettings experiment) throws Exception {
    TrainSettings train = experiment.train();
    EnvConfig env = experiment.env();
    Device device = train.djlDevice();
    List<VectorEnv> shared = new ArrayList<>();
    RolloutEnvs envs = openEnvs(env, train.runners(), shared);
    boolean withDoubleBuffer = train.runners() >= 2;
    RolloutEnvs ownEnvs = withDoubleBuffer ? openEnvs(env, train.runners(), new ArrayList<>())
        : null;
    ObservationSpace space = envs.observationSpace();
    int numActions = envs.numActions();
    try (NDManager base = NDManager.newBaseManager(device)) {
      PolicyValueNetwork network =
          experiment.network().create(space, numActions, train.seed(), base);
      PolicySnapshot policy = PolicySnapshot.of(0, network);
      try (Agent agent = Agent.create(() -> experiment.network().architecture(space, numActions),
              space, policy, device);
          LocalRollout rollout = LocalRollout.start(envs, agent, train.seed());
          BareLoop bare = new BareLoop(shared, agent, train.seed());
          LocalRollout doubled = withDoubleBuffer
              ? LocalRollout.start(ownEnvs, agent, train.seed(), true) : null) {
        int steps = train.rolloutSteps();
        double agentSteps = (double) steps * env.numEnvs();
        List<Runnable> loops = new ArrayList<>(List.of(() -> bare.run(steps),
            () -> rollout.collect(steps, policy)));
        if (doubled != null) {
          loops.add(() -> doubled.collect(steps, policy));
        }
        List<List<Double>> rates = new ArrayList<>();
        loops.forEach(l -> rates.add(new ArrayList<>()));
        for (int r = -warmup; r < rounds; r++) {
          for (int k = 0; k < loops.size(); k++) {
            // Each round starts with the next loop, so that none always follows the same one.
            int loop = Math.floorMod(r + k, loops.size());
            double secs = seconds(loops.get(loop));
            if (r >= 0) {
              rates.get(loop).add(agentSteps / secs);
            }
          }
        }
        return new Throughput(network.description(), network.parameterCount(),
            median(rates.get(0)), median(rates.get(1)),
            doubled == null ? Double.NaN : median(rates.get(2)), space, numActions);
      }
    }
  }

  /** The experiment's envs over the runners, each vector env also added to {@code opened}. */
  private static RolloutEnvs openEnvs(EnvConfig env, int runners, List<VectorEnv> opened) {
    return RolloutEnvs.open(env.numEnvs(), runners, (r, count) -> {
      VectorEnv e = Envs.create(new EnvConfig(env.id(), env.backend(), count, env.romDir(),
          env.atari(), env.allowUnverifiedRom()));
      opened.add(e);
      return e;
    });
  }

  private record Iterations(String optimizer, double total, double collect, double learn,
      double other, int aloneSteps, double aloneMs, double aloneEngineMs) {}

  /**
   * Whole PPO iterations as {@code ./ample train} makes them (collect, then update; test episodes,
   * logs and checkpoints are left out), each followed, off the clock, by as many learner steps
   * alone (engine, optimizer update and parameter addition, on a network of its own built as the
   * learner's is, with the same optimizer), so that machine noise hits both alike.
   */
  private Iterations iterations(ExperimentSettings experiment, ObservationSpace space,
      int numActions) {
    TrainSettings train = experiment.train();
    long stepsPerIteration = experiment.optimizerStepsPerIteration();
    RunDecay decay = RunDecay.over((warmup + iterations) * stepsPerIteration);
    ConfiguredOptimizer optimizer = experiment.optimizer().create(decay);
    List<Double> total = new ArrayList<>();
    List<Double> collect = new ArrayList<>();
    List<Double> learn = new ArrayList<>();
    List<Double> other = new ArrayList<>();
    List<Double> alone = new ArrayList<>();
    List<Double> aloneEngine = new ArrayList<>();
    Device device = train.djlDevice();
    try (NDManager base = NDManager.newBaseManager(device);
        PpoExperiment ppo = PpoExperiment.build(experiment, optimizer, null, 0, null)) {
      GradientStepBench step = GradientStepBench.create(base,
          experiment.network().create(space, numActions, train.seed(), base),
          minibatchShape(train.ppo().minibatchSize(), space),
          space.dtype() == ObservationSpace.Dtype.UINT8, numActions, train.ppo().lossAt(0),
          PerExampleGradientsConfig.defaults().withDevice(device));
      GradientStepBench.Updater updater = step.updater(optimizer);
      for (int i = -warmup; i < iterations; i++) {
        long t0 = System.nanoTime();
        RolloutBatch batch = ppo.collect(i + 1 < iterations);
        long t1 = System.nanoTime();
        ppo.update(batch, decay.progress(ppo.learner().optimizerSteps()));
        long t2 = System.nanoTime();
        long t3 = System.nanoTime(); // what ./ample train does next (logs) is not timed here
        for (int k = 0; k < stepsPerIteration; k++) {
          GradientStepBench.Timed t = step.step(updater);
          if (i >= 0) {
            alone.add(t.ms());
            aloneEngine.add(t.engineMs());
          }
        }
        if (i >= 0) {
          total.add((t3 - t0) / 1e9);
          collect.add((t1 - t0) / 1e9);
          learn.add((t2 - t1) / 1e9);
          other.add((t3 - t2) / 1e9);
        }
      }
    }
    return new Iterations(optimizer.name(), median(total), median(collect), median(learn),
        median(other), alone.size(), median(alone), median(aloneEngine));
  }

  /** {@code batch} observations of {@code space}, batch first. */
  private static Shape minibatchShape(int batch, ObservationSpace space) {
    int[] one = space.shape();
    long[] dims = new long[one.length + 1];
    dims[0] = batch;
    for (int d = 0; d < one.length; d++) {
      dims[d + 1] = one[d];
    }
    return new Shape(dims);
  }

  static double median(List<Double> xs) {
    return BenchLearnerCommand.median(xs);
  }

  private static double seconds(Runnable work) {
    long t0 = System.nanoTime();
    work.run();
    return (System.nanoTime() - t0) / 1e9;
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /**
   * The actor design's work without the actors: per step ONE {@link Agent#act} over all N envs,
   * each runner's vector env stepped on a thread of its own, the next observations gathered into
   * the act input and copied into a T x N store (as the rollout buffer keeps them).
   */
  private static final class BareLoop implements AutoCloseable {
    private final List<VectorEnv> envs;
    private final Agent agent;
    private final SplittableRandom rng;
    private final ExecutorService threads;
    private final int[] first;
    private final ObservationSpace space;
    private final int numEnvs;
    private final Observations current;

    BareLoop(List<VectorEnv> envs, Agent agent, long seed) {
      this.envs = envs;
      this.agent = agent;
      this.rng = LocalRollout.actionRandom(seed);
      this.threads = Executors.newFixedThreadPool(envs.size(), r -> {
        Thread t = new Thread(r, "bench-bare-env");
        t.setDaemon(true);
        return t;
      });
      first = new int[envs.size()];
      int n = 0;
      for (int r = 0; r < envs.size(); r++) {
        first[r] = n;
        n += envs.get(r).numEnvs();
      }
      numEnvs = n;
      space = envs.get(0).observationSpace();
      current = Observations.allocate(space, n);
      List<Callable<StepResult>> resets = new ArrayList<>();
      for (int r = 0; r < envs.size(); r++) {
        VectorEnv e = envs.get(r);
        long s = seed + first[r];
        resets.add(() -> e.reset(s));
      }
      gather(resets);
    }

    /** {@code steps} steps of every env. */
    void run(int steps) {
      Observations store = Observations.allocate(space, steps * numEnvs);
      for (int t = 0; t < steps; t++) {
        current.copyRows(0, store, t * numEnvs, numEnvs);
        int[] actions = agent.act(current, rng).actions();
        List<Callable<StepResult>> stepping = new ArrayList<>();
        for (int r = 0; r < envs.size(); r++) {
          VectorEnv e = envs.get(r);
          int[] share = new int[e.numEnvs()];
          System.arraycopy(actions, first[r], share, 0, share.length);
          stepping.add(() -> e.step(share));
        }
        gather(stepping);
      }
    }

    /** Runs one call per runner on the runners' threads and copies their observations in. */
    private void gather(List<Callable<StepResult>> calls) {
      try {
        List<Future<StepResult>> results = threads.invokeAll(calls);
        for (int r = 0; r < results.size(); r++) {
          results.get(r).get().observations()
              .copyRows(0, current, first[r], envs.get(r).numEnvs());
        }
      } catch (ExecutionException e) {
        throw new IllegalStateException("bare loop: an env failed: " + e.getCause(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("bare loop interrupted", e);
      }
    }

    /** Stops the threads; the envs belong to the rollout. */
    @Override
    public void close() {
      threads.shutdownNow();
    }
  }
}
