// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.ample.agents.CategoricalPolicy;
import dev.ample.agents.PolicyValueNetwork;
import dev.ample.learner.PpoLoss;
import dev.ample.learner.gradients.PerExampleGradients;
import dev.ample.learner.gradients.PerExampleGradientsConfig;
import dev.ample.optim.Statistic;
import java.util.Map;
import java.util.Set;

/**
 * One PPO minibatch's gradient step through the per-example engine, alone: random observations,
 * actions and targets made once, then {@link #step} times {@code engine.compute} in a sub-manager
 * with every statistic touched before the clock stops. {@code ample bench learner} and {@code
 * ample bench rollout} both time the learner's step this way, so their figures compare.
 */
final class GradientStepBench {

  /** One timed step: wall time, the engine's forward+backward share, per-layer statistic cost. */
  record Timed(double ms, double forwardBackwardMs, Map<String, Long> layerNanos) {}

  private final NDManager base;
  private final PerExampleGradients engine;
  private final PpoLoss loss;
  private final NDList inputs;
  private final NDList targets;

  private GradientStepBench(NDManager base, PerExampleGradients engine, PpoLoss loss,
      NDList inputs, NDList targets) {
    this.base = base;
    this.engine = engine;
    this.loss = loss;
    this.inputs = inputs;
    this.targets = targets;
  }

  /**
   * A minibatch of random observations of {@code shape} (batch first; pixels 0..255 when {@code
   * uint8}, else standard normal) for an initialised {@code network}, with old log-probs near the
   * network's own (so the ratio is near 1, as in PPO's first epoch).
   *
   * @param base where the minibatch lives (the caller closes it)
   */
  static GradientStepBench create(NDManager base, PolicyValueNetwork network, Shape shape,
      boolean uint8, int numActions, PpoLoss loss, PerExampleGradientsConfig config) {
    int batch = Math.toIntExact(shape.get(0));
    NDArray obs = uint8
        ? base.randomInteger(0, 256, shape, DataType.INT32).toType(DataType.UINT8, false)
        : base.randomNormal(shape);
    NDArray actions = base.randomInteger(0, numActions, new Shape(batch), DataType.INT32);
    NDArray old;
    try (NDManager s = base.newSubManager()) {
      NDList out = network.forward(new ParameterStore(s, false), new NDList(obs), false);
      old = CategoricalPolicy.logProb(out.get(0), actions)
          .add(s.randomNormal(0, 0.1f, new Shape(batch), DataType.FLOAT32));
      old.attach(base);
    }
    NDList targets = PpoLoss.targets(actions, old, base.randomNormal(new Shape(batch)),
        base.randomNormal(new Shape(batch)), base.randomNormal(new Shape(batch)));
    return new GradientStepBench(base, PerExampleGradients.create(network, config), loss,
        new NDList(obs), targets);
  }

  /** The engine (its convolution check and rerouted layers are part of what is reported). */
  PerExampleGradients engine() {
    return engine;
  }

  /** One gradient step computing {@code stats}, timed. */
  Timed step(Set<Statistic> stats) {
    long t0 = System.nanoTime();
    PerExampleGradients.Result res;
    try (NDManager scope = base.newSubManager()) {
      res = engine.compute(scope, inputs, targets, loss, stats);
      // Touch a statistic so nothing lazy escapes the clock (PyTorch CPU is eager).
      res.stats().get(0).mean().sum().getFloat();
    }
    long t1 = System.nanoTime();
    return new Timed((t1 - t0) / 1e6, res.forwardBackwardNanos() / 1e6, res.layerNanos());
  }
}
