// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ample.envs.EnvConfig;
import dev.ample.envs.EpisodeEnd;
import dev.ample.envs.builtin.BuiltinVectorEnv;
import dev.ample.envs.builtin.CartPole;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Failures, shutdown, episodes and frame counting. */
class LocalRolloutLifecycleTest {

  /** Threads the rollout's actor system is running (Akka names them after the system). */
  private static List<String> rolloutThreads() {
    List<String> names = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().startsWith("ample-rollout")) {
        names.add(t.getName());
      }
    }
    return names;
  }

  private static void assertNoRolloutThreadsWithin(long millis) throws InterruptedException {
    long end = System.currentTimeMillis() + millis;
    while (!rolloutThreads().isEmpty() && System.currentTimeMillis() < end) {
      Thread.sleep(20);
    }
    assertEquals(List.of(), rolloutThreads());
  }

  @Test
  void anEnvThatThrowsFailsTheCollectNamingTheRunnerAndCause() throws Exception {
    List<FailingVectorEnv> made = new ArrayList<>();
    try (TestAgents a = new TestAgents(new int[] {4}, false, 2)) {
      LocalRollout rollout = LocalRollout.start(RolloutEnvs.open(8, 2, (r, count) -> {
        // Runner 1 dies on its 20th step: inside the second collect of 16 steps.
        FailingVectorEnv e = new FailingVectorEnv(
            new BuiltinVectorEnv(count, CartPole::new), r == 1 ? 20 : Integer.MAX_VALUE);
        made.add(e);
        return e;
      }), a.agent, 3);
      assertFalse(rolloutThreads().isEmpty());
      rollout.collect(16, a.snapshot);
      RolloutException e = assertThrows(RolloutException.class, () -> rollout.collect(16, a.snapshot));
      assertEquals(
          "runner 1 (envs 4-7) failed: IllegalStateException: gymnasium worker died (exit code 137)",
          e.getMessage());
      assertTrue(e.getCause() instanceof IllegalStateException);
      RolloutException again = assertThrows(RolloutException.class, () -> rollout.collect(16, a.snapshot));
      assertTrue(again.getMessage().startsWith("rollout unusable after an earlier failure: runner 1"),
          again.getMessage());

      rollout.close();
      rollout.close();
      rollout.whenTerminated().toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertTrue(made.stream().allMatch(env -> env.closed), "every env closed");
      assertNoRolloutThreadsWithin(5_000);
      assertThrows(IllegalStateException.class, () -> rollout.collect(1, a.snapshot));
    }
  }

  @Test
  void aFailingEnvFactoryClosesTheEnvsAlreadyMadeAndThrowsItsError() throws Exception {
    List<FailingVectorEnv> made = new ArrayList<>();
    IllegalArgumentException boom = new IllegalArgumentException("no ROM for pong; set env.rom-dir");
    try (TestAgents a = new TestAgents(new int[] {4}, false, 2)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> LocalRollout.start(RolloutEnvs.open(6, 3, (r, count) -> {
            if (r == 2) {
              throw boom;
            }
            FailingVectorEnv env =
                new FailingVectorEnv(new BuiltinVectorEnv(count, CartPole::new), Integer.MAX_VALUE);
            made.add(env);
            return env;
          }), a.agent, 3));
      assertSame(boom, e);
      assertEquals(2, made.size());
      assertTrue(made.stream().allMatch(env -> env.closed));
      assertNoRolloutThreadsWithin(5_000);
    }
  }

  @Test
  void aFailingResetIsARolloutExceptionAndClosesEverything() throws Exception {
    List<FailingVectorEnv> made = new ArrayList<>();
    try (TestAgents a = new TestAgents(new int[] {4}, false, 2)) {
      RolloutException e = assertThrows(RolloutException.class,
          () -> LocalRollout.start(RolloutEnvs.open(4, 2, (r, count) -> {
            FailingVectorEnv env =
                new FailingVectorEnv(new BuiltinVectorEnv(count, CartPole::new), Integer.MAX_VALUE);
            env.failReset = r == 1;
            made.add(env);
            return env;
          }), a.agent, 3));
      assertEquals(
          "runner 1 (envs 2-3) failed: IllegalStateException: gymnasium worker did not start",
          e.getMessage());
      assertTrue(made.stream().allMatch(env -> env.closed));
    }
    assertNoRolloutThreadsWithin(5_000);
  }

  @Test
  void cartpoleEpisodesReportRawReturnsEqualToTheirLengths() {
    try (TestAgents a = new TestAgents(new int[] {4}, false, 2);
        LocalRollout rollout = LocalRollout.start(EnvConfig.of("cartpole", 4), 2, a.agent, 9)) {
      List<EpisodeEnd> episodes = new ArrayList<>();
      long agentSteps = 0;
      for (int c = 0; c < 3; c++) {
        RolloutBatch b = rollout.collect(32, a.snapshot);
        episodes.addAll(b.episodes());
        assertEquals(32 * 4, b.agentSteps());
        assertEquals(b.agentSteps(), b.frames());
        agentSteps += b.agentSteps();
        int ended = 0;
        for (int k = 0; k < b.trajectory().size(); k++) {
          ended += b.trajectory().terminated()[k] || b.trajectory().truncated()[k] ? 1 : 0;
        }
        assertEquals(ended, b.episodes().size());
      }
      assertTrue(episodes.size() >= 5, "episodes: " + episodes.size());
      long lengths = 0;
      for (EpisodeEnd e : episodes) {
        assertEquals(e.length(), e.rawReturn(), 0.0, e.toString());
        assertEquals(e.length(), e.frames());
        lengths += e.length();
      }
      assertTrue(lengths <= agentSteps + 4L * 500);
    }
  }

  @Test
  void catchEpisodesAreWonOrLostGamesOfNineSteps() {
    try (TestAgents a = new TestAgents(new int[] {1, 10, 5}, true, 3);
        LocalRollout rollout = LocalRollout.start(EnvConfig.of("catch", 3), 3, a.agent, 2)) {
      RolloutBatch b = rollout.collect(27, a.snapshot);
      assertEquals(9, b.episodes().size());
      for (EpisodeEnd e : b.episodes()) {
        assertEquals(9, e.length());
        assertEquals(1.0, Math.abs(e.rawReturn()), 0.0);
      }
    }
  }

  @Test
  void framesCountTheEnvsFramesPerStep() {
    try (TestAgents a = new TestAgents(new int[] {4}, false, 2);
        LocalRollout rollout = LocalRollout.start(RolloutEnvs.open(4, 2,
            (r, count) -> new FailingVectorEnv(new BuiltinVectorEnv(count, CartPole::new),
                Integer.MAX_VALUE).withFramesPerStep(3)), a.agent, 1)) {
      assertEquals(3, rollout.framesPerStep());
      RolloutBatch b = rollout.collect(5, a.snapshot);
      assertEquals(20, b.agentSteps());
      assertEquals(60, b.frames());
    }
    assertThrows(IllegalArgumentException.class,
        () -> LocalRollout.start(EnvConfig.of("catch", 2), 3, null, 0));
  }

  /**
   * A batch handed out is the caller's alone: once dropped, the rollout holds nothing that keeps it
   * reachable. (Each request's termination callback once kept its answer: a whole batch per
   * iteration, 29 MB on Pong, until the run ran out of memory.)
   */
  @Test
  void theRolloutKeepsNoBatchItHandedOut() throws Exception {
    List<WeakReference<RolloutBatch>> handedOut = new ArrayList<>();
    try (TestAgents a = new TestAgents(new int[] {4}, false, 2);
        LocalRollout rollout = LocalRollout.start(EnvConfig.of("cartpole", 4), 2, a.agent, 1)) {
      for (int k = 0; k < 5; k++) {
        handedOut.add(new WeakReference<>(rollout.collect(8, a.snapshot)));
      }
      handedOut.add(new WeakReference<>(rollout.collectAsync(8, a.snapshot).get()));
      long end = System.currentTimeMillis() + 10_000;
      while (handedOut.stream().anyMatch(r -> r.get() != null)
          && System.currentTimeMillis() < end) {
        System.gc();
        Thread.sleep(20);
      }
      assertEquals(0, handedOut.stream().filter(r -> r.get() != null).count(),
          "batches still reachable after the caller dropped them");
    }
  }

  @Test
  void closingDuringACollectFailsItsAnswer() throws Exception {
    try (TestAgents a = new TestAgents(new int[] {4}, false, 2)) {
      LocalRollout rollout = LocalRollout.start(EnvConfig.of("cartpole", 4), 2, a.agent, 1);
      CompletableFuture<RolloutBatch> running = rollout.collectAsync(200_000, a.snapshot);
      rollout.close();
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> running.get(10, TimeUnit.SECONDS));
      assertEquals("collect interrupted: the rollout was closed", e.getCause().getMessage());
    }
  }
}
