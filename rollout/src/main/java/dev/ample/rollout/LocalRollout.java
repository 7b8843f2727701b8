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
import dev.ample.envs.EnvConfig;
import dev.ample.envs.Envs;
import dev.ample.envs.ObservationSpace;
import dev.ample.envs.VectorEnv;
import dev.ample.envs.atari.ale.AleGames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
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
 *   RolloutBatch batch = rollout.collect(128);
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
 * <p>Not thread safe: one caller at a time (calls are serialised).
 */
public final class LocalRollout implements AutoCloseable {

  /** The dispatcher runners and the coordinator run on, defined in {@link #AKKA_CONFIG}. */
  static final String DISPATCHER = "ample-rollout-pinned";

  /** How long a reset or a collect may take before the rollout gives up on it. */
  static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(10);

  private static final String SIMPLE_LOGGER_AKKA = "org.slf4j.simpleLogger.log.akka";

  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  private static final String AKKA_CONFIG = String.join("\n",
      "akka {",
      "  loglevel = WARNING",
      "  stdout-loglevel = WARNING",
      "  loggers = [\"akka.event.slf4j.Slf4jLogger\"]",
      "  logging-filter = \"akka.event.slf4j.Slf4jLoggingFilter\"",
      "  log-dead-letters = off",
      "  log-dead-letters-during-shutdown = off",
      "  daemonic = on",
      "  coordinated-shutdown.exit-jvm = off",
      // close() owns the lifecycle; Akka's own JVM hook would race the trainer's Ctrl-C handling.
      "  coordinated-shutdown.run-by-jvm-shutdown-hook = off",
      "}",
      DISPATCHER + " {",
      "  type = PinnedDispatcher",
      "  executor = thread-pool-executor",
      // Keep each actor's thread across idle learner updates (stable threads for DJL and envs).
      "  thread-pool-executor.allow-core-timeout = off",
      "}");

  /** Creates runner r's vector env of {@code count} envs (a test seam; see the overload). */
  @FunctionalInterface
  interface RunnerEnvs {
    VectorEnv create(int runner, int count);
  }

  private final ActorSystem<SpawnProtocol.Command> system;
  private final ActorRef<RolloutCoordinator.Command> coordinator;
  private final List<VectorEnv> envs;
  private final ObservationSpace space;
  private final int numActions;
  private final int numEnvs;
  private String failure;
  private boolean closed;

  private LocalRollout(
      ActorSystem<SpawnProtocol.Command> system, ActorRef<RolloutCoordinator.Command> coordinator,
      List<VectorEnv> envs) {
    this.system = system;
    this.coordinator = coordinator;
    this.envs = envs;
    this.space = envs.get(0).observationSpace();
    this.numActions = envs.get(0).numActions();
    this.numEnvs = envs.stream().mapToInt(VectorEnv::numEnvs).sum();
  }

  /**
   * Starts an actor system with {@code runners} EnvRunners splitting env.numEnvs() envs as evenly as
   * possible (runner r's envs are created with Envs.create for its share; seeds: env i of the whole
   * vector gets seed + i). Resets all envs.
   *
   * <p>The envs are created on the calling thread, one runner after another; an error creating one
   * (an unknown id, a missing ROM, a missing Python package) closes those already made and is
   * thrown as it is. A failing reset throws a {@link RolloutException}.
   *
   * @param runners 1..env.numEnvs(); the first {@code numEnvs % runners} runners get one env more
   */
  public static LocalRollout start(EnvConfig env, int runners, Agent agent, long seed) {
    return start(env.numEnvs(), runners, (r, count) -> Envs.create(withNumEnvs(env, count)),
        frameSkip(env), agent, seed);
  }

  /**
   * As {@link #start(EnvConfig, int, Agent, long)} with envs from {@code envsOfRunner} (called as
   * {@code create(runner, count)} for runner 0, 1, ... in order; it must return a vector env of
   * exactly {@code count} envs). For tests: wrapping envs, e.g. in one that fails mid-rollout.
   */
  static LocalRollout start(
      int numEnvs, int runners, RunnerEnvs envsOfRunner, long frameSkip, Agent agent, long seed) {
    if (runners < 1 || runners > numEnvs) {
      throw new IllegalArgumentException(
          "rollout runners must be in 1.." + numEnvs + " (one env at least each), got " + runners);
    }
    if (agent == null) {
      throw new IllegalArgumentException("a rollout needs an agent");
    }
    List<VectorEnv> envs = new ArrayList<>();
    ActorSystem<SpawnProtocol.Command> system = null;
    try {
      for (int r = 0; r < runners; r++) {
        int count = numEnvs / runners + (r < numEnvs % runners ? 1 : 0);
        VectorEnv e = envsOfRunner.create(r, count);
        envs.add(e);
        if (e.numEnvs() != count) {
          throw new IllegalStateException(
              "runner " + r + " got a vector env of " + e.numEnvs() + " envs, expected " + count);
        }
        if (!e.observationSpace().equals(envs.get(0).observationSpace())
            || e.numActions() != envs.get(0).numActions()) {
          throw new IllegalStateException("runner " + r + "'s envs differ from runner 0's: "
              + e.observationSpace() + " with " + e.numActions() + " actions vs "
              + envs.get(0).observationSpace() + " with " + envs.get(0).numActions());
        }
      }
      system = ActorSystem.create(SpawnProtocol.create(), "ample-rollout", akkaConfig());
      ActorSystem<SpawnProtocol.Command> sys = system;
      ActorRef<RolloutCoordinator.Command> coordinator = await(sys,
          AskPattern.<SpawnProtocol.Command, ActorRef<RolloutCoordinator.Command>>ask(sys,
              replyTo -> new SpawnProtocol.Spawn<>(
                  RolloutCoordinator.create(List.copyOf(envs), DispatcherSelector.fromConfig(DISPATCHER),
                      agent, actionRandom(seed), frameSkip),
                  "coordinator", DispatcherSelector.fromConfig(DISPATCHER), replyTo),
              REQUEST_TIMEOUT, sys.scheduler()), "starting the coordinator");
      LocalRollout rollout = new LocalRollout(system, coordinator, List.copyOf(envs));
      rollout.request(replyTo -> new RolloutCoordinator.Start(seed, replyTo), "reset");
      return rollout;
    } catch (RuntimeException | Error e) {
      shutDown(system, envs, e);
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

  /**
   * Emulator frames per agent step for an env config, routed as {@link Envs#create} routes ids:
   * built-in ids ({@link Envs#BUILTIN_IDS}) 1; ids naming an ALE game (on the native or the
   * Gymnasium backend, which both go through the Java Atari preprocessing) {@code
   * env.atari().frameSkip()}; any other (Gymnasium) id 1.
   */
  public static int frameSkip(EnvConfig env) {
    if (Envs.BUILTIN_IDS.contains(env.id().toLowerCase(Locale.ROOT))) {
      return 1;
    }
    return AleGames.isSupported(AleGames.romName(env.id())) ? env.atari().frameSkip() : 1;
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

  /**
   * Blocks until T steps of all envs are collected (continuing from where the last batch ended: the
   * envs are NOT reset between batches). Fails with a RolloutException (RuntimeException) whose
   * one-line message names the runner/env and the cause when an env throws (e.g. a dead Python
   * worker), and the rollout is unusable afterwards.
   */
  public synchronized RolloutBatch collect(int steps) {
    if (closed) {
      throw new IllegalStateException("rollout is closed");
    }
    if (failure != null) {
      throw new RolloutException("rollout unusable after an earlier failure: " + failure);
    }
    if (steps < 1) {
      throw new IllegalArgumentException("collect needs steps >= 1, got " + steps);
    }
    RolloutCoordinator.Reply reply =
        request(replyTo -> new RolloutCoordinator.Collect(steps, replyTo), "collect");
    return ((RolloutCoordinator.Collected) reply).batch();
  }

  private RolloutCoordinator.Reply request(
      akka.japi.function.Function<ActorRef<RolloutCoordinator.Reply>, RolloutCoordinator.Command> message,
      String what) {
    RolloutCoordinator.Reply reply;
    try {
      reply = await(system,
          AskPattern.ask(coordinator, message, REQUEST_TIMEOUT, system.scheduler()), what);
    } catch (RolloutException e) {
      failure = e.getMessage();
      throw e;
    }
    if (reply instanceof RolloutCoordinator.Failed f) {
      failure = f.message();
      throw new RolloutException(f.message(), f.cause());
    }
    return reply;
  }

  /** The ask's answer, or a RolloutException when it times out or the system stops first. */
  private static <T> T await(
      ActorSystem<?> system, java.util.concurrent.CompletionStage<T> ask, String what) {
    CompletableFuture<T> answer = ask.toCompletableFuture();
    CompletableFuture<akka.Done> stopped = system.getWhenTerminated().toCompletableFuture();
    try {
      CompletableFuture.anyOf(answer, stopped).get();
      if (!answer.isDone()) {
        throw new RolloutException(what + " interrupted: the rollout was closed");
      }
      return answer.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof TimeoutException || cause instanceof akka.pattern.AskTimeoutException) {
        throw new RolloutException(
            what + " got no answer in " + REQUEST_TIMEOUT.toMinutes() + " min (a hung env?)", cause);
      }
      throw new RolloutException(what + " failed: " + RolloutException.describe(cause), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RolloutException(what + " interrupted", e);
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
    RuntimeException problem = null;
    if (system != null) {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture()
            .get(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // Close the envs anyway: a leaked Python worker is worse than closing a busy env.
        problem = new RolloutException(
            "actor system did not stop in " + SHUTDOWN_TIMEOUT.toSeconds() + " s", e);
      }
    }
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
    // Akka's Slf4jLogger announces itself at INFO whatever akka.loglevel says; under slf4j-simple
    // (the cli's binding) keep the akka.* loggers at WARN unless the user chose a level.
    if (System.getProperty(SIMPLE_LOGGER_AKKA) == null) {
      System.setProperty(SIMPLE_LOGGER_AKKA, "warn");
    }
    // Only this in-code config over Akka's reference.conf: an application.conf elsewhere on the
    // class path cannot change the rollout's dispatchers or logging.
    return ConfigFactory.parseString(AKKA_CONFIG)
        .withFallback(ConfigFactory.defaultReference(LocalRollout.class.getClassLoader()));
  }

  private static EnvConfig withNumEnvs(EnvConfig c, int n) {
    return new EnvConfig(c.id(), c.backend(), n, c.romDir(), c.atari(), c.allowUnverifiedRom());
  }
}
