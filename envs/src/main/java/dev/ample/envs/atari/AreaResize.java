// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.atari;

import static dev.ample.envs.atari.PooledFrame.LONGS;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Resizes a grayscale image by area averaging: each output pixel is the mean of the source area it
 * covers, partially covered source pixels weighted by their covered fraction. This is the
 * definition of OpenCV's {@code INTER_AREA}, which Gymnasium's and baselines' Atari wrappers use.
 *
 * <p>Computed separably (rows, then columns) in fixed point: each pass's weights are integers
 * summing exactly to 256, and the result is rounded to nearest. Results can differ from OpenCV's
 * by at most 1 grey level. The fused {@link #maxThenResize} takes the pixel-wise max of two frames
 * first (the Atari flicker max-pool).
 *
 * <p>When the source width is a multiple of 8, an instance remembers its last max-pooled input
 * ({@link PooledFrame}) and its last output, and recomputes only the output rows whose source rows
 * changed since the last call; the others are copied. Consecutive Atari frames change in few rows
 * (random-play Pong: ~11 of 84 output rows per step), so keep one instance per emulator. The
 * result never depends on what was remembered. Not thread safe: it reuses internal buffers.
 */
public final class AreaResize implements Resize {
  private static final int ONE = 256;

  private final int srcH;
  private final int srcW;
  private final int dstH;
  private final int dstW;
  private final int rowTaps;
  private final int colTaps;
  /** First source row of each output row; rowWeights[i*rowTaps + k] weighs row rowStart[i]+k. */
  private final int[] rowStart;
  private final int[] rowWeights;
  private final int[] colStart;
  private final int[] colWeights;
  /** Per output row: its source rows with a nonzero weight (offsets are rows), compacted. */
  private final int[] rowNzCount;
  private final int[] rowNzOffset;
  private final int[] rowNzWeight;
  /** One row after the rows pass: srcW weighted sums. */
  private final int[] rowPass;
  /** Whether the 8-pixels-per-long path applies (srcW a multiple of 8). */
  private final boolean swar;
  /** The last call's max-pooled source rows (SWAR path). */
  private final PooledFrame pooled;
  /** Per source row: whether the last call's pooled row differs from the one before. */
  private final boolean[] rowChanged;
  /** The last call's output (SWAR path). */
  private final byte[] lastOutput;
  /** Whether {@link #pooled} and {@link #lastOutput} hold a completed call's results. */
  private boolean remembered;
  /** One row after the SWAR rows pass: 16-bit sums, even columns then odd columns. */
  private final byte[] lanes;
  /** Byte offset in {@link #lanes} of the column each column tap reads. */
  private final int[] colLane;

  public AreaResize(int srcH, int srcW, int dstH, int dstW) {
    if (dstH > srcH || dstW > srcW || dstH < 1 || dstW < 1) {
      throw new IllegalArgumentException(
          "area resize only shrinks: " + srcH + "x" + srcW + " -> " + dstH + "x" + dstW);
    }
    this.srcH = srcH;
    this.srcW = srcW;
    this.dstH = dstH;
    this.dstW = dstW;
    rowTaps = taps(srcH, dstH);
    colTaps = taps(srcW, dstW);
    rowStart = new int[dstH];
    rowWeights = new int[dstH * rowTaps];
    colStart = new int[dstW];
    colWeights = new int[dstW * colTaps];
    weights(srcH, dstH, rowTaps, rowStart, rowWeights);
    weights(srcW, dstW, colTaps, colStart, colWeights);
    rowNzCount = new int[dstH];
    rowNzOffset = new int[dstH * rowTaps];
    rowNzWeight = new int[dstH * rowTaps];
    for (int i = 0; i < dstH; i++) {
      int count = 0;
      for (int k = 0; k < rowTaps; k++) {
        int wk = rowWeights[i * rowTaps + k];
        if (wk != 0) {
          rowNzOffset[i * rowTaps + count] = rowStart[i] + k;
          rowNzWeight[i * rowTaps + count] = wk;
          count++;
        }
      }
      rowNzCount[i] = count;
    }
    rowPass = new int[srcW];
    swar = srcW % 8 == 0;
    pooled = swar ? new PooledFrame(srcH, srcW) : null;
    rowChanged = new boolean[srcH];
    lastOutput = swar ? new byte[dstH * dstW] : null;
    lanes = new byte[2 * srcW];
    colLane = new int[dstW * colTaps];
    for (int j = 0; j < dstW; j++) {
      for (int k = 0; k < colTaps; k++) {
        int c = colStart[j] + k;
        // Byte offset of column c's 16-bit lane: even columns first, then odd ones.
        colLane[j * colTaps + k] = (c & 1) * srcW + (c & ~1);
      }
    }
  }

  /** Source pixels an output pixel can touch along one axis. */
  private static int taps(int src, int dst) {
    return (int) Math.ceil((double) src / dst) + 1;
  }

  /**
   * Fixed-point weights of the source pixels overlapping {@code [j*scale, (j+1)*scale)}, stored
   * with a fixed number of taps (trailing taps weigh 0 and are clamped inside the image).
   */
  private static void weights(int src, int dst, int taps, int[] start, int[] w) {
    double scale = (double) src / dst;
    for (int j = 0; j < dst; j++) {
      double lo = j * scale;
      double hi = (j + 1) * scale;
      int first = (int) Math.floor(lo);
      first = Math.min(first, src - taps);
      first = Math.max(first, 0);
      start[j] = first;
      int sum = 0;
      int largest = 0;
      for (int k = 0; k < taps; k++) {
        int p = first + k;
        double overlap = Math.max(0, Math.min(hi, p + 1) - Math.max(lo, p));
        int q = (int) Math.round(overlap / scale * ONE);
        w[j * taps + k] = q;
        sum += q;
        if (q > w[j * taps + largest]) {
          largest = k;
        }
      }
      // Rounding may leave the weights 1/256 off; give the difference to the largest weight.
      w[j * taps + largest] += ONE - sum;
    }
  }

  @Override
  public void maxThenResize(byte[] a, int aOff, byte[] b, int bOff, byte[] dst, int dstOff) {
    if (swar) {
      maxThenResizeSwar(a, aOff, b, bOff, dst, dstOff);
    } else {
      maxThenResizeScalar(a, aOff, b, bOff, dst, dstOff);
    }
  }

  /** The pixel-at-a-time path (any width); the SWAR path must give identical bytes. */
  void maxThenResizeScalar(byte[] a, int aOff, byte[] b, int bOff, byte[] dst, int dstOff) {
    int w = srcW;
    int[] t = rowPass;
    // One output row at a time: its source rows (only those with a nonzero weight) are max-pooled
    // and weighted into one srcW-wide int row, which the column pass turns into output pixels
    // while it is still in L1. Integer sums are exact, so the order does not change the result.
    for (int i = 0; i < dstH; i++) {
      int nz = rowNzCount[i];
      int base = i * rowTaps;
      int o0 = rowNzOffset[base] * w;
      int w0 = rowNzWeight[base];
      if (nz == 3) {
        int o1 = rowNzOffset[base + 1] * w;
        int o2 = rowNzOffset[base + 2] * w;
        int w1 = rowNzWeight[base + 1];
        int w2 = rowNzWeight[base + 2];
        int a0 = aOff + o0;
        int a1 = aOff + o1;
        int a2 = aOff + o2;
        int b0 = bOff + o0;
        int b1 = bOff + o1;
        int b2 = bOff + o2;
        for (int c = 0; c < w; c++) {
          t[c] =
              w0 * Math.max(a[a0 + c] & 0xff, b[b0 + c] & 0xff)
                  + w1 * Math.max(a[a1 + c] & 0xff, b[b1 + c] & 0xff)
                  + w2 * Math.max(a[a2 + c] & 0xff, b[b2 + c] & 0xff);
        }
      } else {
        int a0 = aOff + o0;
        int b0 = bOff + o0;
        for (int c = 0; c < w; c++) {
          t[c] = w0 * Math.max(a[a0 + c] & 0xff, b[b0 + c] & 0xff);
        }
        for (int k = 1; k < nz; k++) {
          int ok = rowNzOffset[base + k] * w;
          int wk = rowNzWeight[base + k];
          int ak = aOff + ok;
          int bk = bOff + ok;
          for (int c = 0; c < w; c++) {
            t[c] += wk * Math.max(a[ak + c] & 0xff, b[bk + c] & 0xff);
          }
        }
      }
      columnsOfRow(t, dst, dstOff + i * dstW);
    }
  }

  private static final VarHandle SHORTS =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long EVEN = 0x00FF00FF00FF00FFL;

  /**
   * The same computation 8 pixels at a time in longs (SIMD within a register): the max-pooled
   * rows ({@link PooledFrame}), then the rows pass in 16-bit lanes (a row's weights sum to 256,
   * so a weighted sum of bytes is at most 65280 and never carries into the next lane). Even and
   * odd columns go to separate lanes; the column pass reads them back as 16-bit values. Output
   * rows whose source rows pooled to the same bytes as in the last call keep the last output.
   */
  private void maxThenResizeSwar(byte[] a, int aOff, byte[] b, int bOff, byte[] dst, int dstOff) {
    int groups = srcW >> 3;
    long[] m = pooled.pixels;
    boolean complete = remembered;
    // Until this call completes, pooled and lastOutput do not match each other.
    remembered = false;
    int done = -1;
    byte[] t = lanes;
    int half = srcW;
    for (int i = 0; i < dstH; i++) {
      int nz = rowNzCount[i];
      int base = i * rowTaps;
      int lastNeeded = rowNzOffset[base + nz - 1];
      // Pool the source rows this output row is the first to need, noting which ones changed.
      for (int r = Math.max(done + 1, rowNzOffset[base]); r <= lastNeeded; r++) {
        rowChanged[r] = pooled.poolRow(a, aOff + r * srcW, b, bOff + r * srcW, r, complete);
      }
      done = Math.max(done, lastNeeded);
      if (!anyRowChanged(base, nz)) {
        continue;
      }
      int r0 = rowNzOffset[base] * groups;
      long w0 = rowNzWeight[base];
      if (nz == 3) {
        int r1 = rowNzOffset[base + 1] * groups;
        int r2 = rowNzOffset[base + 2] * groups;
        long w1 = rowNzWeight[base + 1];
        long w2 = rowNzWeight[base + 2];
        for (int g = 0; g < groups; g++) {
          long p0 = m[r0 + g];
          long p1 = m[r1 + g];
          long p2 = m[r2 + g];
          long ev = w0 * (p0 & EVEN) + w1 * (p1 & EVEN) + w2 * (p2 & EVEN);
          long od = w0 * ((p0 >>> 8) & EVEN) + w1 * ((p1 >>> 8) & EVEN) + w2 * ((p2 >>> 8) & EVEN);
          LONGS.set(t, g << 3, ev);
          LONGS.set(t, half + (g << 3), od);
        }
      } else {
        for (int g = 0; g < groups; g++) {
          long ev = 0;
          long od = 0;
          for (int k = 0; k < nz; k++) {
            long p = m[rowNzOffset[base + k] * groups + g];
            long wk = rowNzWeight[base + k];
            ev += wk * (p & EVEN);
            od += wk * ((p >>> 8) & EVEN);
          }
          LONGS.set(t, g << 3, ev);
          LONGS.set(t, half + (g << 3), od);
        }
      }
      byte[] out = lastOutput;
      int o = i * dstW;
      final int round = ONE * ONE / 2;
      if (colTaps == 3) {
        int[] cw = colWeights;
        int[] cl = colLane;
        for (int j = 0, wb = 0; j < dstW; j++, wb += 3) {
          int acc =
              round
                  + cw[wb] * ((short) SHORTS.get(t, cl[wb]) & 0xffff)
                  + cw[wb + 1] * ((short) SHORTS.get(t, cl[wb + 1]) & 0xffff)
                  + cw[wb + 2] * ((short) SHORTS.get(t, cl[wb + 2]) & 0xffff);
          out[o + j] = (byte) (acc >>> 16);
        }
        continue;
      }
      for (int j = 0; j < dstW; j++) {
        int wb = j * colTaps;
        int acc = round;
        for (int k = 0; k < colTaps; k++) {
          acc += colWeights[wb + k] * ((short) SHORTS.get(t, colLane[wb + k]) & 0xffff);
        }
        out[o + j] = (byte) (acc >>> 16);
      }
    }
    remembered = true;
    System.arraycopy(lastOutput, 0, dst, dstOff, dstH * dstW);
  }

  /** Whether any of the {@code nz} source rows listed at {@code base} changed. */
  private boolean anyRowChanged(int base, int nz) {
    for (int k = 0; k < nz; k++) {
      if (rowChanged[rowNzOffset[base + k]]) {
        return true;
      }
    }
    return false;
  }

  private void columnsOfRow(int[] t, byte[] dst, int o) {
    final int half = ONE * ONE / 2;
    if (colTaps == 3) {
      for (int j = 0; j < dstW; j++) {
        int base = colStart[j];
        int wb = j * 3;
        int acc = half + colWeights[wb] * t[base] + colWeights[wb + 1] * t[base + 1]
            + colWeights[wb + 2] * t[base + 2];
        dst[o + j] = (byte) (acc >>> 16);
      }
      return;
    }
    for (int j = 0; j < dstW; j++) {
      int base = colStart[j];
      int wb = j * colTaps;
      int acc = half;
      for (int k = 0; k < colTaps; k++) {
        acc += colWeights[wb + k] * t[base + k];
      }
      dst[o + j] = (byte) (acc >>> 16);
    }
  }
}
