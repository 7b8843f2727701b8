// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.gymnasium;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ample.envs.atari.AtariEmulators.FrameStep;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ALE/Pong-v5 emulators through the worker. Needs {@code py4j}, {@code gymnasium} and {@code
 * ale-py} (with its bundled ROMs); skipped with the reason printed otherwise.
 */
class GymnasiumAtariEmulatorsTest {

  @BeforeEach
  void needPackages() {
    var missing = TestPython.missing(true);
    assumeTrue(missing.isEmpty(), () -> "py4j/gymnasium/ale-py not importable: " + missing.orElse(""));
  }

  private static FrameStep[] play(GymnasiumAtariEmulators emu, int steps) {
    int[] ids = {0, 1};
    emu.reset(ids, new long[] {3, 4});
    FrameStep[] out = new FrameStep[steps];
    for (int t = 0; t < steps; t++) {
      out[t] = emu.act(ids, new int[] {t % emu.actionSet().length, (t * 5) % emu.actionSet().length}, 4);
    }
    return out;
  }

  @Test
  void pongScreensActionSetAndDeterminism() {
    try (GymnasiumAtariEmulators a =
            GymnasiumAtariEmulators.create(TestPython.settings(), "ALE/Pong-v5", 2, 0.0, false);
        GymnasiumAtariEmulators b =
            GymnasiumAtariEmulators.create(TestPython.settings(), "ALE/Pong-v5", 2, 0.0, false)) {
      assertEquals(210, a.screenHeight());
      assertEquals(160, a.screenWidth());
      assertArrayEquals(new int[] {0, 1, 3, 4, 11, 12}, a.actionSet());
      FrameStep[] x = play(a, 50);
      FrameStep[] y = play(b, 50);
      for (int t = 0; t < x.length; t++) {
        assertEquals(2 * 210 * 160, x[t].lastScreens().length);
        assertArrayEquals(new int[] {4, 4}, x[t].framesEmulated());
        assertArrayEquals(x[t].lastScreens(), y[t].lastScreens(), "step " + t);
        assertArrayEquals(x[t].previousScreens(), y[t].previousScreens(), "step " + t);
      }
      assertTrue(a.lives(new int[] {0, 1}).length == 2);
    }
  }
}
