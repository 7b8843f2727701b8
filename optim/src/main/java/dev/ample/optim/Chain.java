// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.optim;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Composition of stages, as Optax's {@code chain}: stage k+1 reads the updates of stage k as its
 * "mean gradient" (the per-example statistics stay those of the raw gradient), and the state is
 * the list of the stages' states. Adam, for instance, is {@code chain(scaleByAdam,
 * scaleByLearningRate)}. Intermediate updates are closed as soon as the next stage has used them.
 */
public final class Chain implements Optimizer {

  /** The state of a chain: one state per stage, in order. */
  public record ChainState(List<OptimizerState> states) implements OptimizerState {
    public ChainState {
      states = List.copyOf(states);
    }
  }

  private final String name;
  private final List<Optimizer> stages;
  private final Set<Statistic> required;

  private Chain(String name, List<Optimizer> stages) {
    if (stages.isEmpty()) {
      throw new IllegalArgumentException("a chain needs at least one stage");
    }
    this.name = name;
    this.stages = List.copyOf(stages);
    EnumSet<Statistic> all = EnumSet.of(Statistic.MEAN);
    stages.forEach(s -> all.addAll(s.requiredStatistics()));
    this.required = Set.copyOf(all);
  }

  public static Chain of(String name, Optimizer... stages) {
    return new Chain(name, List.of(stages));
  }

  public static Chain of(String name, List<Optimizer> stages) {
    return new Chain(name, stages);
  }

  public List<Optimizer> stages() {
    return stages;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Set<Statistic> requiredStatistics() {
    return required;
  }

  @Override
  public OptimizerState init(List<NDArray> params) {
    List<OptimizerState> states = new ArrayList<>(stages.size());
    stages.forEach(s -> states.add(s.init(params)));
    return new ChainState(states);
  }

  @Override
  public Step update(GradientStats stats, OptimizerState state, List<NDArray> params) {
    if (!(state instanceof ChainState chainState) || chainState.states().size() != stages.size()) {
      throw new IllegalArgumentException(name + " expects a ChainState of " + stages.size() + " stages");
    }
    GradientStats current = stats;
    List<NDArray> intermediate = null;
    List<OptimizerState> next = new ArrayList<>(stages.size());
    double lr = Double.NaN;
    for (int k = 0; k < stages.size(); k++) {
      Step step = stages.get(k).update(current, chainState.states().get(k), params);
      if (intermediate != null) {
        intermediate.forEach(NDArray::close);
      }
      intermediate = step.updates();
      next.add(step.state());
      if (!Double.isNaN(step.learningRate())) {
        lr = step.learningRate();
      }
      current = stats.withMeans(step.updates());
    }
    return new Step(intermediate, new ChainState(next), lr);
  }
}
