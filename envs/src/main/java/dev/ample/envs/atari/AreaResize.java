package dev.ample.envs.atari;

/**
 * Resizes a grayscale image by area averaging: each output pixel is the mean of the source area it
 * covers, partially covered source pixels weighted by their covered fraction. This is the
 * definition of OpenCV's {@code INTER_AREA}, which Gymnasium's and baselines' Atari wrappers use.
 *
 * <p>Computed separably (rows, then columns) in fixed point: each pass's weights are integers
 * summing exactly to 256, and the result is rounded to nearest. Results can differ from OpenCV's
 * by at most 1 grey level. The fused {@link #maxThenResize} takes the pixel-wise max of two frames
 * first (the Atari flicker max-pool). Not thread safe: it reuses internal buffers.
 */
public final class AreaResize {
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
  private final int[] maxed;
  private final int[] rowPass;

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
    maxed = new int[srcH * srcW];
    rowPass = new int[dstH * srcW];
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

  /** Resizes {@code src} (srcH x srcW at srcOff) into {@code dst} (dstH x dstW at dstOff). */
  public void resize(byte[] src, int srcOff, byte[] dst, int dstOff) {
    maxThenResize(src, srcOff, src, srcOff, dst, dstOff);
  }

  /** Resizes the pixel-wise max of {@code a} and {@code b} into {@code dst}. */
  public void maxThenResize(byte[] a, int aOff, byte[] b, int bOff, byte[] dst, int dstOff) {
    int w = srcW;
    int[] m = maxed;
    int[] t = rowPass;
    // Rows pass with the max fused in: each source row is max-pooled once (into m) the first time
    // an output row needs it; rows shared by two output rows are reused from m.
    int done = -1;
    for (int i = 0; i < dstH; i++) {
      int first = rowStart[i];
      int lastNeeded = first;
      for (int k = 0; k < rowTaps; k++) {
        if (rowWeights[i * rowTaps + k] != 0) {
          lastNeeded = first + k;
        }
      }
      for (int r = Math.max(done + 1, first); r <= lastNeeded; r++) {
        int so = r * w;
        for (int c = 0; c < w; c++) {
          int x = a[aOff + so + c] & 0xff;
          int y = b[bOff + so + c] & 0xff;
          m[so + c] = x > y ? x : y;
        }
      }
      done = Math.max(done, lastNeeded);
      int out = i * w;
      int r0 = first * w;
      int w0 = rowWeights[i * rowTaps];
      for (int c = 0; c < w; c++) {
        t[out + c] = w0 * m[r0 + c];
      }
      for (int k = 1; k < rowTaps; k++) {
        int wk = rowWeights[i * rowTaps + k];
        if (wk == 0) {
          continue;
        }
        int rk = r0 + k * w;
        for (int c = 0; c < w; c++) {
          t[out + c] += wk * m[rk + c];
        }
      }
    }
    columns(t, dst, dstOff);
  }

  private void columns(int[] t, byte[] dst, int dstOff) {
    final int half = ONE * ONE / 2;
    int w = srcW;
    if (colTaps == 3) {
      for (int i = 0; i < dstH; i++) {
        int row = i * w;
        int o = dstOff + i * dstW;
        for (int j = 0; j < dstW; j++) {
          int base = row + colStart[j];
          int wb = j * 3;
          int acc = half + colWeights[wb] * t[base] + colWeights[wb + 1] * t[base + 1]
              + colWeights[wb + 2] * t[base + 2];
          dst[o + j] = (byte) (acc >>> 16);
        }
      }
      return;
    }
    for (int i = 0; i < dstH; i++) {
      int row = i * w;
      int o = dstOff + i * dstW;
      for (int j = 0; j < dstW; j++) {
        int base = row + colStart[j];
        int wb = j * colTaps;
        int acc = half;
        for (int k = 0; k < colTaps; k++) {
          acc += colWeights[wb + k] * t[base + k];
        }
        dst[o + j] = (byte) (acc >>> 16);
      }
    }
  }
}
