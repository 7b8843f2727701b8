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
