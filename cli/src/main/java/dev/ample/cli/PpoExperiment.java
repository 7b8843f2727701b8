// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.ample.agents.Agent;
import dev.ample.agents.PolicySnapshot;
import dev.ample.agents.PolicyValueNetwork;
import dev.ample.cli.config.ExperimentSettings;
import dev.ample.cli.config.TrainSettings;
import dev.ample.envs.EnvConfig;
import dev.ample.envs.ObservationSpace;
import dev.ample.learner.PpoLearner;
import dev.ample.learner.PpoMetrics;
import dev.ample.learner.gradients.PerExampleGradientsConfig;
import dev.ample.learner.logging.GradStatsWriter;
import dev.ample.optim.ConfiguredOptimizer;
import dev.ample.rollout.LocalRollout;
import dev.ample.rollout.RolloutBatch;
import dev.ample.rollout.RolloutEnvs;
import dev.ample.rollout.TestEpisodes;
import dev.ample.rollout.cluster.ClusterRollout;
import dev.ample.rollout.cluster.ClusterStats;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The PPO experiment of a parsed config, wired in one place (Acme's builder): envs -> network and
 * learner -> the rollout's agent (its own copy of the network, fed by the learner's snapshots) ->
 * rollout, plus a test agent for test episodes. The training envs are created once, and the
 * network is built for the observation space and action count they report.
 *
 * <pre>{@code
 * try (PpoExperiment ppo = PpoExperiment.build(settings, decay, checkpoint, agentStepsDone, null)) {
 *   RolloutBatch batch = ppo.collect(true);
 *   PpoMetrics m = ppo.learner().update(batch.trajectory(), fraction);
 * }
 * }</pre>
 *
 * <p>Collection: synchronous ({@code train.overlap = false}), each {@link #collect} collects with
 * the learner's current snapshot and the learner then updates on it (policy lag 0). Overlapped,
 * {@link #collect} hands back the batch collected meanwhile and starts the next one with the
 * snapshot from before the coming update, so the envs step while the learner learns (policy lag
 * 1). A collection still under way at {@link #close} is discarded.
 *
 * <p>With {@code cluster.enabled} the learner's envs are wrapped in a {@link ClusterRollout}: each
 * collect joins the learner's own T x N batch with the workers' fragments of the same policy
 * version ({@link #clusterStats} says what the cluster did for it).
 */
final class PpoExperiment implements AutoCloseable {

  private final NDManager base;
  private final PpoLearner learner;
  private final NetworkIdentity identity;
  private final String optimizerName;
  private final LocalRollout rollout;
  /** The cluster around {@link #rollout}, or null on a single node. */
  private final ClusterRollout cluster;
  private final Agent agent;
  private final Agent testAgent;
  private final TestEpisodes tests;
  private final int rolloutSteps;
  private final boolean overlap;
  private CompletableFuture<ClusterRollout.Collected> pending;
  private ClusterStats clusterStats;

  private PpoExperiment(NDManager base, PpoLearner learner, NetworkIdentity identity,
      String optimizerName, LocalRollout rollout, ClusterRollout cluster, Agent agent,
      Agent testAgent, TestEpisodes tests, TrainSettings train) {
    this.base = base;
    this.learner = learner;
    this.identity = identity;
    this.optimizerName = optimizerName;
    this.rollout = rollout;
    this.cluster = cluster;
    this.agent = agent;
    this.testAgent = testAgent;
    this.tests = tests;
    this.rolloutSteps = train.rolloutSteps();
    this.overlap = train.overlap();
  }

  /**
   * Builds and starts everything: envs (reset, env i seeded {@code seed + agentStepsDone + i}, so
   * a resumed run does not replay the episodes it started with), the network initialised from the
   * seed, the learner (restored from {@code checkpoint} when given), the agents and the rollout.
   * On a failure everything made so far is closed.
   *
   * @param optimizer the configured optimizer on the run's decay line
   * @param checkpoint the checkpoint to resume, or null
   * @param agentStepsDone agent steps the run has taken (0 for a new run)
   * @param gradStats where the learner writes gradstats, or null
   */
  static PpoExperiment build(ExperimentSettings experiment, ConfiguredOptimizer optimizer,
      Checkpoint checkpoint, long agentStepsDone, GradStatsWriter gradStats) {
    TrainSettings train = experiment.train();
    EnvConfig env = experiment.env();
    Device device = train.djlDevice();
    Engine.getInstance().setRandomSeed((int) train.seed());
    NDManager base = NDManager.newBaseManager(device);
    RolloutEnvs envs = null;
    Agent agent = null;
    Agent testAgent = null;
    try {
      envs = RolloutEnvs.open(env, train.runners());
      ObservationSpace space = envs.observationSpace();
      int numActions = envs.numActions();
      EnvNetworks.Built built = EnvNetworks.create(env, space, numActions, experiment.network(),
          train.seed(), base);
      PpoLearner.Builder builder = PpoLearner.builder()
          .setNetwork(built.network())
          .setOptimizer(optimizer)
          .setManager(base)
          .optConfig(train.ppo())
          .optEngineConfig(PerExampleGradientsConfig.defaults().withDevice(device));
      if (gradStats != null) {
        builder.optGradStats(gradStats);
      }
      PpoLearner learner = builder.build();
      if (checkpoint != null) {
        checkpoint.restore(learner, built.identity());
      }
      PolicySnapshot policy = learner.snapshot();
      agent = Agent.create(() -> experiment.network().architecture(space, numActions), space,
          policy, device);
      testAgent = Agent.create(() -> experiment.network().architecture(space, numActions), space,
          policy, device);
      TestEpisodes tests = TestEpisodes.of(env, testAgent, train.eval().greedy());
      long seedBase = train.seed() + agentStepsDone;
      LocalRollout rollout = LocalRollout.start(envs, agent, seedBase, train.doubleBuffer());
      ClusterRollout cluster = null;
      if (experiment.cluster().enabled()) {
        EnvConfig workerEnv = new EnvConfig(env.id(), env.backend(),
            experiment.cluster().envsPerWorker(), env.romDir(), env.atari(),
            env.allowUnverifiedRom());
        cluster = ClusterRollout.start(rollout, experiment.cluster().learner(),
            new ClusterRollout.Assignment(workerEnv, experiment.network().toHocon(),
                train.ppo().minibatchSize(), seedBase),
            train.rolloutSteps(), System.out::println);
      }
      return new PpoExperiment(base, learner, built.identity(), optimizer.name(), rollout,
          cluster, agent, testAgent, tests, train);
    } catch (RuntimeException | Error e) {
      if (envs != null) {
        envs.close();
      }
      for (Agent a : new Agent[] {agent, testAgent}) {
        if (a != null) {
          a.close();
        }
      }
      base.close();
      throw e;
    }
  }

  PpoLearner learner() {
    return learner;
  }

  /** The network the learner trains (for its description and size). */
  PolicyValueNetwork network() {
    return learner.network();
  }

  NetworkIdentity identity() {
    return identity;
  }

  String optimizerName() {
    return optimizerName;
  }

  boolean overlapped() {
    return overlap;
  }

  /**
   * The next iteration's experience. Synchronous: collected now with the learner's snapshot.
   * Overlapped: the batch collected during the last update (or, the first time, collected now),
   * and, when {@code another} (more iterations follow), the next collection is started with the
   * learner's snapshot as it stands, before the coming update.
   *
   * @throws dev.ample.rollout.RolloutException when collecting failed
   */
  RolloutBatch collect(boolean another) {
    ClusterRollout.Collected collected;
    if (pending == null) {
      collected = await(collectAsync());
    } else {
      CompletableFuture<ClusterRollout.Collected> running = pending;
      pending = null;
      collected = await(running);
    }
    if (overlap && another) {
      pending = collectAsync();
    }
    clusterStats = collected.stats();
    return collected.batch();
  }

  private CompletableFuture<ClusterRollout.Collected> collectAsync() {
    PolicySnapshot policy = learner.snapshot();
    return cluster != null ? cluster.collectAsync(rolloutSteps, policy)
        : rollout.collectAsync(rolloutSteps, policy)
            .thenApply(batch -> new ClusterRollout.Collected(batch, null));
  }

  /** What the cluster did for the batch {@link #collect} returned last; null on a single node. */
  ClusterStats clusterStats() {
    return clusterStats;
  }

  /** Whether a collection is under way (overlapped; {@link #close} discards it). */
  boolean collecting() {
    return pending != null;
  }

  /**
   * Updates on {@code batch}: how many updates old the oldest policy that collected it is
   * (0 synchronous, 1 overlapped) comes with the metrics.
   */
  Update update(RolloutBatch batch, double fraction) {
    long lag = learner.iterations() - batch.trajectory().oldestPolicyVersion();
    return new Update(learner.update(batch.trajectory(), fraction), lag);
  }

  /** One update's metrics and the policy lag of the experience it used. */
  record Update(PpoMetrics metrics, long policyLag) {}

  /** Test episodes of the learner's current policy, on an agent of their own. */
  TestEpisodes tests() {
    testAgent.load(learner.snapshot());
    return tests;
  }

  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException c
          && c.getCause() != null ? c.getCause() : e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while collecting", e);
    }
  }

  /** Stops the rollout (discarding a collection under way), closes envs, agents and arrays. */
  @Override
  public void close() {
    try {
      if (cluster != null) {
        cluster.close(); // closes the learner's own rollout too
      } else {
        rollout.close();
      }
    } finally {
      agent.close();
      testAgent.close();
      base.close();
    }
  }
}
