// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli.plot;

import java.util.Arrays;

/** Points of one curve, x ascending (agent steps). */
public record Series(double[] x, double[] y) {

  public Series {
    if (x.length != y.length) {
      throw new IllegalArgumentException(x.length + " x values but " + y.length + " y values");
    }
  }

  public int size() {
    return x.length;
  }

  public boolean isEmpty() {
    return x.length == 0;
  }

  /** Only the points with y > 0 (what a logarithmic axis can show). */
  public Series positive() {
    int n = 0;
    for (double v : y) {
      n += v > 0 ? 1 : 0;
    }
    double[] px = new double[n];
    double[] py = new double[n];
    int k = 0;
    for (int i = 0; i < x.length; i++) {
      if (y[i] > 0) {
        px[k] = x[i];
        py[k++] = y[i];
      }
    }
    return new Series(px, py);
  }

  /** The points with x >= {@code start}. */
  public Series from(double start) {
    int first = 0;
    while (first < x.length && x[first] < start) {
      first++;
    }
    return new Series(Arrays.copyOfRange(x, first, x.length), Arrays.copyOfRange(y, first,
        y.length));
  }

  /** y at {@code at} by linear interpolation; {@code at} must lie within [x[0], x[last]]. */
  double interpolate(double at) {
    int found = Arrays.binarySearch(x, at);
    if (found >= 0) {
      return y[found];
    }
    int hi = -found - 1; // first x above at
    double w = (at - x[hi - 1]) / (x[hi] - x[hi - 1]);
    return y[hi - 1] + w * (y[hi] - y[hi - 1]);
  }
}
