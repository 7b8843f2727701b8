// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs an optimizer on a flat parameter vector split into tensors of given shapes, the way the
 * learner will: statistics in a per-step sub-manager, parameters and state in a long-lived one.
 */
final class OptimizerDriver implements AutoCloseable {

  final NDManager root;
  final NDManager paramManager;
  final Optimizer optimizer;
  final List<Shape> shapes;
  List<NDArray> params;
  OptimizerState state;
  Optimizer.Step lastStep;

  OptimizerDriver(Optimizer optimizer, double[] start, Shape... shapes) {
    this.root = NDManager.newBaseManager();
    this.paramManager = root.newSubManager();
    this.optimizer = optimizer;
    this.shapes = List.of(shapes);
    this.params = split(paramManager, start);
    this.state = optimizer.init(params);
  }

  List<NDArray> split(NDManager manager, double[] flat) {
    List<NDArray> out = new ArrayList<>();
    int at = 0;
    for (Shape s : shapes) {
      float[] part = new float[(int) s.size()];
      for (int j = 0; j < part.length; j++) {
        part[j] = (float) flat[at++];
      }
      out.add(manager.create(part, s));
    }
    return out;
  }

  static double[] flat(List<NDArray> arrays) {
    List<Float> all = new ArrayList<>();
    for (NDArray a : arrays) {
      for (float f : a.toFloatArray()) {
        all.add(f);
      }
    }
    double[] out = new double[all.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = all.get(i);
    }
    return out;
  }

  double[] params() {
    return flat(params);
  }

  /** One step; the returned updates are copied to the heap before the step manager closes. */
  double[] step(double[] mu, double[] s, double[] sm, int batch) {
    try (NDManager stepManager = paramManager.newSubManager()) {
      List<TensorStats> stats = new ArrayList<>();
      List<NDArray> mus = split(stepManager, mu);
      List<NDArray> ss = s == null ? null : split(stepManager, s);
      List<NDArray> sms = sm == null ? null : split(stepManager, sm);
      for (int i = 0; i < shapes.size(); i++) {
        stats.add(new TensorStats(mus.get(i), ss == null ? null : ss.get(i), sms == null ? null : sms.get(i), null));
      }
      Optimizer.Step step = optimizer.update(new GradientStats(batch, stats), state, params);
      state = step.state();
      lastStep = step;
      List<NDArray> next = new ArrayList<>();
      for (int i = 0; i < params.size(); i++) {
        NDArray p = params.get(i).add(step.updates().get(i));
        p.attach(paramManager);
        next.add(p);
        params.get(i).close();
      }
      params = next;
      return flat(step.updates());
    }
  }

  @Override
  public void close() {
    root.close();
  }
}
