// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.atari.ale;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.bytedeco.ale.ALEInterface;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * The throughput reference for the preprocessing stack: one bare ALE emulator on the calling
 * thread, random minimal-set actions every frame, a grayscale screen fetch every 4th frame, no
 * sticky actions (DESIGN.md §8 measured ~15,600 Pong frames/s per core this way).
 */
public final class RawAleLoop {
  private RawAleLoop() {}

  /**
   * Emulator frames per second over about {@code seconds} of play of {@code rom}, a ROM {@link
   * RomResolver} accepted.
   */
  public static double framesPerSecond(Path rom, double seconds, long seed) {
    ALEInterface ale = new ALEInterface();
    try (BytePointer screen = new BytePointer(210L * 160)) {
      ale.setInt("random_seed", AleEmulators.seed32(seed));
      ale.setFloat("repeat_action_probability", 0f);
      ale.loadROM(rom.toString());
      IntPointer set = ale.getMinimalActionSet();
      int[] actions = new int[(int) set.limit()];
      set.get(actions);
      SplittableRandom rng = new SplittableRandom(seed);
      long frames = 0;
      long start = System.nanoTime();
      long end = start + (long) (seconds * 1e9);
      while (true) {
        for (int k = 0; k < 4; k++) {
          ale.act(actions[rng.nextInt(actions.length)]);
          if (ale.game_over()) {
            ale.reset_game();
          }
        }
        ale.getScreenGrayscale(screen);
        frames += 4;
        long now = System.nanoTime();
        if (now >= end) {
          return frames / ((now - start) / 1e9);
        }
      }
    } finally {
      ale.close();
    }
  }
}
