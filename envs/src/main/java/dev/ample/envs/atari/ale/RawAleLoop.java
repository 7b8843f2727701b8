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
 * sticky actions, a new game at game over (DESIGN.md §8 measured ~15,600 Pong frames/s per core
 * this way). One emulator plays for a whole benchmark, as the pipeline's env does, so that short
 * slices of the two can alternate. Not thread safe.
 */
final class RawAleLoop implements NativeAle.RawLoop {
  private final ALEInterface ale = new ALEInterface();
  private final BytePointer screen = new BytePointer(210L * 160);
  private final int[] actions;
  private final SplittableRandom rng;

  /** Loads {@code rom}, a ROM {@link RomResolver} accepted. */
  RawAleLoop(Path rom, long seed) {
    ale.setInt("random_seed", AleEmulators.seed32(seed));
    ale.setFloat("repeat_action_probability", 0f);
    ale.loadROM(rom.toString());
    IntPointer set = ale.getMinimalActionSet();
    actions = new int[(int) set.limit()];
    set.get(actions);
    rng = new SplittableRandom(seed);
  }

  @Override
  public long playUntil(long untilNanos) {
    long frames = 0;
    do {
      for (int k = 0; k < 4; k++) {
        ale.act(actions[rng.nextInt(actions.length)]);
        if (ale.game_over()) {
          ale.reset_game();
        }
      }
      ale.getScreenGrayscale(screen);
      frames += 4;
    } while (System.nanoTime() < untilNanos);
    return frames;
  }

  @Override
  public void close() {
    screen.close();
    ale.close();
  }
}
