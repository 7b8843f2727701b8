// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.optim;

/**
 * Test problems with per-example gradients, in plain double arithmetic. Each example's gradient is
 * the true gradient plus a per-example offset; the offsets sum to zero over the batch, so the mean
 * gradient is exact while the second moment and the per-example signs carry real spread.
 */
final class Problems {

  private Problems() {}

  /** A loss with per-example gradients over a flat parameter vector. */
  interface Problem {
    double[] start();

    double loss(double[] p);

    double[] gradient(double[] p);

    /** Spread of the per-example offsets. */
    double spread();
  }

  /** The batch statistics, rounded to float as the NDArrays will hold them. */
  record Stats(double[] mu, double[] s, double[] sm) {}

  static final int BATCH = 4;

  /** mean, second moment and sign mean of B = 4 examples {@code grad + d_i}, sum_i d_i = 0. */
  static Stats stats(double[] grad, double spread) {
    int n = grad.length;
    double[] mu = new double[n];
    double[] s = new double[n];
    double[] sm = new double[n];
    for (int j = 0; j < n; j++) {
      double e = spread * (1 + 0.1 * j);
      double[] d = {e, -e, 0.5 * e, -0.5 * e};
      double sum = 0;
      double sq = 0;
      double sg = 0;
      for (double di : d) {
        double g = grad[j] + di;
        sum += g;
        sq += g * g;
        sg += Math.signum(g);
      }
      mu[j] = (float) (sum / BATCH);
      s[j] = (float) (sq / BATCH);
      sm[j] = (float) (sg / BATCH);
    }
    return new Stats(mu, s, sm);
  }

  /** {@code 0.5 sum_j h_j (p_j - c_j)^2}. */
  static Problem quadratic() {
    double[] h = {0.5, 1, 2, 1.5, 0.8, 1.2};
    double[] c = {0.5, -1, 0.3, 0.8, -0.4, 1};
    return new Problem() {
      public double[] start() {
        return new double[6];
      }

      public double loss(double[] p) {
        double l = 0;
        for (int j = 0; j < 6; j++) {
          l += 0.5 * h[j] * (p[j] - c[j]) * (p[j] - c[j]);
        }
        return l;
      }

      public double[] gradient(double[] p) {
        double[] g = new double[6];
        for (int j = 0; j < 6; j++) {
          g[j] = h[j] * (p[j] - c[j]);
        }
        return g;
      }

      public double spread() {
        return 0.02;
      }
    };
  }

  /** {@code (1-x)^2 + 100 (y - x^2)^2} from (-1, 1); minimum 0 at (1, 1). */
  static Problem rosenbrock() {
    return new Problem() {
      public double[] start() {
        return new double[] {-1, 1};
      }

      public double loss(double[] p) {
        double x = p[0];
        double y = p[1];
        return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
      }

      public double[] gradient(double[] p) {
        double x = p[0];
        double y = p[1];
        return new double[] {-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)};
      }

      public double spread() {
        return 0.05;
      }
    };
  }
}
