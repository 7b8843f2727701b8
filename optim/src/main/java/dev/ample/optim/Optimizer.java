// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.optim;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Set;

/**
 * An optimizer as a pure transformation, in the init/update style of Optax: {@code init(params) ->
 * state} and {@code update(stats, state, params) -> (updates, state)}. Parameters are updated by
 * adding the returned updates ({@code p <- p + u}); the optimizer never mutates parameters itself.
 *
 * <p>Each optimizer declares the per-example statistics it needs ({@link #requiredStatistics()});
 * the learner computes exactly those.
 *
 * <p>Memory ownership (the optimizers of this module, see {@link Tensorwise} and {@link
 * ConfiguredOptimizer}): state arrays live in the manager of the parameters given to {@link #init}
 * (or of the manager a state was decoded into, {@link OptimizerStates#decode}) and survive any
 * per-step sub-manager; {@link #update} consumes its input state (closes its arrays once the next
 * state exists), so save a state before updating it if you need it again; the returned updates live
 * in the manager of the corresponding {@link TensorStats#mean()}, i.e. they die with the caller's
 * per-step manager. Updates and states are always new arrays; inputs are never modified. Registry
 * optimizers ({@link Optimizers#create}) check the statistics for NaN/infinity before touching any
 * state.
 */
public interface Optimizer {

  /** The registry name, e.g. {@code adam} or {@code eve}. */
  String name();

  /** The statistics {@link #update} reads; always contains {@link Statistic#MEAN}. */
  Set<Statistic> requiredStatistics();

  /** A fresh state for these parameters (on their device). */
  OptimizerState init(List<NDArray> params);

  /**
   * One optimizer step.
   *
   * @param stats gradient statistics, one entry per parameter, carrying at least {@link
   *     #requiredStatistics()}
   * @param state the state returned by {@link #init} or the previous update
   * @param params current parameter values (read only; some optimizers, e.g. AdamW, need them)
   * @return the additive updates, one per parameter, and the next state
   */
  Step update(GradientStats stats, OptimizerState state, List<NDArray> params);

  /**
   * Result of {@link #update}.
   *
   * @param updates additive parameter updates, same order and shapes as the parameters
   * @param state the next optimizer state
   * @param learningRate the learning rate this step used (for logging), NaN where undefined
   */
  record Step(List<NDArray> updates, OptimizerState state, double learningRate) {}
}
