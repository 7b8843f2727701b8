// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import dev.ample.agents.CategoricalPolicy;
import dev.ample.agents.ConfigNames;

/**
 * The PPO-clip loss (Schulman et al. 2017) with named terms, per example:
 *
 * <pre>
 *   ratio_i     = exp(log pi(a_i|s_i) - oldLogProb_i)
 *   pgLoss_i    = max(-A_i ratio_i, -A_i clip(ratio_i, 1 - clip, 1 + clip))
 *   valueLoss_i = (V(s_i) - R_i)^2             (SQUARED, the Eve authors')
 *            or 0.5 (V(s_i) - R_i)^2         (HALF_SQUARED, baselines and CleanRL)
 *     where value clipping (baselines, CleanRL) replaces (V - R)^2 with
 *     max((V - R)^2, (oldV + clip(V - oldV, -clip, clip) - R)^2)
 *   entropy_i   = H(pi(.|s_i))
 *   loss_i      = pgLoss_i + valueCoef valueLoss_i - entropyCoef entropy_i
 *   approxKl_i  = (ratio_i - 1) - log ratio_i           (Schulman's k3 estimator)
 *   clipFrac_i  = [|ratio_i - 1| > clip]
 * </pre>
 *
 * The batch loss is the mean of {@code loss_i}; the per-example gradient engine differentiates the
 * sum so that example i's gradient is that of {@code loss_i}.
 *
 * <p>Targets, in order: actions (int, B), old log-probs (B), advantages (B), returns (B), the
 * values the rollout predicted (B, read only with value clipping). Network outputs: logits (B, n),
 * values (B).
 */
public final class PpoLoss implements PerExampleLoss {

  /** The value term's form; {@code value-coef} multiplies either. */
  public enum ValueLoss {
    /** {@code (V - R)^2}: the Eve authors' {@code vf_coeff * mean((R - V)^2)}. */
    SQUARED(1.0),
    /** {@code 0.5 (V - R)^2}: baselines and CleanRL. */
    HALF_SQUARED(0.5);

    private final double factor;

    ValueLoss(double factor) {
      this.factor = factor;
    }

    /** The config name: {@code squared} or {@code half-squared}. */
    public String configName() {
      return ConfigNames.of(this);
    }

    public static ValueLoss parse(String name) {
      return ConfigNames.parse(ValueLoss.class, name, "ppo.value-loss");
    }
  }

  private final double clip;
  private final double valueCoef;
  private final double entropyCoef;
  private final ValueLoss valueForm;
  private final boolean clipValue;

  private PpoLoss(Builder b) {
    this.clip = b.clip;
    this.valueCoef = b.valueCoef;
    this.entropyCoef = b.entropyCoef;
    this.valueForm = b.valueLoss;
    this.clipValue = b.clipValue;
  }

  public static Builder builder() {
    return new Builder();
  }

  public double clip() {
    return clip;
  }

  /** Per-example terms, each shape (B). */
  public record Terms(
      NDArray loss,
      NDArray pgLoss,
      NDArray valueLoss,
      NDArray entropy,
      NDArray approxKl,
      NDArray clipFrac) {

    /** Batch means of every term, for metrics. */
    public Means means() {
      return new Means(
          loss.mean().getFloat(),
          pgLoss.mean().getFloat(),
          valueLoss.mean().getFloat(),
          entropy.mean().getFloat(),
          approxKl.mean().getFloat(),
          clipFrac.mean().getFloat());
    }
  }

  /** Batch means of {@link Terms}. */
  public record Means(
      double loss, double pgLoss, double valueLoss, double entropy, double approxKl, double clipFrac) {}

  /** The targets list in the order {@link #perExample} reads. */
  public static NDList targets(NDArray actions, NDArray oldLogProbs, NDArray advantages,
      NDArray returns, NDArray oldValues) {
    return new NDList(actions, oldLogProbs, advantages, returns, oldValues);
  }

  /** All terms for logits (B, n) and values (B). */
  public Terms terms(NDArray logits, NDArray values, NDList targets) {
    NDArray actions = targets.get(0);
    NDArray oldLogProbs = targets.get(1);
    NDArray advantages = targets.get(2);
    NDArray returns = targets.get(3);
    NDArray oldValues = targets.get(4);

    NDArray logRatio = CategoricalPolicy.logProb(logits, actions).sub(oldLogProbs);
    NDArray ratio = logRatio.exp();
    NDArray unclipped = advantages.mul(ratio).neg();
    NDArray clipped = advantages.mul(ratio.clip(1 - clip, 1 + clip)).neg();
    NDArray pgLoss = unclipped.maximum(clipped);
    NDArray squaredError = values.sub(returns).square();
    if (clipValue) {
      NDArray clippedValues = oldValues.add(values.sub(oldValues).clip(-clip, clip));
      squaredError = squaredError.maximum(clippedValues.sub(returns).square());
    }
    NDArray valueLoss = squaredError.mul(valueForm.factor);
    NDArray entropy = CategoricalPolicy.entropy(logits);
    NDArray loss = pgLoss.add(valueLoss.mul(valueCoef)).sub(entropy.mul(entropyCoef));

    NDArray approxKl = ratio.sub(1).sub(logRatio);
    NDArray clipFrac = ratio.sub(1).abs().gt(clip).toType(DataType.FLOAT32, false);
    return new Terms(loss, pgLoss, valueLoss, entropy, approxKl, clipFrac);
  }

  @Override
  public NDArray perExample(NDList outputs, NDList targets) {
    return terms(outputs.get(0), outputs.get(1), targets).loss();
  }

  /** PPO loss settings; defaults are the Atari values of DESIGN.md §7. */
  public static final class Builder {
    private double clip = 0.1;
    private double valueCoef = 0.5;
    private double entropyCoef = 0.01;
    private ValueLoss valueLoss = ValueLoss.SQUARED;
    private boolean clipValue = false;

    private Builder() {}

    /** The value term's form (default {@link ValueLoss#SQUARED}, the Eve authors'). */
    public Builder optValueLoss(ValueLoss valueLoss) {
      this.valueLoss = valueLoss;
      return this;
    }

    /** Whether the value prediction is clipped around the rollout's, as baselines (default off). */
    public Builder optClipValue(boolean clipValue) {
      this.clipValue = clipValue;
      return this;
    }

    /** Clip range epsilon of the probability ratio (default 0.1). */
    public Builder optClip(double clip) {
      this.clip = clip;
      return this;
    }

    /** Weight of the value term (default 0.5). */
    public Builder optValueCoef(double valueCoef) {
      this.valueCoef = valueCoef;
      return this;
    }

    /** Weight of the entropy bonus (default 0.01). */
    public Builder optEntropyCoef(double entropyCoef) {
      this.entropyCoef = entropyCoef;
      return this;
    }

    public PpoLoss build() {
      if (clip < 0 || valueCoef < 0 || entropyCoef < 0) {
        throw new IllegalArgumentException(
            "PPO coefficients must be >= 0: clip " + clip + ", vf " + valueCoef + ", ent "
                + entropyCoef);
      }
      return new PpoLoss(this);
    }
  }
}
