// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs;

import java.util.Arrays;

/**
 * Shape and element type of one environment's observation. Pixel envs give {@link Dtype#UINT8}
 * (e.g. 4x84x84 for stacked Atari frames, channel first); vector envs such as CartPole give {@link
 * Dtype#FLOAT32}.
 *
 * @param shape observation shape of one env, without the batch dimension
 * @param dtype element type
 */
public record ObservationSpace(int[] shape, Dtype dtype) {

  /** Element type of observations. */
  public enum Dtype {
    UINT8,
    FLOAT32
  }

  public ObservationSpace {
    shape = shape.clone();
  }

  /** Number of elements in one env's observation. */
  public int size() {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObservationSpace other
        && Arrays.equals(shape, other.shape)
        && dtype == other.dtype;
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + dtype.hashCode();
  }

  @Override
  public String toString() {
    return dtype + Arrays.toString(shape);
  }
}
