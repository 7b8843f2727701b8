// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.SpawnProtocol;
import akka.actor.typed.javadsl.AskPattern;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.ample.agents.Agent;
import dev.ample.agents.PolicySnapshot;
import dev.ample.envs.EnvConfig;
import dev.ample.envs.ObservationSpace;
import dev.ample.envs.VectorEnv;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Single-node rollout on Akka Typed: {@link EnvRunner} actors each own a {@link VectorEnv} of k
 * envs and step it on their own dispatcher; a {@link RolloutCoordinator} gathers all runners'
 * observations, runs ONE batched {@link Agent#act} over all N envs, sends actions back, and fills
 * the T x N buffer.
 *
 * <pre>{@code
 * try (LocalRollout rollout = LocalRollout.start(EnvConfig.of("catch", 8), 2, agent, 1)) {
 *   RolloutBatch batch = rollout.collect(128, learner.snapshot());
 * }
 * }</pre>
 *
 * <p>Reproducibility: env i of the whole vector is reset with seed {@code seed + i} and actions are
 * sampled with {@link #actionRandom(long) actionRandom(seed)}, one draw per env per step in env
 * order, so a batch is bit-identical to stepping one {@link VectorEnv} of N envs in a plain loop
 * with the same agent, whatever the number of runners.
 *
 * <p>Threads: the actor system is built from config made in code (nothing is read from an {@code
 * application.conf}); runners and the coordinator run on a pinned dispatcher (one thread each),
 * because env steps and inference block; Akka logs through slf4j at WARNING and above. The system's
 * threads are daemons, so a rollout that is never closed cannot keep the JVM alive, but {@link
 * #close} is what closes the envs (Python workers, native emulators).
 *
 * <p>One request at a time: a collect asked for while another runs fails with "a rollout request
 * is already running". {@link #collectAsync} returns at once, so the caller can update a learner
 * while the envs step (overlapped collection); the agent acts with the snapshot the collect
 * carries, on a network of its own.
 */
public final class LocalRollout implements AutoCloseable {

  /** The dispatcher runners and the coordinator run on, defined in {@link #akkaConfig()}. */
  static final String DISPATCHER = "ample-rollout-pinned";

  /** How long a reset or a collect may take before the rollout gives up on it. */
  static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(10);

  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  private final ActorSystem<SpawnProtocol.Command> system;
  private final ActorRef<RolloutCoordinator.Command> coordinator;
  private final List<VectorEnv> envs;
  private final ObservationSpace space;
  private final int numActions;
  private final int numEnvs;
  private final int framesPerStep;
  /**
   * Requests not yet answered, each with what it asked for; the system's end fails them. One
   * termination callback serves them all: a callback per request would keep every answer (a
   * whole batch) reachable until the system ends.
   */
  private final Map<CompletableFuture<RolloutCoordinator.Reply>, String> unanswered =
      new ConcurrentHashMap<>();
  private volatile String failure;
  private volatile boolean closed;

  private LocalRollout(
      ActorSystem<SpawnProtocol.Command> system, ActorRef<RolloutCoordinator.Command> coordinator,
      List<VectorEnv> envs) {
    this.system = system;
    this.coordinator = coordinator;
    this.envs = envs;
    this.space = envs.get(0).observationSpace();
    this.numActions = envs.get(0).numActions();
    this.numEnvs = envs.stream().mapToInt(VectorEnv::numEnvs).sum();
    this.framesPerStep = envs.get(0).framesPerStep();
    system.getWhenTerminated().whenComplete((done, error) -> failUnanswered());
  }

  private void failUnanswered() {
    unanswered.forEach((answer, what) -> answer.completeExceptionally(
        failed(new RolloutException(what + " interrupted: the rollout was closed"))));
  }

  /**
   * {@link #start(RolloutEnvs, Agent, long)} over {@link RolloutEnvs#open(EnvConfig, int)
   * RolloutEnvs.open(env, runners)}: for callers that build the agent without asking the envs.
   */
  public static LocalRollout start(EnvConfig env, int runners, Agent agent, long seed) {
    if (agent == null) {
      throw new IllegalArgumentException("a rollout needs an agent");
    }
    return start(RolloutEnvs.open(env, runners), agent, seed);
  }

  /**
   * Starts an actor system with one EnvRunner per vector env of {@code envs} (which it takes over:
   * closing the rollout closes them) and resets all envs, env i of the whole vector with seed
   * {@code seed + i}. A failing reset throws a {@link RolloutException}; on any failure the envs
   * are closed.
   */
  public static LocalRollout start(RolloutEnvs envs, Agent agent, long seed) {
    return start(envs, agent, seed, false);
  }

  /**
   * {@link #start(RolloutEnvs, Agent, long)}, with {@code doubleBuffered} the runners in two
   * groups whose env steps and inference overlap (see {@link RolloutCoordinator}; needs at least
   * two runners).
   */
  public static LocalRollout start(RolloutEnvs envs, Agent agent, long seed,
      boolean doubleBuffered) {
    List<VectorEnv> owned = envs.handOver();
    ActorSystem<SpawnProtocol.Command> system = null;
    try {
      if (agent == null) {
        throw new IllegalArgumentException("a rollout needs an agent");
      }
      system = ActorSystem.create(SpawnProtocol.create(), "ample-rollout", akkaConfig());
      ActorSystem<SpawnProtocol.Command> sys = system;
      ActorRef<RolloutCoordinator.Command> coordinator = await(
          AskPattern.<SpawnProtocol.Command, ActorRef<RolloutCoordinator.Command>>ask(sys,
              replyTo -> new SpawnProtocol.Spawn<>(
                  RolloutCoordinator.create(owned, DispatcherSelector.fromConfig(DISPATCHER),
                      agent, actionRandom(seed), envs.framesPerStep(), doubleBuffered),
                  "coordinator", DispatcherSelector.fromConfig(DISPATCHER), replyTo),
              REQUEST_TIMEOUT, sys.scheduler()).toCompletableFuture());
      LocalRollout rollout = new LocalRollout(system, coordinator, owned);
      await(rollout.request(replyTo -> new RolloutCoordinator.Start(seed, replyTo), "reset"));
      return rollout;
    } catch (RuntimeException | Error e) {
      shutDown(system, owned, e);
      throw e;
    }
  }

  /**
   * The random source actions are sampled with for a rollout seeded {@code seed}: a split of
   * {@code new SplittableRandom(seed)}, so it does not repeat the stream that built-in env 0 (seeded
   * {@code seed}) draws from.
   */
  public static SplittableRandom actionRandom(long seed) {
    return new SplittableRandom(seed).split();
  }

  public ObservationSpace observationSpace() {
    return space;
  }

  public int numActions() {
    return numActions;
  }

  public int numEnvs() {
    return numEnvs;
  }

  /** Emulator frames per agent step of the envs ({@link VectorEnv#framesPerStep()}). */
  public int framesPerStep() {
    return framesPerStep;
  }

  /**
   * Blocks until T steps of all envs are collected with {@code policy} ({@link #collectAsync}).
   * Fails with a RolloutException (RuntimeException) whose one-line message names the runner/env
   * and the cause when an env throws (e.g. a dead Python worker), and the rollout is unusable
   * afterwards.
   */
  public RolloutBatch collect(int steps, PolicySnapshot policy) {
    return await(collectAsync(steps, policy));
  }

  /**
   * Starts collecting T steps of all envs, acting with {@code policy} (continuing from where the
   * last batch ended: the envs are NOT reset between batches), and returns at once. The answer
   * completes with the batch, or exceptionally with a {@link RolloutException} as {@link #collect}
   * throws it; closing the rollout meanwhile completes it with "collect interrupted: the rollout
   * was closed" (the partial batch is dropped).
   */
  public CompletableFuture<RolloutBatch> collectAsync(int steps, PolicySnapshot policy) {
    if (closed) {
      throw new IllegalStateException("rollout is closed");
    }
    if (failure != null) {
      throw new RolloutException("rollout unusable after an earlier failure: " + failure);
    }
    if (steps < 1) {
      throw new IllegalArgumentException("collect needs steps >= 1, got " + steps);
    }
    if (policy == null) {
      throw new IllegalArgumentException("collect needs a policy snapshot to act with");
    }
    return request(replyTo -> new RolloutCoordinator.Collect(steps, policy, replyTo), "collect")
        .thenApply(reply -> ((RolloutCoordinator.Collected) reply).batch());
  }

  /**
   * Asks the coordinator; the answer completes exceptionally with a RolloutException on a {@link
   * RolloutCoordinator.Failed} reply, a timeout, or the system stopping first (each leaves the
   * rollout unusable).
   */
  private CompletableFuture<RolloutCoordinator.Reply> request(
      akka.japi.function.Function<ActorRef<RolloutCoordinator.Reply>, RolloutCoordinator.Command> message,
      String what) {
    CompletableFuture<RolloutCoordinator.Reply> answer = new CompletableFuture<>();
    unanswered.put(answer, what);
    answer.whenComplete((reply, error) -> unanswered.remove(answer));
    AskPattern.ask(coordinator, message, REQUEST_TIMEOUT, system.scheduler())
        .whenComplete((reply, error) -> {
          if (error != null) {
            answer.completeExceptionally(failed(asRolloutException(what, error)));
          } else if (reply instanceof RolloutCoordinator.Failed f) {
            answer.completeExceptionally(failed(new RolloutException(f.message(), f.cause())));
          } else {
            answer.complete(reply);
          }
        });
    if (system.getWhenTerminated().toCompletableFuture().isDone()) {
      failUnanswered(); // the system ended before this request was registered
    }
    return answer;
  }

  private RolloutException failed(RolloutException e) {
    failure = e.getMessage();
    return e;
  }

  private static RolloutException asRolloutException(String what, Throwable cause) {
    if (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof TimeoutException || cause instanceof akka.pattern.AskTimeoutException) {
      return new RolloutException(
          what + " got no answer in " + REQUEST_TIMEOUT.toMinutes() + " min (a hung env?)", cause);
    }
    return new RolloutException(what + " failed: " + RolloutException.describe(cause), cause);
  }

  /** The answer, or its RolloutException thrown on this thread. */
  private static <T> T await(CompletableFuture<T> answer) {
    try {
      return answer.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RolloutException r) {
        throw r;
      }
      throw asRolloutException("request", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RolloutException("interrupted while waiting for the rollout", e);
    }
  }

  /** Stops the actors and closes every env (idempotent; also safe after a failure). */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      shutDown(system, envs, null);
    }
  }

  /**
   * Terminates the actor system, waits for it (so no actor is inside an env call), then closes
   * every env; failures while closing are added to {@code primary} or thrown after all are closed.
   */
  private static void shutDown(
      ActorSystem<?> system, List<VectorEnv> envs, Throwable primary) {
    RuntimeException stopping = null;
    if (system != null) {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture()
            .get(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // Close the envs anyway: a leaked Python worker is worse than closing a busy env.
        stopping = new RolloutException(
            "actor system did not stop in " + SHUTDOWN_TIMEOUT.toSeconds() + " s", e);
      }
    }
    closeAll(envs, primary != null ? primary : stopping);
    if (stopping != null) {
      if (primary != null) {
        primary.addSuppressed(stopping);
      } else {
        throw stopping;
      }
    }
  }

  /**
   * Closes every env; failures are added to {@code primary}, or (without one) the first is thrown
   * after all are closed.
   */
  static void closeAll(List<VectorEnv> envs, Throwable primary) {
    RuntimeException problem = null;
    for (VectorEnv e : envs) {
      try {
        e.close();
      } catch (RuntimeException ex) {
        if (problem == null) {
          problem = new RolloutException("closing an env failed: " + RolloutException.describe(ex), ex);
        } else {
          problem.addSuppressed(ex);
        }
      }
    }
    if (problem != null) {
      if (primary != null) {
        primary.addSuppressed(problem);
      } else {
        throw problem;
      }
    }
  }

  /** The actor system's terminated signal (tests check that close() leaves no threads behind). */
  java.util.concurrent.CompletionStage<akka.Done> whenTerminated() {
    return system.getWhenTerminated();
  }

  private static Config akkaConfig() {
    // Only this in-code config over Akka's reference.conf: an application.conf elsewhere on the
    // class path cannot change the rollout's dispatchers or logging.
    return ConfigFactory.parseString(AkkaBase.config() + "\n"
            + AkkaBase.pinnedDispatcher(DISPATCHER))
        .withFallback(ConfigFactory.defaultReference(LocalRollout.class.getClassLoader()));
  }

}
