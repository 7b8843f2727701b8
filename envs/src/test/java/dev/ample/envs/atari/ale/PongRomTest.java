// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.atari.ale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ample.envs.EnvConfig;
import dev.ample.envs.Envs;
import dev.ample.envs.StepResult;
import dev.ample.envs.VectorEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real Pong, run only when {@code ALE_ROM_DIR} holds {@code pong.bin} (never shipped): {@code
 * ALE_ROM_DIR=/path/to/roms mvn -pl envs test}.
 */
class PongRomTest {
  private static Path romDir;

  @BeforeAll
  static void findRom() {
    String dir = System.getenv(RomResolver.ROM_DIR_VARIABLE);
    boolean present = dir != null && Files.isRegularFile(Path.of(dir, "pong.bin"));
    if (!present) {
      System.out.println(
          "PongRomTest skipped: set ALE_ROM_DIR to a folder with pong.bin to run it");
    }
    assumeTrue(present, "ALE_ROM_DIR has no pong.bin");
    romDir = Path.of(dir);
  }

  @Test
  void rawLoopPlaysFourFramesAtATimeUntilItsDeadline() {
    NativeAle ale = NativeAle.require();
    try (NativeAle.RawLoop raw = ale.openRawLoop(ale.verifiedRom("pong", romDir), 1)) {
      assertEquals(4, raw.playUntil(System.nanoTime() - 1), "a deadline already past: 4 frames");
      long start = System.nanoTime();
      long frames = raw.playUntil(start + 200_000_000L);
      assertTrue(System.nanoTime() - start >= 200_000_000L);
      assertEquals(0, frames % 4);
      assertTrue(frames > 4, "frames in 0.2 s: " + frames);
    }
  }

  private static byte[] play(long seed, int steps, double[] returns) throws Exception {
    MessageDigest md5 = MessageDigest.getInstance("MD5");
    try (VectorEnv env = Envs.create(EnvConfig.of("pong", 2).withRomDir(romDir))) {
      assertEquals(6, env.numActions());
      md5.update(env.reset(seed).observations().bytes());
      SplittableRandom rng = new SplittableRandom(seed);
      for (int t = 0; t < steps; t++) {
        StepResult r = env.step(new int[] {rng.nextInt(6), rng.nextInt(6)});
        md5.update(r.observations().bytes());
        for (int i = 0; i < 2; i++) {
          assertTrue(r.rewards()[i] >= -1 && r.rewards()[i] <= 1);
          if (r.episodeEnds()[i] != null) {
            returns[0] = r.episodeEnds()[i].rawReturn();
          }
        }
      }
    }
    return md5.digest();
  }

  @Test
  void v4IsDeterministicAndReturnsAreInRange() throws Exception {
    double[] ret = {Double.NaN};
    byte[] a = play(11, 1200, ret);
    byte[] b = play(11, 1200, new double[1]);
    assertArrayEquals(a, b, "same seed, same actions, same observations");
    RomResolver.Rom rom = RomResolver.resolve("pong", romDir);
    assertTrue(rom.md5Verified());
    if (!Double.isNaN(ret[0])) {
      assertTrue(ret[0] >= -21 && ret[0] <= 21, "return " + ret[0]);
    }
  }
}
