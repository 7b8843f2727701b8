// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.optim;

import java.util.Map;
import java.util.function.LongToDoubleFunction;

/**
 * The published update rules in plain {@code double} arithmetic, written independently of the
 * implementation (no call into {@code dev.ample.optim} code), element by element over a flattened
 * parameter vector. Used as the golden reference in {@link OptimizerTableTest}.
 */
final class ReferenceOptimizers {

  private ReferenceOptimizers() {}

  /** One reference optimizer: the additive update for the current parameters and statistics. */
  interface Reference {
    /**
     * @param p current parameters
     * @param mu mean gradient
     * @param s examplewise second moment
     * @param sm per-example sign mean
     * @param batch B
     * @return the additive update
     */
    double[] update(double[] p, double[] mu, double[] s, double[] sm, int batch);
  }

  /** Learning rate of the update with 0-based index k, for a schedule spec. */
  static LongToDoubleFunction lr(double lr, String schedule) {
    String[] parts = schedule.split(":");
    switch (parts[0]) {
      case "linear": {
        double n = Double.parseDouble(parts[1]);
        return k -> lr * Math.max(0, 1 - k / n);
      }
      case "cosine": {
        double w = Double.parseDouble(parts[1]);
        double n = Double.parseDouble(parts[2]);
        return k -> k < w ? lr * (k + 1) / w : lr * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, (k - w) / (n - w))));
      }
      default:
        return k -> lr;
    }
  }

  private static double num(Map<String, Object> hp, String key, double def) {
    Object v = hp.get(key);
    return v == null ? def : ((Number) v).doubleValue();
  }

  static Reference make(String name, Map<String, Object> hp, int n) {
    double lr0 = num(hp, "lr", Double.NaN);
    LongToDoubleFunction lr = lr(lr0, (String) hp.getOrDefault("schedule", "constant"));
    double b1 = num(hp, "b1", 0.9);
    double b2 = num(hp, "b2", 0.999);
    double eps = num(hp, "eps", 1e-8);
    double epsRoot = num(hp, "eps_root", 0);
    double beta = num(hp, "beta", 0.9);
    double[] m = new double[n];
    double[] v = new double[n];
    double[] w = new double[n];
    long[] t = {0};
    return (p, mu, s, sm, batch) -> {
      long k = t[0]++;
      long step = k + 1;
      double a = lr.applyAsDouble(k);
      double bc1 = 1 - Math.pow(b1, step);
      double bc2 = 1 - Math.pow(b2, step);
      double[] u = new double[n];
      for (int j = 0; j < n; j++) {
        double g = mu[j];
        switch (name) {
          case "sgd" -> u[j] = -a * g;
          case "momentum" -> {
            m[j] = beta * m[j] + (1 - beta) * g;
            u[j] = -a * m[j];
          }
          case "momentum-velocity" -> {
            m[j] = beta * m[j] + g;
            u[j] = -a * m[j];
          }
          case "nesterov" -> {
            m[j] = beta * m[j] + g;
            u[j] = -a * (g + beta * m[j]);
          }
          case "adagrad" -> {
            if (k == 0) {
              m[j] = num(hp, "initial_accumulator", 0);
            }
            m[j] += g * g;
            u[j] = -a * g / (Math.sqrt(m[j]) + num(hp, "eps", 1e-10));
          }
          case "adadelta" -> {
            double rho = num(hp, "rho", 0.9);
            double e = num(hp, "eps", 1e-6);
            m[j] = rho * m[j] + (1 - rho) * g * g;
            double d = Math.sqrt(v[j] + e) / Math.sqrt(m[j] + e) * g;
            v[j] = rho * v[j] + (1 - rho) * d * d;
            u[j] = -a * d;
          }
          case "rmsprop" -> {
            double d = num(hp, "decay", 0.99);
            v[j] = d * v[j] + (1 - d) * g * g;
            u[j] = -a * g / (Math.sqrt(v[j]) + eps);
          }
          case "rmsprop-centered" -> {
            double d = num(hp, "decay", 0.99);
            v[j] = d * v[j] + (1 - d) * g * g;
            m[j] = d * m[j] + (1 - d) * g;
            u[j] = -a * g / (Math.sqrt(v[j] - m[j] * m[j]) + eps);
          }
          case "adam", "adamw" -> {
            m[j] = b1 * m[j] + (1 - b1) * g;
            v[j] = b2 * v[j] + (1 - b2) * g * g;
            double dir = (m[j] / bc1) / (Math.sqrt(v[j] / bc2 + epsRoot) + eps);
            if (name.equals("adamw")) {
              dir += num(hp, "weight_decay", 0.01) * p[j];
            }
            u[j] = -a * dir;
          }
          case "adamax" -> {
            m[j] = b1 * m[j] + (1 - b1) * g;
            v[j] = Math.max(b2 * v[j], Math.abs(g));
            u[j] = -a * (m[j] / bc1) / (v[j] + eps);
          }
          case "nadam" -> {
            m[j] = b1 * m[j] + (1 - b1) * g;
            v[j] = b2 * v[j] + (1 - b2) * g * g;
            double mhat = b1 * m[j] / (1 - Math.pow(b1, step + 1)) + (1 - b1) * g / bc1;
            u[j] = -a * mhat / (Math.sqrt(v[j] / bc2 + epsRoot) + eps);
          }
          case "amsgrad" -> {
            m[j] = b1 * m[j] + (1 - b1) * g;
            v[j] = b2 * v[j] + (1 - b2) * g * g;
            w[j] = Math.max(w[j], v[j]);
            u[j] = -a * (m[j] / bc1) / (Math.sqrt(w[j] / bc2 + epsRoot) + eps);
          }
          case "radam" -> {
            m[j] = b1 * m[j] + (1 - b1) * g;
            v[j] = b2 * v[j] + (1 - b2) * g * g;
            double rhoInf = 2 / (1 - b2) - 1;
            double rho = rhoInf - 2 * step * Math.pow(b2, step) / (1 - Math.pow(b2, step));
            if (rho > 4) {
              double r = Math.sqrt((rho - 4) * (rho - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rho));
              u[j] = -a * r * (m[j] / bc1) / (Math.sqrt(v[j] / bc2 + epsRoot) + eps);
            } else {
              u[j] = -a * m[j] / bc1;
            }
          }
          case "eve" -> {
            m[j] = b1 * m[j] + (1 - b1) * g;
            v[j] = b2 * v[j] + (1 - b2) * s[j];
            double mhat = m[j] / bc1;
            double vhat = v[j] / bc2;
            boolean corr = (Boolean) hp.getOrDefault("batch_correction", true);
            double vt = corr ? vhat / batch + (1 - 1.0 / batch) * mhat * mhat : vhat;
            u[j] = -a * mhat / (Math.sqrt(vt + epsRoot) + eps);
          }
          case "signsgd" -> u[j] = -a * Math.signum(g);
          case "sign-mean" -> u[j] = -a * sm[j];
          case "signema" -> {
            m[j] = beta * m[j] + (1 - beta) * g;
            u[j] = -a * Math.signum(m[j]);
          }
          case "examplewise", "microadam-var", "microadam-msq" -> {
            double ca = name.equals("microadam-var") ? 0 : name.equals("microadam-msq") ? 1 : num(hp, "a", 1);
            double cc = name.equals("microadam-var") ? 1 : name.equals("microadam-msq") ? 0 : num(hp, "c", 0);
            double var = batch > 1 ? (s[j] - g * g) * batch / (batch - 1) : 0;
            double msq = g * g - var / batch;
            m[j] = b1 * m[j] + (1 - b1) * g;
            v[j] = b2 * v[j] + (1 - b2) * (ca * msq + cc * var);
            double vhat = Math.max(v[j] / bc2, 0);
            u[j] = -a * (m[j] / bc1) / (Math.sqrt(vhat + epsRoot) + eps);
          }
          default -> throw new IllegalArgumentException("no reference for " + name);
        }
      }
      return u;
    };
  }
}
