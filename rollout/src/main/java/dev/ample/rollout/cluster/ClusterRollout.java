// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout.cluster;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import dev.ample.agents.PolicySnapshot;
import dev.ample.agents.Trajectory;
import dev.ample.envs.EpisodeEnd;
import dev.ample.envs.Observations;
import dev.ample.rollout.LocalRollout;
import dev.ample.rollout.RolloutBatch;
import dev.ample.rollout.RolloutException;
import dev.ample.rollout.cluster.ClusterProtocol.ToLearner;
import dev.ample.rollout.wire.WireSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * The learner node's rollout: its own envs through a {@link LocalRollout} (central per-step
 * inference, as without a cluster) and the joined workers' envs, each worker collecting a T x k
 * fragment with its own network. A collect runs both at once and joins them into one {@link
 * RolloutBatch} whose envs are, in this fixed order, the learner's, then each worker's by slot.
 * Its env count N is what answered: a worker that died or missed the round's timeout is left out
 * (its fragment dropped and counted), one that joined during a round is used from the next.
 *
 * <pre>{@code
 * try (ClusterRollout rollout = ClusterRollout.start(local, settings, run, System.out::println)) {
 *   ClusterRollout.Collected c = rollout.collectAsync(128, snapshot).join();
 * }
 * }</pre>
 */
public final class ClusterRollout implements AutoCloseable {

  private static final Duration SHUTDOWN_ASK = Duration.ofSeconds(5);

  /**
   * The learner's cluster settings.
   *
   * @param node this node ({@link ClusterNode#LEARNER_ROLE}, its own address as the seed)
   * @param minWorkers workers the start and each round wait for
   * @param startTimeout how long the start waits for {@code minWorkers} (it fails without them)
   * @param waitForWorkers how long a round waits for {@code minWorkers}, then goes on without
   * @param fragmentTimeout how long a round waits for a joined worker's fragment
   */
  public record Settings(ClusterNode node, int minWorkers, Duration startTimeout,
      Duration waitForWorkers, Duration fragmentTimeout) {
    public Settings {
      if (!node.role().equals(ClusterNode.LEARNER_ROLE)) {
        throw new IllegalArgumentException("a learner runs a learner node");
      }
      if (minWorkers < 0) {
        throw new IllegalArgumentException("cluster.min-workers must be >= 0, got " + minWorkers);
      }
    }
  }

  /**
   * What the workers are given: the run's env config (with the default envs per worker), its
   * network section, the rollout's T, the learner's minibatch size, and the env seed base.
   */
  public record Assignment(dev.ample.envs.EnvConfig workerEnv, String networkConfig,
      int minibatchSize, long seedBase) {}

  /** A joined batch and what the cluster did for it. */
  public record Collected(RolloutBatch batch, ClusterStats stats) {}

  private final LocalRollout local;
  private final Settings settings;
  private final ActorSystem<Void> system;
  private final ActorRef<ToLearner> endpoint;
  private volatile boolean closed;

  private ClusterRollout(LocalRollout local, Settings settings, ActorSystem<Void> system,
      ActorRef<ToLearner> endpoint) {
    this.local = local;
    this.settings = settings;
    this.system = system;
    this.endpoint = endpoint;
  }

  /**
   * Starts the learner node on {@code settings.node().bind()} around {@code local} (which it takes
   * over: closing this closes it) and waits up to {@code cluster.start-timeout} for {@code
   * cluster.min-workers} workers.
   *
   * @param steps T, as every collect will ask
   * @param notes where joins, departures and drops are told (one line each)
   * @throws IllegalStateException (one line) when the port is taken or too few workers joined
   */
  public static ClusterRollout start(LocalRollout local, Settings settings, Assignment assignment,
      int steps, Consumer<String> notes) {
    ActorSystem<Void> system = null;
    try {
      LearnerEndpoint.Run run = new LearnerEndpoint.Run(assignment.workerEnv(),
          assignment.networkConfig(), steps, assignment.minibatchSize(), local.observationSpace(),
          local.numActions(), assignment.seedBase());
      CompletableFuture<ActorRef<ToLearner>> spawned = new CompletableFuture<>();
      try {
        system = ActorSystem.create(Behaviors.setup(ctx -> {
          spawned.complete(ctx.spawn(LearnerEndpoint.create(run, notes), LearnerEndpoint.NAME));
          return Behaviors.empty();
        }), ClusterNode.SYSTEM_NAME, settings.node().akkaConfig());
      } catch (RuntimeException e) {
        throw new IllegalStateException("cannot start the learner's cluster node on "
            + settings.node().bind() + ": " + RolloutException.describe(e)
            + " (is the port in use? set cluster.bind)", e);
      }
      ClusterRollout rollout = new ClusterRollout(local, settings, system, spawned.join());
      rollout.awaitWorkers();
      return rollout;
    } catch (RuntimeException | Error e) {
      if (system != null) {
        RolloutWorker.terminate(system);
      }
      local.close();
      throw e;
    }
  }

  private void awaitWorkers() {
    if (settings.minWorkers() == 0) {
      return;
    }
    System.out.printf("cluster: learner at %s (%s) waiting up to %d s for %d worker(s):"
            + " ./ample worker --join %s%n", settings.node().bind(), settings.node().transport(),
        settings.startTimeout().toSeconds(), settings.minWorkers(), settings.node().bind());
    try {
      AskPattern.<ToLearner, Integer>ask(endpoint,
          replyTo -> new LearnerEndpoint.AwaitWorkers(settings.minWorkers(), replyTo),
          settings.startTimeout(), system.scheduler()).toCompletableFuture().get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("fewer than cluster.min-workers = " + settings.minWorkers()
          + " workers joined the learner at " + settings.node().bind() + " within"
          + " cluster.start-timeout = " + settings.startTimeout().toSeconds() + " s; start"
          + " them with ./ample worker --join " + settings.node().bind() + " (or lower"
          + " cluster.min-workers)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for workers", e);
    }
  }

  /** The learner's own envs. */
  public int localEnvs() {
    return local.numEnvs();
  }

  /**
   * Collects T steps of the learner's envs and of every joined worker's, all acting with {@code
   * policy}, and joins them. Completes exceptionally when the learner's own envs fail; workers'
   * failures only leave their fragments out.
   */
  public CompletableFuture<Collected> collectAsync(int steps, PolicySnapshot policy) {
    if (closed) {
      throw new IllegalStateException("rollout is closed");
    }
    WireSerializer.FragmentTraffic before = WireSerializer.fragmentTraffic(system);
    CompletableFuture<RolloutBatch> mine = local.collectAsync(steps, policy);
    Duration roundLimit = settings.waitForWorkers().plus(settings.fragmentTimeout())
        .plusMinutes(1);
    CompletableFuture<LearnerEndpoint.Round> theirs = AskPattern.<ToLearner, LearnerEndpoint.Round>ask(
        endpoint, replyTo -> new LearnerEndpoint.CollectRound(policy.version(), steps, policy,
            settings.minWorkers(), settings.waitForWorkers(), settings.fragmentTimeout(),
            replyTo), roundLimit, system.scheduler()).toCompletableFuture();
    return mine.thenCombine(theirs, (batch, round) -> join(batch, round,
        WireSerializer.fragmentTraffic(system).since(before)));
  }

  /** Blocks for {@link #collectAsync}. */
  public Collected collect(int steps, PolicySnapshot policy) {
    try {
      return collectAsync(steps, policy).get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null
          ? c.getCause() : e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new RolloutException("collect failed: " + RolloutException.describe(cause), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RolloutException("interrupted while waiting for the rollout", e);
    }
  }

  private static Collected join(RolloutBatch mine, LearnerEndpoint.Round round,
      WireSerializer.FragmentTraffic traffic) {
    List<RolloutBatch> batches = new ArrayList<>();
    batches.add(mine);
    Map<String, Long> workerSteps = new LinkedHashMap<>();
    for (LearnerEndpoint.Part p : round.parts()) {
      batches.add(p.batch());
      workerSteps.put(p.address(), p.batch().agentSteps());
    }
    RolloutBatch joined = concatenate(batches);
    return new Collected(joined, new ClusterStats(round.workers(), mine.agentSteps(),
        workerSteps, round.dropped(), traffic.bytesRead(), traffic.read(),
        traffic.readNanos() / 1e6));
  }

  /**
   * The batches' envs side by side, in the order given: env i of the result is env i of the
   * first batch, then those of the second, ...; every batch must have the same T and the same
   * policy version at every step (the synchronous protocol).
   */
  static RolloutBatch concatenate(List<RolloutBatch> batches) {
    if (batches.size() == 1) {
      return batches.get(0);
    }
    Trajectory first = batches.get(0).trajectory();
    int steps = first.steps();
    int envs = 0;
    for (RolloutBatch b : batches) {
      Trajectory t = b.trajectory();
      if (t.steps() != steps || !t.space().equals(first.space())
          || !java.util.Arrays.equals(t.policyVersions(), first.policyVersions())) {
        throw new IllegalArgumentException("fragments of " + t.steps() + " steps with policy"
            + " versions " + t.oldestPolicyVersion() + ".. cannot join a batch of " + steps
            + " steps of versions " + first.oldestPolicyVersion() + "..");
      }
      envs += t.envs();
    }
    int n = steps * envs;
    Observations observations = Observations.allocate(first.space(), n);
    int[] actions = new int[n];
    float[] logProbs = new float[n];
    float[] values = new float[n];
    float[] rewards = new float[n];
    boolean[] terminated = new boolean[n];
    boolean[] truncated = new boolean[n];
    float[] finalValues = new float[n];
    float[] bootstrap = new float[envs];
    List<EpisodeEnd> episodes = new ArrayList<>();
    long frames = 0;
    int offset = 0;
    for (RolloutBatch b : batches) {
      Trajectory t = b.trajectory();
      int k = t.envs();
      for (int s = 0; s < steps; s++) {
        int from = s * k;
        int to = s * envs + offset;
        t.observations().copyRows(from, observations, to, k);
        System.arraycopy(t.actions(), from, actions, to, k);
        System.arraycopy(t.logProbs(), from, logProbs, to, k);
        System.arraycopy(t.values(), from, values, to, k);
        System.arraycopy(t.rewards(), from, rewards, to, k);
        System.arraycopy(t.terminated(), from, terminated, to, k);
        System.arraycopy(t.truncated(), from, truncated, to, k);
        System.arraycopy(t.finalValues(), from, finalValues, to, k);
      }
      System.arraycopy(t.bootstrapValues(), 0, bootstrap, offset, k);
      episodes.addAll(b.episodes());
      frames += b.frames();
      offset += k;
    }
    Trajectory joined = new Trajectory(steps, envs, observations, actions, logProbs, values,
        rewards, terminated, truncated, finalValues, bootstrap, first.policyVersions().clone());
    return new RolloutBatch(joined, episodes, n, frames);
  }

  /**
   * Tells every worker the run is over, leaves the cluster and closes the learner's envs
   * (idempotent).
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      AskPattern.<ToLearner, Done>ask(endpoint,
          replyTo -> new LearnerEndpoint.Shutdown("the learner closed its rollout", replyTo), SHUTDOWN_ASK,
          system.scheduler()).toCompletableFuture().get();
    } catch (ExecutionException e) {
      // Workers that miss the word notice the learner leaving and exit after their timeout.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        RolloutWorker.terminate(system);
      } finally {
        local.close();
      }
    }
  }
}
