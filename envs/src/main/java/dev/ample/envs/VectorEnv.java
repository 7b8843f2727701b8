// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs;

/**
 * N copies of an environment stepped together. Implementations: built-in Java envs, native ALE,
 * and Gymnasium through a Python worker. Not thread safe: one caller at a time.
 *
 * <p>Seeding: {@code reset(seed)} seeds env {@code i} with {@code seed + i}; the same seed and the
 * same action sequence give the same observations.
 */
public interface VectorEnv extends AutoCloseable {

  /** N, the number of env copies. */
  int numEnvs();

  /** Observation space of one env. */
  ObservationSpace observationSpace();

  /** Number of discrete actions; actions are {@code 0..numActions()-1}. */
  int numActions();

  /**
   * Emulator frames one agent step advances each env by: the Atari frame skip, 1 for envs that
   * have no frames of their own (built-in envs, Gymnasium ids other than ALE games).
   */
  int framesPerStep();

  /** Resets every env; rewards are 0 and no episode has ended. */
  StepResult reset(long seed);

  /** Steps every env with its action (length N), autoresetting ended episodes. */
  StepResult step(int[] actions);

  /** Releases native resources and worker processes. Idempotent. */
  @Override
  void close();
}
