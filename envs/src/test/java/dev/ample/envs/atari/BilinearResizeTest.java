// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.atari;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BilinearResizeTest {

  /** Rectangles {r0, r1, c0, c1, grey} of the ALE-like frame, as in opencv_inter_linear.py. */
  private static final int[][] PONG_RECTS = {
    {24, 34, 0, 160, 236}, {194, 210, 0, 160, 236}, {1, 21, 36, 52, 123}, {1, 21, 116, 132, 147},
    {95, 111, 16, 20, 147}, {60, 76, 140, 144, 123}, {120, 124, 78, 80, 236},
  };
  private static final int PONG_BACKGROUND = 87;

  /** Pixel (r, c) of an h x w frame of one of opencv_inter_linear.py's patterns. */
  private static int pixel(String pattern, int r, int c, int h, int w) {
    return switch (pattern) {
      case "gradient" -> (r * 255 / Math.max(h - 1, 1) + c * 255 / Math.max(w - 1, 1)) / 2;
      case "diagonal" -> (r * 7 + c * 13) % 256;
      case "checker" -> 255 * ((r + c) % 2);
      case "noise1" -> lowbias32(r * w + c + 0x9E3779B9) & 0xff;
      case "noise2" -> lowbias32(r * w + c + 2 * 0x9E3779B9) & 0xff;
      case "pong" -> pong(r, c);
      default -> throw new IllegalArgumentException("unknown pattern " + pattern);
    };
  }

  /** Chris Wellons' 32-bit integer hash (int arithmetic wraps as the script's mod 2^32). */
  private static int lowbias32(int x) {
    x ^= x >>> 16;
    x *= 0x7FEB352D;
    x ^= x >>> 15;
    x *= 0x846CA68B;
    x ^= x >>> 16;
    return x;
  }

  private static int pong(int r, int c) {
    for (int[] rect : PONG_RECTS) {
      if (r >= rect[0] && r < rect[1] && c >= rect[2] && c < rect[3]) {
        return rect[4];
      }
    }
    return PONG_BACKGROUND;
  }

  private static byte[] frame(String pattern, int h, int w) {
    byte[] f = new byte[h * w];
    for (int r = 0; r < h; r++) {
      for (int c = 0; c < w; c++) {
        f[r * w + c] = (byte) pixel(pattern, r, c, h, w);
      }
    }
    return f;
  }

  /**
   * Every case of opencv_inter_linear.txt (cv2.resize with INTER_LINEAR, OpenCV 4.6.0) on every
   * pixel: the protocol's 210x160 -> 84x84, exact and non-integer shrinks and enlargements, one
   * axis kept, single rows and columns, and the max-pool of two frames first.
   */
  @Test
  void matchesOpenCvInterLinearOnEveryPixel() throws IOException {
    List<String> failures = new ArrayList<>();
    int cases = 0;
    for (String line : tableLines()) {
      String[] f = line.split(" ");
      String pattern = f[0];
      int sh = Integer.parseInt(f[1]);
      int sw = Integer.parseInt(f[2]);
      int dh = Integer.parseInt(f[3]);
      int dw = Integer.parseInt(f[4]);
      String name = String.format("%s %dx%d -> %dx%d", pattern, sh, sw, dh, dw);
      byte[] want = Base64.getDecoder().decode(f[5]);
      assertEquals(dh * dw, want.length, name);
      byte[] got = new byte[dh * dw];
      BilinearResize resize = new BilinearResize(sh, sw, dh, dw);
      if (pattern.equals("max-noise1-noise2")) {
        resize.maxThenResize(frame("noise1", sh, sw), 0, frame("noise2", sh, sw), 0, got, 0);
      } else {
        resize.resize(frame(pattern, sh, sw), 0, got, 0);
      }
      cases++;
      int differing = 0;
      int first = -1;
      for (int q = 0; q < want.length; q++) {
        if (got[q] != want[q]) {
          differing++;
          first = first < 0 ? q : first;
        }
      }
      if (differing > 0) {
        failures.add(String.format("%s: %d of %d pixels differ, first (%d, %d): %d, OpenCV %d",
            name, differing, want.length, first / dw, first % dw, got[first] & 0xff,
            want[first] & 0xff));
      }
    }
    assertTrue(cases >= 30, "the table has its cases: " + cases);
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  private static List<String> tableLines() throws IOException {
    InputStream in = BilinearResizeTest.class.getResourceAsStream("opencv_inter_linear.txt");
    assertNotNull(in, "opencv_inter_linear.txt next to this test");
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return r.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    }
  }

  /** Pixels derived by hand from the formulas in BilinearResize's Javadoc. */
  @Test
  void handDerivedPixels() {
    // Across a row, 1x2 (10, 200) -> 1x4: scale 0.5, f = (d + 0.5) * 0.5 - 0.5.
    // d=0: f=-0.25 is left of the first centre: 10 whole, weights (2048, 0), row sum 20480.
    // d=1: f=0.25, weights (1536, 512): 10*1536 + 200*512 = 117760. d=2: f=0.75, 312320.
    // d=3: f=1.25 is right of the last centre: 200 whole, 409600.
    // One row to one row: weights (2048, 0), out = ((2048 * (h >> 4)) >> 16) + 2 >> 2; d=1:
    // 7360 * 2048 >> 16 = 230, (230 + 2) >> 2 = 58 (exact 57.5, rounded up).
    assertArrayEquals(bytes(10, 58, 153, 200), resized(1, 2, 1, 4, bytes(10, 200)));

    // Down a column, 2x1 (1, 5) -> 5x1: scale 0.4, f = -0.3, 0.1, 0.5, 0.9, 1.3. Row sums are
    // 2048 * p, so h >> 4 is 128 and 640. Rows are clamped into the image but keep their weights.
    // d=0: rows (0, 0), t=0.7, weights (614, 1434): (614*128 >> 16) + (1434*128 >> 16) = 1 + 2,
    //      (3 + 2) >> 2 = 1.
    // d=1: rows (0, 1), t=0.1, (1843, 205): 3 + 2 -> 1. d=2: t=0.5, (1024, 1024): 2 + 10 -> 3.
    // d=3: t=0.9, (205, 1843): 0 + 17 -> 4, where the exact bilinear value
    //      (205*1 + 1843*5) / 2048 = 4.60 would round to 5: OpenCV's truncations.
    // d=4: rows (1, 1), t=0.3, (1434, 614): 14 + 5 -> 5.
    assertArrayEquals(bytes(1, 1, 3, 4, 5), resized(2, 1, 5, 1, bytes(1, 5)));
  }

  private static byte[] resized(int sh, int sw, int dh, int dw, byte[] src) {
    byte[] dst = new byte[dh * dw];
    new BilinearResize(sh, sw, dh, dw).resize(src, 0, dst, 0);
    return dst;
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  @Test
  void constantFramesStayConstant() {
    for (int v = 0; v < 256; v++) {
      byte[] src = new byte[210 * 160];
      Arrays.fill(src, (byte) v);
      byte[] dst = new byte[84 * 84];
      new BilinearResize(210, 160, 84, 84).resize(src, 0, dst, 0);
      for (byte d : dst) {
        assertEquals(v, d & 0xff, "constant " + v);
      }
    }
  }

  /**
   * One instance fed frames in which a few rows (or single pixels, or nothing, or everything)
   * change gives exactly what a new instance gives for each frame; widths not a multiple of 8 and
   * enlargements included.
   */
  @Test
  void recomputingOnlyChangedRowsGivesTheSameBytes() {
    Random rng = new Random(5);
    int[][] shapes = {{210, 160, 84, 84}, {16, 21, 5, 7}, {9, 13, 20, 30}};
    for (int[] s : shapes) {
      int n = s[0] * s[1];
      byte[] a = new byte[n + 5];
      byte[] b = new byte[n + 9];
      rng.nextBytes(a);
      rng.nextBytes(b);
      BilinearResize remembering = new BilinearResize(s[0], s[1], s[2], s[3]);
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
          default -> target[off + n - 1 - rng.nextInt(s[1])] = (byte) 0xff; // last row
        }
        byte[] got = new byte[s[2] * s[3] + 3];
        byte[] want = new byte[s[2] * s[3] + 3];
        BilinearResize fresh = new BilinearResize(s[0], s[1], s[2], s[3]);
        if (call % 7 == 6) {
          remembering.resize(a, 5, got, 3);
          fresh.resize(a, 5, want, 3);
        } else {
          remembering.maxThenResize(a, 5, b, 9, got, 3);
          fresh.maxThenResize(a, 5, b, 9, want, 3);
        }
        assertArrayEquals(want, got, Arrays.toString(s) + " call " + call);
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
    BilinearResize resize = new BilinearResize(210, 160, 84, 84);
    byte[] got = new byte[84 * 84];
    resize.maxThenResize(a, 0, b, 0, got, 0);
    // The next frame changes rows 0-100; the failed call pools them and runs out of input in
    // row 101, before any output row is computed.
    byte[] next = b.clone();
    for (int p = 0; p < 101 * 160; p++) {
      next[p] = (byte) rng.nextInt(256);
    }
    byte[] cut = Arrays.copyOf(next, 101 * 160);
    assertThrows(IndexOutOfBoundsException.class, () -> resize.maxThenResize(a, 0, cut, 0, got, 0));
    byte[] want = new byte[84 * 84];
    new BilinearResize(210, 160, 84, 84).maxThenResize(a, 0, next, 0, want, 0);
    resize.maxThenResize(a, 0, next, 0, got, 0);
    assertArrayEquals(want, got);
  }
}
