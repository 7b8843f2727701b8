// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * A loss given as one value per example. The per-example gradient engine sums it over the batch
 * before the backward pass, so that the gradient of example i is exactly the gradient of {@code
 * loss_i} (a mean would divide every per-example gradient by B).
 */
@FunctionalInterface
public interface PerExampleLoss {

  /**
   * @param outputs the network outputs for a batch of B examples
   * @param targets batch-first targets (labels, advantages...) for the same examples
   * @return the loss of each example, shape (B)
   */
  NDArray perExample(NDList outputs, NDList targets);
}
