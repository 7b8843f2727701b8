// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout;

import dev.ample.envs.ObservationSpace;
import dev.ample.envs.StepResult;
import dev.ample.envs.VectorEnv;

/**
 * Passes through to a vector env and throws on its {@code failAt}-th step, like a dead worker; it
 * can also run a hook before a step, or claim another frame count.
 */
final class FailingVectorEnv implements VectorEnv {
  private final VectorEnv inner;
  private final int failAt;
  private int framesPerStep;
  private int hookAt = -1;
  private Runnable hook;
  private int steps;
  volatile boolean closed;
  boolean failReset;

  FailingVectorEnv(VectorEnv inner, int failAt) {
    this.inner = inner;
    this.failAt = failAt;
  }

  @Override
  public int numEnvs() {
    return inner.numEnvs();
  }

  @Override
  public ObservationSpace observationSpace() {
    return inner.observationSpace();
  }

  @Override
  public int numActions() {
    return inner.numActions();
  }

  @Override
  public int framesPerStep() {
    return framesPerStep > 0 ? framesPerStep : inner.framesPerStep();
  }

  /** This env, claiming {@code frames} emulator frames per step. */
  FailingVectorEnv withFramesPerStep(int frames) {
    framesPerStep = frames;
    return this;
  }

  @Override
  public StepResult reset(long seed) {
    if (failReset) {
      throw new IllegalStateException("gymnasium worker did not start");
    }
    return inner.reset(seed);
  }

  @Override
  public StepResult step(int[] actions) {
    if (++steps == failAt) {
      throw new IllegalStateException("gymnasium worker died (exit code 137)\nstack of the worker");
    }
    if (steps == hookAt) {
      hook.run();
    }
    return inner.step(actions);
  }

  /** Runs {@code action} on this env's thread just before its {@code step}-th step. */
  void onStep(int step, Runnable action) {
    hookAt = step;
    hook = action;
  }

  @Override
  public void close() {
    closed = true;
    inner.close();
  }
}
