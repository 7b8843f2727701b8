// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one PPO iteration ({@link PpoLearner#update}) measured. Loss terms are means over the
 * iteration's minibatches of the per-minibatch means, taken on the forward pass each optimizer
 * step differentiated (so before that step's update).
 *
 * @param lossPolicy clipped surrogate loss {@code pgLoss}
 * @param lossValue value loss {@code 0.5 (V - R)^2}
 * @param entropy policy entropy
 * @param approxKl Schulman's k3 estimate of KL(old || new)
 * @param clipFrac fraction of examples whose ratio left the clip range
 * @param updateNorm mean over the iteration's optimizer steps of the global L2 norm of the
 *     parameter step (all tensors together)
 * @param learningRate the learning rate of the iteration's last optimizer step
 * @param clipRange the clip range used (after annealing)
 * @param optimizerSteps optimizer steps taken so far, this iteration's included
 */
public record PpoMetrics(
    double lossPolicy,
    double lossValue,
    double entropy,
    double approxKl,
    double clipFrac,
    double updateNorm,
    double learningRate,
    double clipRange,
    long optimizerSteps) {

  /** The fields under the names of {@code metrics.jsonl} (DESIGN.md §2), in a stable order. */
  public Map<String, Object> fields() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("lr", learningRate);
    f.put("loss_policy", lossPolicy);
    f.put("loss_value", lossValue);
    f.put("entropy", entropy);
    f.put("approx_kl", approxKl);
    f.put("clip_frac", clipFrac);
    f.put("update_norm", updateNorm);
    f.put("clip_range", clipRange);
    f.put("optimizer_steps", optimizerSteps);
    return f;
  }
}
