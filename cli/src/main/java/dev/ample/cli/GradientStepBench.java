// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.ample.agents.CategoricalPolicy;
import dev.ample.agents.PolicyValueNetwork;
import dev.ample.learner.PpoLearner;
import dev.ample.learner.PpoLoss;
import dev.ample.learner.gradients.PerExampleGradients;
import dev.ample.learner.gradients.PerExampleGradientsConfig;
import dev.ample.optim.Optimizer;
import dev.ample.optim.OptimizerState;
import dev.ample.optim.Statistic;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One PPO minibatch's learner step, alone: random observations, actions and targets made once,
 * then {@link #step} times {@code engine.compute} in a sub-manager with every statistic touched
 * before the clock stops and, given an {@link Updater}, the optimizer's update and its addition
 * to the parameters as {@link PpoLearner} does them. {@code ample bench learner} and {@code ample
 * bench rollout} both time the learner's step this way, so their figures compare.
 */
final class GradientStepBench {

  /**
   * One timed step: wall time, the engine's share of it and that share's forward+backward part,
   * per-layer statistic cost.
   */
  record Timed(double ms, double engineMs, double forwardBackwardMs,
      Map<String, Long> layerNanos) {
    /** The optimizer update and the parameter addition (0 for an engine-only step). */
    double updateMs() {
      return ms - engineMs;
    }
  }

  /**
   * An optimizer with its state over this bench's network, advanced by each step it is given to:
   * the parameters change as in training (the minibatch stays the same).
   */
  final class Updater {
    private final Optimizer optimizer;
    private OptimizerState state;

    private Updater(Optimizer optimizer) {
      this.optimizer = optimizer;
      this.state = optimizer.init(params);
    }

    Set<Statistic> statistics() {
      return optimizer.requiredStatistics();
    }

    private void apply(PerExampleGradients.Result res) {
      Optimizer.Step s = optimizer.update(res.stats(), state, params);
      state = s.state();
      PpoLearner.applyUpdates(params, s.updates());
    }
  }

  private final NDManager base;
  private final PerExampleGradients engine;
  private final PpoLoss loss;
  private final NDList inputs;
  private final NDList targets;
  private final List<NDArray> params;

  private GradientStepBench(NDManager base, PerExampleGradients engine, PpoLoss loss,
      NDList inputs, NDList targets) {
    this.base = base;
    this.engine = engine;
    this.loss = loss;
    this.inputs = inputs;
    this.targets = targets;
    this.params = engine.parameters().stream().map(Parameter::getArray).toList();
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

  /** An optimizer stage for {@link #step}, its state initialised on this bench's network. */
  Updater updater(Optimizer optimizer) {
    return new Updater(optimizer);
  }

  /** One engine step computing {@code stats}, timed. */
  Timed step(Set<Statistic> stats) {
    return step(stats, null);
  }

  /** One learner step: the engine with the updater's statistics, then its update, timed. */
  Timed step(Updater updater) {
    return step(updater.statistics(), updater);
  }

  private Timed step(Set<Statistic> stats, Updater updater) {
    long t0 = System.nanoTime();
    PerExampleGradients.Result res;
    long engineNanos;
    try (NDManager scope = base.newSubManager()) {
      res = engine.compute(scope, inputs, targets, loss, stats);
      // Touch a statistic so nothing lazy escapes the clock (PyTorch CPU is eager).
      res.stats().get(0).mean().sum().getFloat();
      engineNanos = System.nanoTime() - t0;
      if (updater != null) {
        updater.apply(res);
      }
    }
    long t1 = System.nanoTime();
    return new Timed((t1 - t0) / 1e6, engineNanos / 1e6, res.forwardBackwardNanos() / 1e6,
        res.layerNanos());
  }
}
