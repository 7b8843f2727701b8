// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.builtin;

import dev.ample.envs.ObservationSpace;
import java.util.SplittableRandom;

/**
 * One copy of a pure-Java environment. {@link BuiltinVectorEnv} runs N of them with autoreset and
 * episode accounting, so an implementation only holds the game's state and dynamics.
 */
public interface BuiltinEnv {

  /** Observation space of this env. */
  ObservationSpace observationSpace();

  /** Number of discrete actions. */
  int numActions();

  /** Starts a new episode, drawing any randomness from {@code rng}. */
  void reset(SplittableRandom rng);

  /** Applies an action and returns the reward; then {@link #terminated}/{@link #truncated} say
   * whether the episode ended. */
  float step(int action);

  /** The last step reached a terminal state. */
  boolean terminated();

  /** The last step hit the time limit. */
  boolean truncated();

  /** Writes the current observation at {@code offset} (UINT8 envs). */
  default void writeObservation(byte[] dst, int offset) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has float observations");
  }

  /** Writes the current observation at {@code offset} (FLOAT32 envs). */
  default void writeObservation(float[] dst, int offset) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has byte observations");
  }
}
