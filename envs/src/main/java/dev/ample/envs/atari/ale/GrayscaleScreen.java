// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.atari.ale;

import java.util.Arrays;
import org.bytedeco.ale.ALEInterface;
import org.bytedeco.javacpp.BytePointer;

/**
 * One emulator's screen read as grayscale, with the same values as ALE's {@code
 * getScreenGrayscale} at a fraction of its cost. ALE keeps the screen as palette indices and
 * {@code getScreenGrayscale} maps every pixel through the palette (and, through JavaCPP, copies the
 * screen into and out of a {@code std::vector}), ~13 us per Pong frame here. Consecutive frames
 * differ in few pixels, so this copies the indices out (a memcpy) and maps only the pixels that
 * differ from the frame converted before, found with the vectorised {@link Arrays#mismatch}: ~1.5
 * us per Pong frame; ~13 us when every pixel changes. Gray is a function of the index alone, so
 * the result is exact.
 *
 * <p>Not thread safe; use it on the thread that steps its emulator.
 */
final class GrayscaleScreen {
  /** Pixels mapped per mismatch found, so a screen that changes everywhere costs few searches. */
  private static final int BLOCK = 64;

  private final ALEInterface ale;
  private final int size;
  /** ALE's screen buffer (palette indices), owned by ALE. */
  private BytePointer screen;
  /** Gray value of each palette index, from ALE's own palette mapping. */
  private final byte[] grayOfIndex = new byte[256];
  /** The frame converted last, as indices and as gray (kept consistent with each other). */
  private final byte[] convertedIndices;
  private final byte[] convertedGray;
  private final byte[] keptIndices;
  private final byte[] currentIndices;

  GrayscaleScreen(ALEInterface ale, int height, int width) {
    this.ale = ale;
    this.size = height * width;
    try (BytePointer all = new BytePointer(256L);
        BytePointer mapped = new BytePointer(256L)) {
      for (int i = 0; i < 256; i++) {
        all.put(i, (byte) i);
      }
      // The same call getScreenGrayscale makes on each pixel, applied to every index once.
      ale.theOSystem().colourPalette().applyPaletteGrayscale(mapped, all, 256);
      mapped.get(grayOfIndex);
    }
    convertedIndices = new byte[size];
    convertedGray = new byte[size];
    Arrays.fill(convertedGray, grayOfIndex[0]);
    keptIndices = new byte[size];
    currentIndices = new byte[size];
    refresh();
  }

  /** Finds ALE's screen buffer again; call after loading or resetting a game. */
  void refresh() {
    screen = ale.getScreen().getArray().capacity(size).limit(size);
  }

  /** Keeps the current frame for a later {@link #readWithKept}. */
  void keep() {
    screen.get(keptIndices, 0, size);
  }

  /** Writes the current frame in gray to {@code dst} at {@code off}. */
  void read(byte[] dst, int off) {
    screen.get(currentIndices, 0, size);
    convert(currentIndices, dst, off);
  }

  /**
   * Writes the frame {@link #keep} saved in gray to {@code kept} and the current frame to {@code
   * last}, both at {@code off}.
   */
  void readWithKept(byte[] last, byte[] kept, int off) {
    convert(keptIndices, kept, off);
    read(last, off);
  }

  /** Converts {@code indices} to gray into {@code dst}, mapping only where it differs. */
  private void convert(byte[] indices, byte[] dst, int off) {
    int p = 0;
    while (p < size) {
      int skip = Arrays.mismatch(indices, p, size, convertedIndices, p, size);
      if (skip < 0) {
        break;
      }
      p += skip;
      int end = Math.min(size, p + BLOCK);
      for (int q = p; q < end; q++) {
        convertedGray[q] = grayOfIndex[indices[q] & 0xff];
      }
      System.arraycopy(indices, p, convertedIndices, p, end - p);
      p = end;
    }
    System.arraycopy(convertedGray, 0, dst, off, size);
  }
}
