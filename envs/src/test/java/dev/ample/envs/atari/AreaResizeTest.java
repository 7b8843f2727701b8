// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.atari;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AreaResizeTest {

  /** Area averaging straight from its definition, in double precision. */
  private static double[] reference(int[] src, int sh, int sw, int dh, int dw) {
    double sy = (double) sh / dh;
    double sx = (double) sw / dw;
    double[] out = new double[dh * dw];
    for (int i = 0; i < dh; i++) {
      for (int j = 0; j < dw; j++) {
        double sum = 0;
        for (int r = 0; r < sh; r++) {
          double oy = Math.max(0, Math.min((i + 1) * sy, r + 1) - Math.max(i * sy, r));
          if (oy == 0) {
            continue;
          }
          for (int c = 0; c < sw; c++) {
            double ox = Math.max(0, Math.min((j + 1) * sx, c + 1) - Math.max(j * sx, c));
            sum += oy * ox * src[r * sw + c];
          }
        }
        out[i * dw + j] = sum / (sy * sx);
      }
    }
    return out;
  }

  @Test
  void blockAveragesForAnIntegerFactor() {
    byte[] src = new byte[16];
    int[] values = {0, 4, 8, 12, 4, 8, 12, 16, 100, 100, 0, 0, 100, 101, 0, 1};
    for (int p = 0; p < 16; p++) {
      src[p] = (byte) values[p];
    }
    byte[] dst = new byte[4];
    new AreaResize(4, 4, 2, 2).resize(src, 0, dst, 0);
    // (0+4+4+8)/4 = 4, (8+12+12+16)/4 = 12, 401/4 = 100.25 -> 100, 1/4 -> 0
    assertArrayEquals(new byte[] {4, 12, 100, 0}, dst);
  }

  @Test
  void atariScreenTo84MatchesTheDefinitionWithinOneLevel() {
    Random rng = new Random(1);
    int[] src = new int[210 * 160];
    int[] other = new int[210 * 160];
    byte[] a = new byte[src.length];
    byte[] b = new byte[src.length];
    int[] maxed = new int[src.length];
    for (int p = 0; p < src.length; p++) {
      src[p] = rng.nextInt(256);
      other[p] = rng.nextInt(256);
      a[p] = (byte) src[p];
      b[p] = (byte) other[p];
      maxed[p] = Math.max(src[p], other[p]);
    }
    byte[] dst = new byte[84 * 84 + 3];
    new AreaResize(210, 160, 84, 84).maxThenResize(a, 0, b, 0, dst, 3);
    double[] want = reference(maxed, 210, 160, 84, 84);
    for (int q = 0; q < want.length; q++) {
      double diff = Math.abs((dst[3 + q] & 0xff) - want[q]);
      assertTrue(diff <= 1.0, "pixel " + q + ": " + (dst[3 + q] & 0xff) + " vs " + want[q]);
    }
  }

  @Test
  void constantImagesStayConstant() {
    for (int v : new int[] {0, 1, 127, 254, 255}) {
      byte[] src = new byte[210 * 160];
      java.util.Arrays.fill(src, (byte) v);
      byte[] dst = new byte[84 * 84];
      new AreaResize(210, 160, 84, 84).resize(src, 0, dst, 0);
      for (byte d : dst) {
        assertTrue((d & 0xff) == v, "constant " + v + " became " + (d & 0xff));
      }
    }
  }

  @Test
  void eightPixelsAtATimeMatchesThePixelAtATimePathExactly() {
    Random rng = new Random(11);
    int[][] shapes = {{210, 160, 84, 84}, {250, 160, 84, 84}, {16, 24, 5, 7}, {210, 160, 105, 80}};
    for (int[] s : shapes) {
      int n = s[0] * s[1];
      for (int trial = 0; trial < 20; trial++) {
        byte[] a = new byte[n + 5];
        byte[] b = new byte[n + 9];
        rng.nextBytes(a);
        rng.nextBytes(b);
        if (trial % 4 == 1) {
          // Values either side of 128 stress the unsigned per-byte max.
          for (int i = 0; i < a.length; i++) {
            a[i] = (byte) (rng.nextBoolean() ? 0x7f + rng.nextInt(3) : 0xff - rng.nextInt(2));
          }
        }
        if (trial % 4 == 2) {
          java.util.Arrays.fill(a, (byte) 0xff);
          java.util.Arrays.fill(b, (byte) 0xff);
        }
        AreaResize resize = new AreaResize(s[0], s[1], s[2], s[3]);
        byte[] fast = new byte[s[2] * s[3] + 3];
        byte[] slow = new byte[s[2] * s[3] + 3];
        resize.maxThenResize(a, 5, b, 9, fast, 3);
        resize.maxThenResizeScalar(a, 5, b, 9, slow, 3);
        assertArrayEquals(slow, fast, java.util.Arrays.toString(s) + " trial " + trial);
        resize.maxThenResize(b, 9, a, 5, fast, 3);
        assertArrayEquals(slow, fast, "max is symmetric");
      }
    }
  }

  /**
   * One instance fed a sequence of frames in which a few rows (or single pixels, or nothing, or
   * everything) change gives exactly what a stateless pixel-at-a-time resize gives for each frame.
   */
  @Test
  void recomputingOnlyChangedRowsGivesTheSameBytes() {
    Random rng = new Random(5);
    int[][] shapes = {{210, 160, 84, 84}, {16, 24, 5, 7}};
    for (int[] s : shapes) {
      int n = s[0] * s[1];
      byte[] a = new byte[n + 5];
      byte[] b = new byte[n + 9];
      rng.nextBytes(a);
      rng.nextBytes(b);
      AreaResize remembering = new AreaResize(s[0], s[1], s[2], s[3]);
      AreaResize reference = new AreaResize(s[0], s[1], s[2], s[3]);
      for (int call = 0; call < 300; call++) {
        byte[] target = rng.nextBoolean() ? a : b;
        int off = target == a ? 5 : 9;
        switch (call % 5) {
          case 0 -> { } // nothing changes
          case 1 -> target[off + rng.nextInt(n)] ^= (byte) (1 + rng.nextInt(255));
          case 2 -> {
            int row = rng.nextInt(s[0]);
            for (int c = 0; c < s[1]; c++) {
              target[off + row * s[1] + c] = (byte) rng.nextInt(256);
            }
          }
          case 3 -> {
            if (call % 40 == 3) {
              rng.nextBytes(target);
            }
          }
          default -> target[off + rng.nextInt(s[1])] = (byte) 0xff; // first row
        }
        byte[] got = new byte[s[2] * s[3] + 3];
        byte[] want = new byte[s[2] * s[3] + 3];
        if (call % 7 == 6) {
          remembering.resize(a, 5, got, 3);
          reference.maxThenResizeScalar(a, 5, a, 5, want, 3);
        } else {
          remembering.maxThenResize(a, 5, b, 9, got, 3);
          reference.maxThenResizeScalar(a, 5, b, 9, want, 3);
        }
        assertArrayEquals(want, got, java.util.Arrays.toString(s) + " call " + call);
      }
    }
  }

  /** A call that fails half way (a frame too short) leaves nothing stale for the next call. */
  @Test
  void aFailedCallDoesNotSpoilTheNextOne() {
    Random rng = new Random(9);
    byte[] a = new byte[210 * 160];
    byte[] b = new byte[210 * 160];
    rng.nextBytes(a);
    rng.nextBytes(b);
    AreaResize resize = new AreaResize(210, 160, 84, 84);
    byte[] got = new byte[84 * 84];
    resize.maxThenResize(a, 0, b, 0, got, 0);
    // The next frame changes rows 0-100. The failed call pools them, runs out of input in row 101
    // and never computes output row 40 (rows 100-102), which the next call must not take as done.
    byte[] next = b.clone();
    for (int p = 0; p < 101 * 160; p++) {
      next[p] = (byte) rng.nextInt(256);
    }
    byte[] cut = java.util.Arrays.copyOf(next, 101 * 160);
    assertThrows(IndexOutOfBoundsException.class, () -> resize.maxThenResize(a, 0, cut, 0, got, 0));
    byte[] want = new byte[84 * 84];
    new AreaResize(210, 160, 84, 84).maxThenResizeScalar(a, 0, next, 0, want, 0);
    resize.maxThenResize(a, 0, next, 0, got, 0);
    assertArrayEquals(want, got);
  }
}
