// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.gymnasium;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ample.envs.StepResult;
import dev.ample.envs.VectorEnv;
import dev.ample.envs.atari.AtariSettings;
import dev.ample.envs.atari.AtariVectorEnv;
import dev.ample.envs.atari.ale.AleEmulators;
import dev.ample.envs.atari.ale.RomResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The native ALE backend and the Gymnasium backend give identical preprocessed observations,
 * rewards, episode flags, episode ends and final observations for the same seed and action
 * sequence under the {@code v4} preset (also with noop and fire reset) and the {@code v5} preset
 * (sticky actions), across game over and autoreset.
 * Runs only when both are available: {@code ALE_ROM_DIR} holding {@code pong.bin}, and a Python
 * with py4j, gymnasium and ale-py ({@code AMPLE_TEST_PYTHONPATH} or {@code AMPLE_PYTHON}).
 */
class BackendParityTest {

  @Test
  void nativeAndGymnasiumPongAgreeUnderV4() {
    assertBackendsAgree("v4", AtariSettings.v4());
  }

  /** Sticky actions: the native emulators derive ALE's seed as ale-py does (AleSeeds). */
  @Test
  void nativeAndGymnasiumPongAgreeUnderV5StickyActions() {
    assertBackendsAgree("v5", AtariSettings.v5());
  }

  /** Noop reset and fire reset (the baselines wrappers) on top of v4. */
  @Test
  void nativeAndGymnasiumPongAgreeWithNoopAndFireReset() {
    assertBackendsAgree(
        "v4 + noop 30 + fire", AtariSettings.v4().withNoopMax(30).withFireReset(true));
  }

  private static void assertBackendsAgree(String name, AtariSettings settings) {
    String dir = System.getenv(RomResolver.ROM_DIR_VARIABLE);
    boolean rom = dir != null && Files.isRegularFile(Path.of(dir, "pong.bin"));
    if (!rom) {
      System.err.println("BackendParityTest skipped: set ALE_ROM_DIR to a folder with pong.bin");
    }
    assumeTrue(rom, "ALE_ROM_DIR has no pong.bin");
    assumeTrue(TestPython.missing(true).isEmpty(), "py4j + gymnasium + ale-py not importable");

    int n = 2;
    RomResolver.Rom pong = RomResolver.resolve("pong", Path.of(dir));
    try (VectorEnv nativeEnv = new AtariVectorEnv(new AleEmulators(pong, n, settings), settings);
        VectorEnv gymEnv = new AtariVectorEnv(
            GymnasiumAtariEmulators.create(TestPython.settings(), "ALE/Pong-v5", n,
                settings.stickyActionProbability(), settings.fullActionSpace()), settings)) {
      StepResult a = nativeEnv.reset(7);
      StepResult b = gymEnv.reset(7);
      assertArrayEquals(a.observations().bytes(), b.observations().bytes(), "reset observations");
      SplittableRandom rng = new SplittableRandom(11);
      int[] actions = new int[n];
      int obsSize = nativeEnv.observationSpace().size();
      int[] gamesEnded = new int[n];
      // At least 400 steps and until every env has finished a game (random Pong: ~850-1050
      // steps), so that game over, final observations and the autoreset (with the seeds the
      // preprocessing draws for later games) are compared too.
      int step = 0;
      for (; step < 400 || Arrays.stream(gamesEnded).min().getAsInt() == 0; step++) {
        assertTrue(step < 3000, "no game ended within 3000 steps");
        for (int i = 0; i < n; i++) {
          actions[i] = rng.nextInt(nativeEnv.numActions());
        }
        a = nativeEnv.step(actions);
        b = gymEnv.step(actions);
        String at = "step " + step;
        assertArrayEquals(a.observations().bytes(), b.observations().bytes(), at + " observations");
        assertArrayEquals(a.rewards(), b.rewards(), at + " rewards");
        assertArrayEquals(a.terminated(), b.terminated(), at + " terminated");
        assertArrayEquals(a.truncated(), b.truncated(), at + " truncated");
        assertArrayEquals(a.episodeEnds(), b.episodeEnds(), at + " episode ends");
        for (int i = 0; i < n; i++) {
          if (a.done(i)) {
            gamesEnded[i]++;
            int from = i * obsSize;
            assertArrayEquals(
                Arrays.copyOfRange(a.finalObservations().bytes(), from, from + obsSize),
                Arrays.copyOfRange(b.finalObservations().bytes(), from, from + obsSize),
                at + " final observation of env " + i);
          }
        }
      }
      System.err.println(
          "BackendParityTest " + name + ": native and Gymnasium agree for " + step
              + " steps, games ended " + Arrays.toString(gamesEnded));
    }
  }
}
