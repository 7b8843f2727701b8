// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.atari;

import java.util.stream.IntStream;

/**
 * Bilinear resize of an 8-bit grayscale frame, bit for bit what OpenCV's {@code cv2.resize(frame,
 * (dstW, dstH), interpolation=cv2.INTER_LINEAR)} gives: the resize of the Eve authors' Dopamine /
 * SEED RL preprocessing (DESIGN.md §7). Read from OpenCV 4.x {@code
 * modules/imgproc/src/resize.cpp} and checked on every pixel against OpenCV 4.6.0
 * (BilinearResizeTest):
 *
 * <ul>
 *   <li>Pixel centres: output pixel {@code d} samples the source at {@code f = (float) ((d + 0.5)
 *       * scale - 0.5)} ({@code scale = 1 / (dst / src)} in double, {@code f} in float), that is
 *       pixels {@code s = floor(f)} and {@code s + 1} with weights {@code 1 - t} and {@code t},
 *       {@code t = f - s} (float), each rounded half to even to 11-bit fixed point ({@code
 *       round(w * 2048)}, OpenCV's {@code INTER_RESIZE_COEF_BITS}).
 *   <li>Borders: across a row, a sample left of the first pixel or right of the last one takes
 *       that pixel whole ({@code t = 0}); down a column, the two source rows are clamped into the
 *       image and keep their weights.
 *   <li>Rows of sums first, exactly: {@code h = w0 * p[s] + w1 * p[s + 1]} along each source row.
 *       Then down the columns with OpenCV's 16-bit truncations (the same in its SIMD and scalar
 *       code for 8 bits): {@code out = ((w0 * (h0 >> 4) >> 16) + (w1 * (h1 >> 4) >> 16) + 2) >>
 *       2}, which can be one grey level below the rounded exact bilinear value.
 * </ul>
 *
 * <p>OpenCV resizes an exact 2x shrink of both axes with its {@code INTER_AREA} code and copies a
 * frame of the same size; the formulas above give the same bytes in both cases.
 *
 * <p>The fused {@link #maxThenResize} takes the pixel-wise max of two frames first. An instance
 * remembers its last max-pooled frame, the row sums of each source row and its last output, and
 * recomputes only the source rows that changed and the output rows that read them. Not thread
 * safe.
 */
public final class BilinearResize implements Resize {
  /** Fixed-point one of the weights: OpenCV's {@code INTER_RESIZE_COEF_SCALE}. */
  private static final int ONE = 1 << 11;

  private final int srcW;
  private final int dstH;
  private final int dstW;
  /** Per output column: its two source columns and their weights. */
  private final int[] col0;
  private final int[] col1;
  private final int[] colWeight0;
  private final int[] colWeight1;
  /** Per output row: its two source rows and their weights. */
  private final int[] row0;
  private final int[] row1;
  private final int[] rowWeight0;
  private final int[] rowWeight1;
  /** The source rows some output row reads, ascending. */
  private final int[] readRows;
  /** dstW row sums per source row (only read rows are filled), row-major. */
  private final int[] rowSums;
  /** Per source row: whether the current call found it changed. */
  private final boolean[] rowChanged;
  private final PooledFrame pooled;
  /** One pooled source row, a pixel per int. */
  private final int[] sourceRow;
  private final byte[] lastOutput;
  /** Whether pooled, rowSums and lastOutput hold one completed call's results. */
  private boolean remembered;

  public BilinearResize(int srcH, int srcW, int dstH, int dstW) {
    if (srcH < 1 || srcW < 1 || dstH < 1 || dstW < 1) {
      throw new IllegalArgumentException("bilinear resize needs positive sizes: "
          + srcH + "x" + srcW + " -> " + dstH + "x" + dstW);
    }
    this.srcW = srcW;
    this.dstH = dstH;
    this.dstW = dstW;
    col0 = new int[dstW];
    col1 = new int[dstW];
    colWeight0 = new int[dstW];
    colWeight1 = new int[dstW];
    samples(srcW, dstW, true, col0, col1, colWeight0, colWeight1);
    row0 = new int[dstH];
    row1 = new int[dstH];
    rowWeight0 = new int[dstH];
    rowWeight1 = new int[dstH];
    samples(srcH, dstH, false, row0, row1, rowWeight0, rowWeight1);
    boolean[] read = new boolean[srcH];
    for (int i = 0; i < dstH; i++) {
      read[row0[i]] = true;
      read[row1[i]] = true;
    }
    readRows = IntStream.range(0, srcH).filter(r -> read[r]).toArray();
    rowSums = new int[srcH * dstW];
    rowChanged = new boolean[srcH];
    pooled = new PooledFrame(srcH, srcW);
    sourceRow = new int[pooled.longsPerRow * 8];
    lastOutput = new byte[dstH * dstW];
  }

  /**
   * OpenCV's samples along one axis: output pixel {@code d} reads source pixels {@code first[d]}
   * and {@code second[d]} with weights {@code w0[d]} and {@code w1[d]}. {@code wholeAtBorders}:
   * a sample outside the pixel centres takes the border pixel whole (OpenCV's x axis); otherwise
   * only the indices are clamped (its y axis).
   */
  private static void samples(int src, int dst, boolean wholeAtBorders,
      int[] first, int[] second, int[] w0, int[] w1) {
    double scale = 1.0 / ((double) dst / src);
    for (int d = 0; d < dst; d++) {
      float f = (float) ((d + 0.5) * scale - 0.5);
      int s = (int) Math.floor(f);
      f -= s;
      if (wholeAtBorders && s < 0) {
        s = 0;
        f = 0;
      }
      if (wholeAtBorders && s >= src - 1) {
        s = src - 1;
        f = 0;
      }
      first[d] = Math.min(Math.max(s, 0), src - 1);
      second[d] = Math.min(Math.max(s + 1, 0), src - 1);
      w0[d] = (int) Math.rint((1f - f) * ONE);
      w1[d] = (int) Math.rint(f * ONE);
    }
  }

  @Override
  public void maxThenResize(byte[] a, int aOff, byte[] b, int bOff, byte[] dst, int dstOff) {
    boolean complete = remembered;
    // Until this call completes, what is remembered need not fit together.
    remembered = false;
    for (int r : readRows) {
      boolean changed = pooled.poolRow(a, aOff + r * srcW, b, bOff + r * srcW, r, complete);
      rowChanged[r] = changed;
      if (changed) {
        sumRow(r);
      }
    }
    for (int i = 0; i < dstH; i++) {
      if (rowChanged[row0[i]] || rowChanged[row1[i]]) {
        outputRow(i);
      }
    }
    remembered = true;
    System.arraycopy(lastOutput, 0, dst, dstOff, dstH * dstW);
  }

  /** Source row {@code r}'s weighted pairs of pooled pixels, one exact sum per output column. */
  private void sumRow(int r) {
    // Unpacked once, the row is read as ints: faster than a shift per pixel read.
    pooled.unpackRow(r, sourceRow);
    int h = r * dstW;
    for (int j = 0; j < dstW; j++) {
      rowSums[h + j] = colWeight0[j] * sourceRow[col0[j]] + colWeight1[j] * sourceRow[col1[j]];
    }
  }

  /** Output row {@code i} from the row sums of its two source rows. */
  private void outputRow(int i) {
    int h0 = row0[i] * dstW;
    int h1 = row1[i] * dstW;
    int w0 = rowWeight0[i];
    int w1 = rowWeight1[i];
    int o = i * dstW;
    for (int j = 0; j < dstW; j++) {
      // Sums are at most 255 * 2049, so each product fits an int and the result a byte.
      int top = (w0 * (rowSums[h0 + j] >> 4)) >> 16;
      int bottom = (w1 * (rowSums[h1 + j] >> 4)) >> 16;
      lastOutput[o + j] = (byte) ((top + bottom + 2) >> 2);
    }
  }
}
