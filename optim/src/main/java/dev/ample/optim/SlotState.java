// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.optim;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** A {@link Tensorwise} stage's state: a step count and per-tensor slots. */
interface SlotState extends OptimizerState {

  long count();

  /** The slot lists in the order the stage's state factory takes them ({@code k} lists slot k). */
  List<List<NDArray>> slots();
}
