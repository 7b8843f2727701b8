// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout.cluster;

import ai.djl.Device;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import dev.ample.agents.Agent;
import dev.ample.envs.EnvConfig;
import dev.ample.rollout.LocalRollout;
import dev.ample.rollout.RolloutBatch;
import dev.ample.rollout.RolloutEnvs;
import dev.ample.rollout.RolloutException;
import dev.ample.rollout.cluster.ClusterProtocol.ToLearner;
import dev.ample.rollout.cluster.ClusterProtocol.ToWorker;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A worker's side of the cluster, at {@code /user/}{@value #NAME} (a large-message destination:
 * the weights arrive on their own lane). On {@link ClusterProtocol.Assign} it builds its envs from
 * the run's env config and answers {@link ClusterProtocol.Joined}; on each {@link
 * ClusterProtocol.Collect} it loads the weights into its own inference network, collects T steps
 * of its k envs with a {@link LocalRollout} (batched inference over its envs, per step, on this
 * node) and sends the T x k fragment back in one {@link ClusterProtocol.Fragment}. A Collect that
 * arrives while one runs waits for it (only the newest such waits). The envs are closed when the
 * actor stops, however the actor system ends.
 *
 * <p>It runs on a pinned dispatcher of its own: building envs and a network blocks.
 */
final class WorkerEndpoint extends AbstractBehavior<ToWorker> {

  static final String NAME = "ample-worker";

  /** What the worker's command line chose. */
  record Options(Integer envs, int runners, java.nio.file.Path romDir) {}

  /** How the worker ended, for {@link RolloutWorker}. */
  sealed interface Outcome {}

  /** The learner said stop (the run is over, or it refused this worker). */
  record Stopped(ClusterProtocol.Stop stop) implements Outcome {}

  /** This worker could not go on; one line naming the cause. */
  record Failed(String message) implements Outcome {}

  private record Collected(long version, RolloutBatch batch, Throwable error, long nanos)
      implements ToWorker {}

  private final Options options;
  private final RolloutWorker.Networks networks;
  private final Consumer<String> console;
  private final CompletableFuture<Void> joined;
  private final CompletableFuture<Outcome> outcome;
  private ClusterProtocol.Assign assignment;
  private RolloutEnvs envs;
  private int numEnvs;
  private Agent agent;
  private LocalRollout rollout;
  private boolean collecting;
  private ClusterProtocol.Collect next;
  private long fragments;

  /**
   * @param joined completed once a learner has assigned this worker
   * @param outcome completed when the worker ends its service
   */
  static Behavior<ToWorker> create(Options options, RolloutWorker.Networks networks,
      Consumer<String> console, CompletableFuture<Void> joined,
      CompletableFuture<Outcome> outcome) {
    return Behaviors.setup(
        ctx -> new WorkerEndpoint(ctx, options, networks, console, joined, outcome));
  }

  private WorkerEndpoint(ActorContext<ToWorker> ctx, Options options,
      RolloutWorker.Networks networks, Consumer<String> console, CompletableFuture<Void> joined,
      CompletableFuture<Outcome> outcome) {
    super(ctx);
    this.joined = joined;
    this.options = options;
    this.networks = networks;
    this.console = console;
    this.outcome = outcome;
  }

  @Override
  public Receive<ToWorker> createReceive() {
    return newReceiveBuilder()
        .onMessage(ClusterProtocol.Assign.class, this::onAssign)
        .onMessage(ClusterProtocol.Collect.class, this::onCollect)
        .onMessage(Collected.class, this::onCollected)
        .onMessage(ClusterProtocol.Stop.class, this::onStop)
        .onSignal(PostStop.class, signal -> closeAll())
        .build();
  }

  private Behavior<ToWorker> onAssign(ClusterProtocol.Assign a) {
    if (assignment != null) {
      return this; // a learner assigns each worker once
    }
    assignment = a;
    joined.complete(null);
    EnvConfig run = a.env();
    numEnvs = options.envs() != null ? options.envs() : run.numEnvs();
    long batch = (long) a.steps() * numEnvs;
    if (batch % a.minibatchSize() != 0) {
      return fail("ppo.rollout-steps x worker envs = " + a.steps() + " x " + numEnvs + " = "
          + batch + " is not a multiple of the learner's ppo.minibatch-size = "
          + a.minibatchSize() + "; start the worker with --envs K where " + a.steps()
          + " x K is a multiple of " + a.minibatchSize());
    }
    if (options.runners() > numEnvs) {
      return fail("--runners " + options.runners() + " is more than the worker's " + numEnvs
          + " envs; each runner steps one env at least");
    }
    EnvConfig mine = new EnvConfig(run.id(), run.backend(), numEnvs,
        options.romDir() != null ? options.romDir() : run.romDir(), run.atari(),
        run.allowUnverifiedRom());
    try {
      envs = RolloutEnvs.open(mine, options.runners());
    } catch (RuntimeException e) {
      return fail("cannot start the run's envs (" + run.id() + "): " + e.getMessage());
    }
    if (!envs.observationSpace().equals(a.space()) || envs.numActions() != a.numActions()) {
      return fail("this worker's " + run.id() + " envs give " + envs.observationSpace() + " with "
          + envs.numActions() + " actions, the learner's " + a.space() + " with "
          + a.numActions() + " (another ample version or ROM?)");
    }
    String address = getContext().getSystem().address().hostPort();
    address = address.substring(address.indexOf('@') + 1);
    console.accept("worker " + address + ": joined the learner at "
        + a.learner().path().address().hostPort().replaceFirst(".*@", "") + " as slot " + a.slot()
        + ", " + numEnvs + " envs of " + run.id() + " on " + options.runners() + " runner(s),"
        + " seeds " + a.seed() + ".." + (a.seed() + numEnvs - 1));
    a.learner().tell(new ClusterProtocol.Joined(a.slot(), numEnvs, address));
    return this;
  }

  private Behavior<ToWorker> onCollect(ClusterProtocol.Collect collect) {
    if (envs == null && rollout == null) {
      return this; // not assigned yet, or the assignment failed
    }
    if (collecting) {
      next = collect;
      return this;
    }
    start(collect);
    return this;
  }

  private void start(ClusterProtocol.Collect collect) {
    long t0 = System.nanoTime();
    try {
      if (rollout == null) {
        agent = Agent.create(() -> networks.architecture(assignment.network(),
            envs.observationSpace(), envs.numActions()), envs.observationSpace(),
            collect.policy(), Device.cpu());
        RolloutEnvs handed = envs;
        envs = null;
        rollout = LocalRollout.start(handed, agent, assignment.seed());
      }
      collecting = true;
      getContext().pipeToSelf(rollout.collectAsync(collect.steps(), collect.policy()),
          (batch, error) -> new Collected(collect.version(), batch, error,
              System.nanoTime() - t0));
    } catch (RuntimeException e) {
      fail("collecting failed: " + RolloutException.describe(e));
    }
  }

  private Behavior<ToWorker> onCollected(Collected c) {
    collecting = false;
    if (c.error() != null) {
      Throwable cause = c.error() instanceof java.util.concurrent.CompletionException
          && c.error().getCause() != null ? c.error().getCause() : c.error();
      return fail("collecting failed: " + RolloutException.describe(cause));
    }
    ActorRef<ToLearner> learner = assignment.learner();
    learner.tell(new ClusterProtocol.Fragment(assignment.slot(), c.version(), c.batch()));
    fragments++;
    double seconds = c.nanos() / 1e9;
    console.accept(String.format("worker slot %d: fragment %d, policy version %d, %d envs x %d"
            + " steps = %,d steps in %.2f s (%,.0f steps/s), %d episodes ended",
        assignment.slot(), fragments, c.version(), numEnvs, c.batch().trajectory().steps(),
        c.batch().agentSteps(), seconds, c.batch().agentSteps() / Math.max(seconds, 1e-9),
        c.batch().episodes().size()));
    if (next != null) {
      ClusterProtocol.Collect queued = next;
      next = null;
      start(queued);
    }
    return this;
  }

  private Behavior<ToWorker> onStop(ClusterProtocol.Stop stop) {
    outcome.complete(new Stopped(stop));
    return Behaviors.stopped();
  }

  private Behavior<ToWorker> fail(String message) {
    if (assignment != null) {
      assignment.learner().tell(new ClusterProtocol.WorkerFailed(assignment.slot(), message));
    }
    outcome.complete(new Failed(message));
    return Behaviors.stopped();
  }

  private Behavior<ToWorker> closeAll() {
    try {
      if (rollout != null) {
        rollout.close();
      } else if (envs != null) {
        envs.close();
      }
    } finally {
      if (agent != null) {
        agent.close();
      }
    }
    return this;
  }
}
