// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout;

import dev.ample.envs.ObservationSpace;
import dev.ample.envs.builtin.BuiltinEnv;
import dev.ample.envs.builtin.CartPole;
import java.util.SplittableRandom;

/** CartPole with a time limit of {@code limit} steps, so that short tests see truncation. */
final class ShortCartPole implements BuiltinEnv {
  private final CartPole cartPole = new CartPole();
  private final int limit;
  private int steps;

  ShortCartPole(int limit) {
    this.limit = limit;
  }

  @Override
  public ObservationSpace observationSpace() {
    return cartPole.observationSpace();
  }

  @Override
  public int numActions() {
    return cartPole.numActions();
  }

  @Override
  public void reset(SplittableRandom rng) {
    cartPole.reset(rng);
    steps = 0;
  }

  @Override
  public float step(int action) {
    steps++;
    return cartPole.step(action);
  }

  @Override
  public boolean terminated() {
    return cartPole.terminated();
  }

  @Override
  public boolean truncated() {
    return !cartPole.terminated() && (cartPole.truncated() || steps >= limit);
  }

  @Override
  public void writeObservation(float[] dst, int offset) {
    cartPole.writeObservation(dst, offset);
  }
}
