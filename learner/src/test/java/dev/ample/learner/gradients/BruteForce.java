// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner.gradients;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.ample.learner.PerExampleLoss;
import java.util.ArrayList;
import java.util.List;

/**
 * Reference per-example gradients: B separate single-example forward/backward passes through the
 * network's own {@code forward}, statistics accumulated in double on the host.
 */
final class BruteForce {

  /** Per parameter: mean, second moment, sign mean (flattened), squared norms (B). */
  record Stats(double[] mean, double[] second, double[] sign, double[] norms) {}

  private BruteForce() {}

  static List<Stats> compute(
      Block net, List<Parameter> params, NDManager m, NDList x, NDList t, PerExampleLoss loss) {
    int batch = (int) x.get(0).getShape().get(0);
    List<Stats> out = new ArrayList<>();
    for (Parameter p : params) {
      int n = (int) p.getArray().size();
      out.add(new Stats(new double[n], new double[n], new double[n], new double[batch]));
    }
    for (int i = 0; i < batch; i++) {
      try (NDManager ex = m.newSubManager()) {
        for (Parameter p : params) {
          NDArray g = p.getArray().getGradient();
          g.attach(ex);
          g.subi(g);
        }
        NDList xi = slice(x, i, ex);
        NDList ti = slice(t, i, ex);
        try (GradientCollector gc = ex.getEngine().newGradientCollector()) {
          NDList o = net.forward(new ParameterStore(ex, false), xi, true);
          gc.backward(loss.perExample(o, ti).sum());
        }
        for (int j = 0; j < params.size(); j++) {
          NDArray g = params.get(j).getArray().getGradient();
          g.attach(ex);
          float[] v = g.toFloatArray();
          Stats s = out.get(j);
          double norm = 0;
          for (int k = 0; k < v.length; k++) {
            s.mean()[k] += v[k] / (double) batch;
            s.second()[k] += (double) v[k] * v[k] / batch;
            s.sign()[k] += Math.signum(v[k]) / batch;
            norm += (double) v[k] * v[k];
          }
          s.norms()[i] = norm;
        }
      }
    }
    return out;
  }

  static NDList slice(NDList list, int i, NDManager into) {
    NDList out = new NDList();
    for (NDArray a : list) {
      NDArray s = a.get(new NDIndex("{}:{}", i, i + 1));
      s.attach(into);
      out.add(s);
    }
    return out;
  }

  /** {@code max|a - b| / max(max|b|, 1e-12)}. */
  static double relativeError(float[] a, double[] b) {
    double diff = 0;
    double scale = 1e-12;
    for (int k = 0; k < b.length; k++) {
      diff = Math.max(diff, Math.abs(a[k] - b[k]));
      scale = Math.max(scale, Math.abs(b[k]));
    }
    return diff / scale;
  }
}
