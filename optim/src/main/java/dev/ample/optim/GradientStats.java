// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.optim;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Per-example gradient statistics of a whole parameter set for one minibatch: one {@link
 * TensorStats} per parameter tensor, in the same order as the parameters handed to {@link
 * Optimizer#init} and {@link Optimizer#update}.
 *
 * <p>This is the only input type of an {@link Optimizer}: a batch-only gradient is a {@code
 * GradientStats} holding just the means ({@link #ofMeans}), so an optimizer that needs per-example
 * moments can check at wiring time ({@link #require}) that they are there.
 *
 * @param batchSize B, the number of examples the statistics were taken over (B >= 1)
 * @param tensors statistics per parameter tensor
 */
public record GradientStats(int batchSize, List<TensorStats> tensors) {

  public GradientStats {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    tensors = List.copyOf(tensors);
  }

  /** Batch gradients only (no per-example statistics), as from ordinary backprop. */
  public static GradientStats ofMeans(int batchSize, List<ai.djl.ndarray.NDArray> means) {
    return new GradientStats(batchSize, means.stream().map(TensorStats::ofMean).toList());
  }

  /** The statistics that every tensor carries. */
  public Set<Statistic> available() {
    EnumSet<Statistic> all = EnumSet.allOf(Statistic.class);
    for (TensorStats t : tensors) {
      all.removeIf(s -> !t.has(s));
    }
    return all;
  }

  /**
   * Fails with a clear message when a statistic the caller needs is missing.
   *
   * @param needed the statistics the consumer needs
   * @param consumer who needs them, for the message (an optimizer's name)
   */
  public void require(Set<Statistic> needed, String consumer) {
    Set<Statistic> have = available();
    for (Statistic s : needed) {
      if (!have.contains(s)) {
        throw new IllegalArgumentException(
            consumer + " needs the per-example statistic " + s + " but the gradients carry only "
                + have + "; compute them with the statistics the optimizer declares");
      }
    }
  }

  public int size() {
    return tensors.size();
  }

  public TensorStats get(int index) {
    return tensors.get(index);
  }

  /**
   * The same statistics with the means replaced, as seen by the second and later stages of a
   * {@link Chain}: each stage transforms the "gradient" the next one reads, while the per-example
   * moments stay those of the raw gradient.
   */
  public GradientStats withMeans(List<ai.djl.ndarray.NDArray> means) {
    if (means.size() != tensors.size()) {
      throw new IllegalArgumentException(
          "expected " + tensors.size() + " means, got " + means.size());
    }
    java.util.ArrayList<TensorStats> out = new java.util.ArrayList<>(tensors.size());
    for (int i = 0; i < tensors.size(); i++) {
      TensorStats t = tensors.get(i);
      out.add(new TensorStats(means.get(i), t.secondMoment(), t.signMean(), t.exampleSquaredNorms()));
    }
    return new GradientStats(batchSize, out);
  }
}
