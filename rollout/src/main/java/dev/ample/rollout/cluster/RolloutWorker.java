// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import dev.ample.agents.PolicyValueNetwork;
import dev.ample.envs.ObservationSpace;
import dev.ample.rollout.cluster.ClusterProtocol.ToWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A rollout worker node ({@code ./ample worker}): joins the learner's cluster, registers its
 * endpoint with the receptionist, and serves the learner until the learner says stop. When the
 * learner goes away without saying so (killed, unreachable), the split-brain resolver downs this
 * node and its actor system ends; the worker then starts a fresh one and tries to join the same
 * address again for {@code learnerTimeout} (a learner resumed with {@code --resume} takes it
 * back), and exits when none answers. So no worker outlives its learner by more than the failure
 * detection plus that timeout.
 *
 * <pre>{@code
 * RolloutWorker.Settings s = new RolloutWorker.Settings(node, new WorkerEndpoint.Options(...));
 * RolloutWorker.run(s, networks, System.out::println); // returns when the learner says stop
 * }</pre>
 */
public final class RolloutWorker {

  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  private RolloutWorker() {}

  /** Builds the worker's inference network from the run's network config section (HOCON). */
  @FunctionalInterface
  public interface Networks {
    PolicyValueNetwork architecture(String networkConfig, ObservationSpace space, int numActions);
  }

  /**
   * A worker's settings.
   *
   * @param node this node ({@link ClusterNode#WORKER_ROLE}; its join timeout is how long it tries
   *     to reach the learner, at the start and after losing it)
   * @param envs envs on this worker, or null for the learner's {@code cluster.envs-per-worker}
   * @param runners EnvRunner actors the worker's envs are split over
   * @param romDir where this machine keeps ROMs, or null for the learner's {@code env.rom-dir}
   */
  public record Settings(ClusterNode node, Integer envs, int runners, Path romDir) {
    public Settings {
      if (!node.role().equals(ClusterNode.WORKER_ROLE)) {
        throw new IllegalArgumentException("a worker runs a worker node");
      }
      if ((envs != null && envs < 1) || runners < 1) {
        throw new IllegalArgumentException("--envs and --runners must be >= 1");
      }
    }
  }

  /**
   * Serves learners at {@code settings.node().learner()} until one says stop.
   *
   * @return 0 when the learner ended the run
   * @throws IllegalStateException with one line when no learner answered in time, the learner
   *     refused this worker, or the envs failed
   */
  public static int run(Settings settings, Networks networks, Consumer<String> console) {
    ClusterNode node = settings.node();
    boolean servedBefore = false;
    while (true) {
      CompletableFuture<WorkerEndpoint.Outcome> outcome = new CompletableFuture<>();
      CompletableFuture<Void> joined = new CompletableFuture<>();
      ActorSystem<Void> system = ActorSystem.create(
          guardian(settings, networks, console, joined, outcome),
          ClusterNode.SYSTEM_NAME, node.akkaConfig());
      system.getWhenTerminated().whenComplete((done, error) -> outcome.complete(null));
      WorkerEndpoint.Outcome end = outcome.join();
      boolean served = joined.isDone();
      terminate(system);
      if (end instanceof WorkerEndpoint.Stopped stopped) {
        if (stopped.stop().refused()) {
          throw new IllegalStateException("the learner refused this worker: "
              + stopped.stop().reason());
        }
        console.accept("worker: the learner ended the run (" + stopped.stop().reason()
            + "); exiting");
        return 0;
      }
      if (end instanceof WorkerEndpoint.Failed failed) {
        throw new IllegalStateException("worker stopped: " + failed.message());
      }
      if (!served) {
        throw new IllegalStateException(notServed(node, servedBefore));
      }
      servedBefore = true;
      console.accept("worker: lost the learner at " + node.learner() + "; trying to rejoin for "
          + node.joinTimeout().toSeconds() + " s (a resumed ./ample train takes it back)");
    }
  }

  /** Why no learner took this worker: its TLS material refused, or none there in time. */
  private static String notServed(ClusterNode node, boolean servedBefore) {
    Optional<String> refused = node.tls() == null ? Optional.empty()
        : node.tls().handshakeFailure(node.learner().host(), node.learner().port());
    if (refused.isPresent()) {
      return "the learner at " + node.learner() + " does not accept this worker's TLS material ("
          + refused.get() + "); give it the key store and password file that the learner's"
          + " cluster.tls names";
    }
    return (servedBefore ? "the learner at " + node.learner() + " did not come back within "
        : "no learner answered at " + node.learner() + " within ")
        + node.joinTimeout().toSeconds() + " s; start ./ample train with cluster.enabled = true"
        + " and cluster.bind = " + node.learner() + " there, or check --join"
        + (node.tls() == null ? " (a learner with cluster.tls takes only workers given its"
            + " files: --tls-key-store, --tls-password-file)" : "");
  }

  private static Behavior<Void> guardian(Settings settings, Networks networks,
      Consumer<String> console, CompletableFuture<Void> joined,
      CompletableFuture<WorkerEndpoint.Outcome> outcome) {
    return Behaviors.setup(ctx -> {
      ActorRef<ToWorker> endpoint = ctx.spawn(WorkerEndpoint.create(new WorkerEndpoint.Options(
              settings.envs(), settings.runners(), settings.romDir()), networks, console,
              joined, outcome), WorkerEndpoint.NAME,
          DispatcherSelector.fromConfig(ClusterNode.WORKER_DISPATCHER));
      ctx.getSystem().receptionist().tell(
          Receptionist.register(LearnerEndpoint.WORKERS, endpoint));
      return Behaviors.empty();
    });
  }

  /** Leaves the cluster (coordinated shutdown flushes what was sent) and waits for the end. */
  static void terminate(ActorSystem<?> system) {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture()
          .get(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // The JVM exits anyway; the actors' envs were closed in their PostStop.
    }
  }
}
