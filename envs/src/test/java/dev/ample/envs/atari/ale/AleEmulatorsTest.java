// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.atari.ale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ample.envs.EnvConfig;
import dev.ample.envs.Envs;
import dev.ample.envs.StepResult;
import dev.ample.envs.VectorEnv;
import dev.ample.envs.atari.AtariEmulators.FrameStep;
import dev.ample.envs.atari.AtariSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.IntStream;
import org.bytedeco.ale.ALEInterface;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ALE binding end to end on {@link TestCartridge}, a ROM the test builds itself. */
class AleEmulatorsTest {
  // Pong's minimal action set: NOOP, FIRE, RIGHT, LEFT, RIGHTFIRE, LEFTFIRE.
  private static final int NOOP = 0;
  private static final int RIGHT = 2;
  private static final int LEFT = 3;

  @TempDir Path dir;

  private RomResolver.Rom cartridge() throws Exception {
    TestCartridge.write(dir, "pong.bin", TestCartridge.image());
    RomResolver.Rom rom = RomResolver.validate(dir.resolve("pong.bin"), "pong");
    assertFalse(rom.md5Verified(), "the test cartridge is accepted by its file name");
    return rom;
  }

  @Test
  void actionsReachTheEmulatorAndScreensComeBack() throws Exception {
    try (AleEmulators ale = new AleEmulators(cartridge(), 2, AtariSettings.v4())) {
      assertEquals(210, ale.screenHeight());
      assertEquals(160, ale.screenWidth());
      assertArrayEquals(new int[] {0, 1, 3, 4, 11, 12}, ale.actionSet());
      ale.reset(new int[] {0, 1}, new long[] {1, 2});
      FrameStep fs = ale.act(new int[] {0, 1}, new int[] {RIGHT, LEFT}, 4);
      assertArrayEquals(new float[] {4, -4}, fs.rewards());
      assertArrayEquals(new int[] {4, 4}, fs.framesEmulated());
      int size = 210 * 160;
      int center = 105 * 160 + 80;
      int right = fs.lastScreens()[center] & 0xff;
      int left = fs.lastScreens()[size + center] & 0xff;
      FrameStep idle = ale.act(new int[] {0}, new int[] {NOOP}, 1);
      int noop = idle.lastScreens()[center] & 0xff;
      assertNotEquals(right, left);
      assertNotEquals(right, noop);
      assertNotEquals(left, noop);
      assertEquals(0, idle.rewards()[0]);
      // The background fills the picture: the whole screen is one gray in the visible area.
      assertEquals(right, fs.previousScreens()[center] & 0xff);
      assertArrayEquals(new int[] {0, 0}, ale.lives(new int[] {0, 1}));
    }
  }

  /**
   * The screens {@link AleEmulators} returns (converted from palette indices in Java, only where a
   * frame changed) equal ALE's own {@code getScreenGrayscale} on a bare emulator fed the same
   * frames, on a cartridge that shows all 128 colours and changes every line on RIGHT frames.
   */
  @Test
  void screensEqualAlesGrayscaleForEveryColour() throws Exception {
    TestCartridge.write(dir, "pong.bin", TestCartridge.everyColour());
    RomResolver.Rom rom = RomResolver.validate(dir.resolve("pong.bin"), "pong");
    int size = 210 * 160;
    ALEInterface bare = new ALEInterface();
    try (AleEmulators ale = new AleEmulators(rom, 1, AtariSettings.v4());
        BytePointer gray = new BytePointer((long) size)) {
      bare.setFloat("repeat_action_probability", 0f);
      bare.loadROM(rom.path().toString());
      bare.reset_game();
      int[] id = {0};
      ale.reset(id, new long[] {5});
      bare.reset_game();
      assertArrayEquals(grayOf(bare, gray), ale.screens(id), "first screen");
      byte[] indices = new byte[size];
      bare.getScreen().getArray().get(indices);
      assertEquals(128, IntStream.range(0, size).map(p -> indices[p] & 0xff).distinct().count());

      // Actions as ALE ids: NOOP repeats the picture, RIGHT (3) changes every line.
      int[] aleActions = {0, 3, 3, 0, 0, 3, 0, 3, 3, 3, 0, 0};
      for (int t = 0; t < aleActions.length; t++) {
        int repeat = 1 + t % 4;
        FrameStep fs = ale.act(id, new int[] {aleActions[t] == 3 ? RIGHT : NOOP}, repeat);
        byte[] previous = null;
        for (int f = 1; f <= repeat; f++) {
          bare.act(aleActions[t]);
          if (f == repeat - 1) {
            previous = grayOf(bare, gray);
          }
        }
        byte[] last = grayOf(bare, gray);
        assertArrayEquals(last, fs.lastScreens(), "last screen of step " + t);
        assertArrayEquals(
            repeat >= 2 ? previous : last, fs.previousScreens(), "previous screen of step " + t);
      }
    } finally {
      bare.close();
    }
  }

  private static byte[] grayOf(ALEInterface ale, BytePointer buffer) {
    ale.getScreenGrayscale(buffer);
    byte[] out = new byte[(int) buffer.capacity()];
    buffer.get(out);
    return out;
  }

  @Test
  void gameOverStopsTheRepeatAndResetStartsAgain() throws Exception {
    try (AleEmulators ale = new AleEmulators(cartridge(), 1, AtariSettings.v4())) {
      int[] id = {0};
      ale.reset(id, new long[] {7});
      FrameStep fs = ale.act(id, new int[] {RIGHT}, 20);
      assertEquals(20, fs.rewards()[0]);
      assertFalse(fs.gameOver()[0]);
      fs = ale.act(id, new int[] {RIGHT}, 4);
      assertTrue(fs.gameOver()[0], "the player's score reached 21");
      assertEquals(1, fs.framesEmulated()[0]);
      assertEquals(1, fs.rewards()[0]);
      ale.reset(id, new long[] {8});
      fs = ale.act(id, new int[] {LEFT}, 3);
      assertEquals(-3, fs.rewards()[0]);
      assertFalse(fs.gameOver()[0]);
    }
  }

  @Test
  void fullPipelineThroughTheFactory() throws Exception {
    cartridge();
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class,
            () -> Envs.create(EnvConfig.of("pong", 2).withRomDir(dir)));
    assertTrue(refused.getMessage().contains("env.allow-unverified-rom = true"), refused.getMessage());
    assertTrue(refused.getMessage().contains("MD5 "), refused.getMessage());
    // The test cartridge is a ROM ALE does not know: loading it by name needs the opt-in.
    EnvConfig config = EnvConfig.of("pong", 2).withRomDir(dir).withAllowUnverifiedRom(true);
    try (VectorEnv env = Envs.create(config)) {
      assertEquals(6, env.numActions());
      assertEquals("UINT8[4, 84, 84]", env.observationSpace().toString());
      StepResult r = env.reset(3);
      int steps = 0;
      StepResult last = r;
      // RIGHT scores every frame: 21 frames = 5 steps of 4 frames and 1 frame.
      while (last.episodeEnds()[0] == null) {
        last = env.step(new int[] {RIGHT, NOOP});
        steps++;
        assertTrue(steps <= 6);
      }
      assertEquals(6, steps);
      assertEquals(21.0, last.episodeEnds()[0].rawReturn());
      assertEquals(6, last.episodeEnds()[0].length());
      assertEquals(1f, last.rewards()[0], "clipped reward");
      assertTrue(last.terminated()[0]);
      assertFalse(last.done(1));
      assertEquals(null, last.episodeEnds()[1]);
    }
  }

  @Test
  void aCartridgeThatNeverEndsAFrameIsAClearErrorNotAHang() throws Exception {
    TestCartridge.write(dir, "pong.bin", TestCartridge.neverEndingFrame());
    RomResolver.Rom rom = RomResolver.validate(dir.resolve("pong.bin"), "pong");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> new AleEmulators(rom, 1, AtariSettings.v4(), Duration.ofSeconds(3)));
    assertTrue(e.getMessage().contains("never ends a frame"), e.getMessage());
  }
}
