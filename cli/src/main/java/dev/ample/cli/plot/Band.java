// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli.plot;

import java.util.Arrays;
import java.util.List;

/**
 * Mean ± one sample standard deviation of several runs' curves, on the x values of the run with
 * the most points in the range all runs cover (the others interpolated linearly there). On a
 * logarithmic axis the statistics are taken over log10 of the values (a geometric mean times or
 * divided by the geometric standard deviation), so the band stays positive and symmetric on the
 * axis.
 */
record Band(double[] x, double[] mean, double[] lower, double[] upper) {

  /** The band of {@code runs} (at least 2, none empty), or null when their x ranges do not meet. */
  static Band of(List<Series> runs, boolean logarithmic) {
    double from = Double.NEGATIVE_INFINITY;
    double to = Double.POSITIVE_INFINITY;
    for (Series s : runs) {
      from = Math.max(from, s.x()[0]);
      to = Math.min(to, s.x()[s.size() - 1]);
    }
    if (from > to) {
      return null;
    }
    double[] grid = densestWithin(runs, from, to);
    int n = runs.size();
    double[] mean = new double[grid.length];
    double[] lower = new double[grid.length];
    double[] upper = new double[grid.length];
    double[] values = new double[n];
    for (int i = 0; i < grid.length; i++) {
      double m = 0;
      for (int r = 0; r < n; r++) {
        double v = runs.get(r).interpolate(grid[i]);
        values[r] = logarithmic ? Math.log10(v) : v;
        m += values[r] / n;
      }
      double squares = 0;
      for (double v : values) {
        squares += (v - m) * (v - m);
      }
      double sd = Math.sqrt(squares / (n - 1));
      mean[i] = logarithmic ? Math.pow(10, m) : m;
      lower[i] = logarithmic ? Math.pow(10, m - sd) : m - sd;
      upper[i] = logarithmic ? Math.pow(10, m + sd) : m + sd;
    }
    return new Band(grid, mean, lower, upper);
  }

  /** x of the band's outline: the upper edge left to right, then the lower edge back. */
  double[] outlineX() {
    return closedPolygon(x, x);
  }

  /** y of the band's outline, matching {@link #outlineX()}. */
  double[] outlineY() {
    return closedPolygon(upper, lower);
  }

  private static double[] closedPolygon(double[] there, double[] back) {
    int n = there.length;
    double[] out = new double[2 * n];
    for (int i = 0; i < n; i++) {
      out[i] = there[i];
      out[2 * n - 1 - i] = back[i];
    }
    return out;
  }

  private static double[] densestWithin(List<Series> runs, double from, double to) {
    double[] best = new double[0];
    for (Series s : runs) {
      double[] within = Arrays.stream(s.x()).filter(v -> v >= from && v <= to).toArray();
      if (within.length > best.length) {
        best = within;
      }
    }
    return best;
  }
}
