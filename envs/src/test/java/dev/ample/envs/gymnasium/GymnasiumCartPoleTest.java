// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.gymnasium;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ample.envs.ObservationSpace;
import dev.ample.envs.StepResult;
import dev.ample.envs.gymnasium.GymnasiumSettings.FailurePolicy;
import dev.ample.envs.gymnasium.GymnasiumWorkerException.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CartPole-v1 through the real bridge, checked against plain Gymnasium in Python. Needs {@code
 * py4j} and {@code gymnasium}; skipped with the reason printed otherwise (see {@link TestPython}).
 */
class GymnasiumCartPoleTest {

  private static final int N = 3;
  private static final int STEPS = 150;
  private static final long SEED = 42;

  @TempDir Path dir;

  @BeforeEach
  void needPackages() {
    var missing = TestPython.missing(false);
    assumeTrue(missing.isEmpty(), () -> "py4j/gymnasium not importable: " + missing.orElse(""));
  }

  @AfterEach
  void clearHooks() {
    GymnasiumWorker.EXTRA_ENV.clear();
  }

  /** The action of env i at step t: a fixed pseudo-random sequence both sides compute. */
  private static int action(int t, int i) {
    return ((t * 7 + i * 3) * 2654435761L >>> 13 & 1) == 1 ? 1 : 0;
  }

  /**
   * Per step, per env, in plain Gymnasium: the observation after autoreset as float32 bit
   * patterns, the reward, terminated, truncated, and the final observation when the episode ended.
   */
  private List<String> reference() throws Exception {
    Path script = dir.resolve("reference.py");
    Files.writeString(
        script,
        String.join(
            "\n",
            "import gymnasium as gym, numpy as np",
            "N, STEPS, SEED = " + N + ", " + STEPS + ", " + SEED,
            "def action(t, i): return 1 if (((t * 7 + i * 3) * 2654435761) >> 13) & 1 else 0",
            "def bits(o): return ','.join(str(b) for b in np.asarray(o, dtype=np.float32).view(np.int32))",
            "envs = [gym.make('CartPole-v1') for _ in range(N)]",
            "for i, e in enumerate(envs):",
            "    o, _ = e.reset(seed=SEED + i)",
            "    print('reset', i, bits(o))",
            "for t in range(STEPS):",
            "    for i, e in enumerate(envs):",
            "        o, r, term, trunc, _ = e.step(action(t, i))",
            "        final = bits(o) if term or trunc else '-'",
            "        if term or trunc:",
            "            o, _ = e.reset()",
            "        print('step', t, i, bits(o), r, int(term), int(trunc), final)",
            ""));
    ProcessBuilder pb =
        new ProcessBuilder(TestPython.settings().python(), script.toString()).redirectErrorStream(true);
    String extra = System.getenv("AMPLE_TEST_PYTHONPATH");
    if (extra != null) {
      pb.environment().put("PYTHONPATH", extra);
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out.lines().toList();
  }

  private static String bits(float[] all, int i, int size) {
    List<String> s = new ArrayList<>();
    for (int k = 0; k < size; k++) {
      s.add(Integer.toString(Float.floatToRawIntBits(all[i * size + k])));
    }
    return String.join(",", s);
  }

  private List<String> bridge(GymnasiumVectorEnv env) {
    List<String> lines = new ArrayList<>();
    StepResult r = env.reset(SEED);
    for (int i = 0; i < N; i++) {
      lines.add("reset " + i + " " + bits(r.observations().floats(), i, 4));
    }
    for (int t = 0; t < STEPS; t++) {
      int[] actions = new int[N];
      for (int i = 0; i < N; i++) {
        actions[i] = action(t, i);
      }
      r = env.step(actions);
      for (int i = 0; i < N; i++) {
        String fin = r.done(i) ? bits(r.finalObservations().floats(), i, 4) : "-";
        lines.add(
            "step " + t + " " + i + " " + bits(r.observations().floats(), i, 4) + " "
                + (double) r.rewards()[i] + " " + (r.terminated()[i] ? 1 : 0) + " "
                + (r.truncated()[i] ? 1 : 0) + " " + fin);
      }
    }
    return lines;
  }

  @Test
  void matchesPlainGymnasiumStepForStepIncludingAutoreset() throws Exception {
    List<String> expected = reference();
    try (GymnasiumVectorEnv env = GymnasiumVectorEnv.create(TestPython.settings(), "CartPole-v1", N)) {
      assertEquals(new ObservationSpace(new int[] {4}, ObservationSpace.Dtype.FLOAT32), env.observationSpace());
      assertEquals(2, env.numActions());
      List<String> actual = bridge(env);
      assertEquals(expected.size(), actual.size());
      for (int k = 0; k < expected.size(); k++) {
        assertEquals(expected.get(k), actual.get(k), "line " + k);
      }
      assertTrue(expected.stream().anyMatch(l -> l.startsWith("step") && !l.endsWith(" -")),
          "some episode ended, so autoreset was exercised");
    }
  }

  @Test
  void sameSeedSameEpisodesAndEpisodeEndsAreReported() {
    try (GymnasiumVectorEnv env = GymnasiumVectorEnv.create(TestPython.settings(), "CartPole-v1", N)) {
      List<String> first = bridge(env);
      List<String> second = bridge(env);
      assertEquals(first, second);
      StepResult r = env.reset(SEED + 100);
      assertNull(r.finalObservations());
      int[] length = new int[N];
      int ended = 0;
      for (int t = 0; t < STEPS; t++) {
        r = env.step(new int[] {0, 0, 0});
        for (int i = 0; i < N; i++) {
          length[i]++;
          if (r.done(i)) {
            assertNotNull(r.episodeEnds()[i]);
            assertEquals(length[i], r.episodeEnds()[i].length());
            assertEquals(length[i], r.episodeEnds()[i].rawReturn(), 1e-9);
            length[i] = 0;
            ended++;
          } else {
            assertNull(r.episodeEnds()[i]);
          }
        }
      }
      assertTrue(ended > N, "always-left CartPole ends within ~10 steps");
    }
  }

  @Test
  void negativeSeedsAreValidSeeds() {
    // Gymnasium takes only seeds >= 0; a Java long seed s < 0 reaches it as s + 2^64, so
    // reset(-2) seeds env 2 with 0, exactly as reset(0) seeds env 0.
    try (GymnasiumVectorEnv env = GymnasiumVectorEnv.create(TestPython.settings(), "CartPole-v1", N)) {
      float[] negative = env.reset(-2).observations().floats();
      float[] zero = env.reset(0).observations().floats();
      assertEquals(bits(zero, 0, 4), bits(negative, 2, 4));
      assertNotEquals(bits(negative, 0, 4), bits(negative, 1, 4));
    }
  }

  @Test
  void makeKwargsReachGymnasium() {
    try (GymnasiumVectorEnv env =
        GymnasiumVectorEnv.create(
            TestPython.settings(), "CartPole-v1", 1, Map.of("max_episode_steps", 3))) {
      env.reset(0);
      env.step(new int[] {0});
      env.step(new int[] {1});
      StepResult r = env.step(new int[] {0});
      assertTrue(r.truncated()[0]);
      assertFalse(r.terminated()[0]);
    }
  }

  @Test
  void unknownEnvIdIsABadEnvWithTheFix() {
    GymnasiumWorkerException e =
        assertThrows(
            GymnasiumWorkerException.class,
            () -> GymnasiumVectorEnv.create(TestPython.settings(), "NoSuchEnv-v0", 1));
    assertEquals(Kind.BAD_ENV, e.kind());
    assertTrue(e.getMessage().contains("'NoSuchEnv-v0'"), e.getMessage());
    System.err.println("[gymnasium tests] unknown env -> " + e.getMessage());
  }

  @Test
  void hungWorkerFailsUnderFail() {
    GymnasiumWorker.EXTRA_ENV.put("AMPLE_WORKER_FAULT", "hang_at_call=3");
    GymnasiumSettings s =
        TestPython.settings()
            .withStepTimeout(java.time.Duration.ofSeconds(1))
            .withOnFailure(FailurePolicy.FAIL);
    try (GymnasiumVectorEnv env = GymnasiumVectorEnv.create(s, "CartPole-v1", 2)) {
      long pid = env.workerPid();
      env.reset(0); // call 1
      env.step(new int[] {0, 1}); // call 2
      GymnasiumWorkerException e =
          assertThrows(GymnasiumWorkerException.class, () -> env.step(new int[] {0, 1}));
      assertEquals(Kind.STEP_TIMEOUT, e.kind());
      assertTrue(e.getMessage().contains("did not answer step within 1s"), e.getMessage());
      assertTrue(e.getMessage().contains("fault injection: hanging"), e.getMessage());
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }
  }

  @Test
  void hungWorkerIsRestartedAndTheEpisodesTruncatedUnderRestart() {
    GymnasiumWorker.EXTRA_ENV.put("AMPLE_WORKER_FAULT", "hang_at_call=4");
    GymnasiumSettings s =
        TestPython.settings()
            .withStepTimeout(java.time.Duration.ofSeconds(1))
            .withOnFailure(FailurePolicy.RESTART);
    try (GymnasiumVectorEnv env = GymnasiumVectorEnv.create(s, "CartPole-v1", 2)) {
      long pid = env.workerPid();
      StepResult start = env.reset(7); // call 1
      env.step(new int[] {0, 1});
      StepResult before = env.step(new int[] {0, 1});
      StepResult cut = env.step(new int[] {0, 1}); // call 4 hangs
      assertEquals(1, env.restarts());
      assertNotEquals(pid, env.workerPid());
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
      assertArrayEquals(new boolean[] {true, true}, cut.truncated());
      assertArrayEquals(new boolean[] {false, false}, cut.terminated());
      assertArrayEquals(before.observations().floats(), cut.finalObservations().floats());
      assertArrayEquals(start.observations().floats(), cut.observations().floats());
      assertEquals(2, cut.episodeEnds()[0].length());
      StepResult next = env.step(new int[] {1, 0});
      assertEquals(2, next.observations().numEnvs());
    }
  }

  @Test
  void aWorkerWhosePy4JServerListensLateIsReadyOnlyOnceItListens() {
    // Py4J's server thread listens a second after the port is bound, as on a loaded machine: a
    // worker that announced its port at bind time had its first call refused.
    GymnasiumWorker.EXTRA_ENV.put("AMPLE_WORKER_FAULT", "delay_listen=1000");
    GymnasiumSettings s = TestPython.settings().withOnFailure(FailurePolicy.FAIL);
    try (GymnasiumVectorEnv env = GymnasiumVectorEnv.create(s, "CartPole-v1", 1)) {
      assertEquals(1, env.reset(0).observations().numEnvs());
    }
  }

  @Test
  void deadWorkerIsReportedWithItsExitCodeAndStderr() {
    GymnasiumWorker.EXTRA_ENV.put("AMPLE_WORKER_FAULT", "exit_at_call=2");
    GymnasiumSettings s = TestPython.settings().withOnFailure(FailurePolicy.FAIL);
    try (GymnasiumVectorEnv env = GymnasiumVectorEnv.create(s, "CartPole-v1", 2)) {
      env.reset(0);
      GymnasiumWorkerException e =
          assertThrows(GymnasiumWorkerException.class, () -> env.step(new int[] {0, 1}));
      assertEquals(Kind.CRASHED, e.kind());
      assertTrue(e.getMessage().contains("exited with code 7 during step"), e.getMessage());
      assertTrue(e.getMessage().contains("fault injection: exiting with code 7"), e.getMessage());
    }
  }

  @Test
  void benchMethodsReturnPositiveTimes() {
    double step = GymnasiumBench.measureStepCost(TestPython.settings(), "CartPole-v1", 8, 2000);
    double echo = GymnasiumBench.measureRoundTrip(TestPython.settings(), 8 * 4 * 4, 2000);
    System.err.printf(
        "[gymnasium tests] CartPole-v1 x8: %.1f us per vector step; echo of 128 bytes: %.1f us%n",
        step, echo);
    assertTrue(step > 0 && echo > 0);
  }
}
