// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Base of the stages whose update is computed tensor by tensor from a step count and per-tensor
 * slots (moments, traces). It owns the memory discipline every stage shares:
 *
 * <ul>
 *   <li>the per-tensor arithmetic runs inside an {@link NDScope}, so temporaries are freed at once;
 *   <li>the returned updates are fresh arrays attached to the manager of the corresponding
 *       {@link TensorStats#mean()} (the caller's per-step manager), so they die with the step;
 *   <li>new slot arrays are attached to the manager of the slot they replace (for a fresh state,
 *       the manager of the parameters given to {@link #init}), and the replaced slot arrays are
 *       closed: {@link #update} consumes its input state.
 * </ul>
 *
 * @param <S> the stage's state record
 */
abstract class Tensorwise<S extends SlotState> implements Optimizer {

  /** Builds a stage's state record from a step count and slots ({@code slots.get(k)} lists slot k). */
  @FunctionalInterface
  interface StateFactory<S> {
    S state(long count, List<List<NDArray>> slots);
  }

  private final String name;
  private final Set<Statistic> required;
  private final Class<S> stateType;
  private final int slotCount;
  private final StateFactory<S> factory;

  /**
   * @param slotCount how many slot arrays the stage keeps per parameter tensor; {@link
   *     SlotState#slots()} may list more (e.g. empty unused ones), only the first are used
   * @param factory the state record for a step count and slots
   */
  Tensorwise(
      String name,
      Set<Statistic> required,
      Class<S> stateType,
      int slotCount,
      StateFactory<S> factory) {
    this.name = name;
    this.required = Set.copyOf(required);
    this.stateType = stateType;
    this.slotCount = slotCount;
    this.factory = factory;
  }

  /**
   * The arithmetic of one tensor at step {@code t} (starting at 1).
   *
   * @return {@code [update, newSlot0, newSlot1, ...]}
   */
  abstract NDArray[] step(TensorStats g, NDArray param, NDArray[] slots, long t, int batchSize);

  /** The initial value of slot {@code k} for a parameter; zeros unless overridden. */
  NDArray initSlot(int k, NDArray param) {
    return param.zerosLike();
  }

  /** The learning rate that step {@code t} applies, for logging; NaN for stages without one. */
  double learningRate(long t) {
    return Double.NaN;
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
    List<List<NDArray>> slots = new ArrayList<>();
    for (int k = 0; k < slotCount; k++) {
      List<NDArray> slot = new ArrayList<>(params.size());
      for (NDArray p : params) {
        slot.add(initSlot(k, p));
      }
      slots.add(Collections.unmodifiableList(slot));
    }
    return factory.state(0, slots);
  }

  @Override
  public Step update(GradientStats stats, OptimizerState state, List<NDArray> params) {
    if (!stateType.isInstance(state)) {
      throw new IllegalArgumentException(
          name + " expects a " + stateType.getSimpleName() + ", got "
              + (state == null ? "null" : state.getClass().getSimpleName()));
    }
    if (stats.size() != params.size()) {
      throw new IllegalArgumentException(
          name + ": " + stats.size() + " gradient tensors for " + params.size() + " parameters");
    }
    S s = stateType.cast(state);
    long t = s.count() + 1;
    int n = params.size();
    int k = slotCount;
    List<List<NDArray>> old = s.slots().subList(0, k);
    List<NDArray> updates = new ArrayList<>(n);
    List<List<NDArray>> next = new ArrayList<>(k);
    for (int j = 0; j < k; j++) {
      next.add(new ArrayList<>(n));
    }
    try (NDScope scope = new NDScope()) {
      for (int i = 0; i < n; i++) {
        NDArray[] in = new NDArray[k];
        for (int j = 0; j < k; j++) {
          in[j] = old.get(j).get(i);
        }
        TensorStats g = stats.get(i);
        NDArray[] out = fresh(step(g, params.get(i), in, t, stats.batchSize()), g, params.get(i), in);
        NDScope.unregister(out);
        out[0].attach(g.mean().getManager());
        updates.add(out[0]);
        for (int j = 0; j < k; j++) {
          out[j + 1].attach(in[j].getManager());
          next.get(j).add(out[j + 1]);
        }
      }
    }
    for (List<NDArray> slot : old) {
      slot.forEach(NDArray::close);
    }
    List<List<NDArray>> frozen = new ArrayList<>(k);
    next.forEach(slot -> frozen.add(Collections.unmodifiableList(slot)));
    return new Step(Collections.unmodifiableList(updates), factory.state(t, frozen), learningRate(t));
  }

  /** Copies any output that aliases an input or another output, so every output is owned once. */
  private static NDArray[] fresh(NDArray[] out, TensorStats g, NDArray param, NDArray[] slots) {
    IdentityHashMap<NDArray, Boolean> seen = new IdentityHashMap<>();
    for (Statistic st : Statistic.values()) {
      if (g.get(st) != null) {
        seen.put(g.get(st), true);
      }
    }
    seen.put(param, true);
    for (NDArray a : slots) {
      seen.put(a, true);
    }
    for (int i = 0; i < out.length; i++) {
      if (seen.containsKey(out[i])) {
        out[i] = out[i].duplicate();
      }
      seen.put(out[i], true);
    }
    return out;
  }
}
