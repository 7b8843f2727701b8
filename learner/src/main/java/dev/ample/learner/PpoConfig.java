// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner;

/**
 * PPO's learner hyperparameters (the optimizer's own, learning rate and its schedule included, are
 * the optimizer's). Defaults are the Pong protocol of DESIGN.md §7.
 *
 * @param epochs passes over each rollout (3)
 * @param minibatchSize transitions per optimizer step; must divide the rollout size (256)
 * @param gamma discount factor (0.99)
 * @param lambda GAE lambda (0.95)
 * @param clip the probability-ratio clip range epsilon at progress 0 (0.1)
 * @param annealClip whether the clip range falls linearly to 0 with training progress, as the
 *     learning rate does in the protocol (true)
 * @param valueCoef weight of the value loss (0.5)
 * @param valueLoss the value term's form ({@link PpoLoss.ValueLoss#SQUARED}: with {@code valueCoef
 *     0.5} the authors' {@code 0.5 mean((R - V)^2)})
 * @param clipValue whether value predictions are clipped around the rollout's by the clip range,
 *     as baselines and CleanRL do (false)
 * @param entropyCoef weight of the entropy bonus (0.01)
 * @param normalizeAdvantages whether advantages are standardised per minibatch, {@code (A -
 *     mean) / (std + 1e-8)} with the population std (false: the Eve protocol has it off)
 * @param seed seeds the minibatch shuffles; iteration k shuffles with a generator derived from
 *     {@code (seed, k)}, so a resumed learner shuffles as an uninterrupted one would (0)
 */
public record PpoConfig(
    int epochs,
    int minibatchSize,
    double gamma,
    double lambda,
    double clip,
    boolean annealClip,
    double valueCoef,
    PpoLoss.ValueLoss valueLoss,
    boolean clipValue,
    double entropyCoef,
    boolean normalizeAdvantages,
    long seed) {

  public PpoConfig {
    if (epochs < 1 || minibatchSize < 1) {
      throw new IllegalArgumentException(
          "PPO needs epochs >= 1 and minibatch size >= 1, got " + epochs + " and "
              + minibatchSize);
    }
    new Gae(gamma, lambda); // validates both
    lossAt(0); // validates the coefficients
  }

  /** The Pong protocol of DESIGN.md §7. */
  public static PpoConfig pong() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The GAE settings. */
  public Gae gae() {
    return new Gae(gamma, lambda);
  }

  /** The clip range at training progress {@code progress} in [0, 1]. */
  public double clipAt(double progress) {
    return annealClip ? clip * (1 - progress) : clip;
  }

  /** The PPO loss with the clip range at {@code progress}. */
  public PpoLoss lossAt(double progress) {
    return PpoLoss.builder()
        .optClip(clipAt(progress))
        .optValueCoef(valueCoef)
        .optValueLoss(valueLoss)
        .optClipValue(clipValue)
        .optEntropyCoef(entropyCoef)
        .build();
  }

  /** Builds a {@link PpoConfig}; every setting is optional and defaults to the Pong protocol. */
  public static final class Builder {
    private int epochs = 3;
    private int minibatchSize = 256;
    private double gamma = 0.99;
    private double lambda = 0.95;
    private double clip = 0.1;
    private boolean annealClip = true;
    private double valueCoef = 0.5;
    private PpoLoss.ValueLoss valueLoss = PpoLoss.ValueLoss.SQUARED;
    private boolean clipValue = false;
    private double entropyCoef = 0.01;
    private boolean normalizeAdvantages = false;
    private long seed = 0;

    private Builder() {}

    public Builder optEpochs(int epochs) {
      this.epochs = epochs;
      return this;
    }

    public Builder optMinibatchSize(int minibatchSize) {
      this.minibatchSize = minibatchSize;
      return this;
    }

    public Builder optGamma(double gamma) {
      this.gamma = gamma;
      return this;
    }

    public Builder optLambda(double lambda) {
      this.lambda = lambda;
      return this;
    }

    public Builder optClip(double clip) {
      this.clip = clip;
      return this;
    }

    public Builder optAnnealClip(boolean annealClip) {
      this.annealClip = annealClip;
      return this;
    }

    public Builder optValueCoef(double valueCoef) {
      this.valueCoef = valueCoef;
      return this;
    }

    public Builder optValueLoss(PpoLoss.ValueLoss valueLoss) {
      this.valueLoss = valueLoss;
      return this;
    }

    public Builder optClipValue(boolean clipValue) {
      this.clipValue = clipValue;
      return this;
    }

    public Builder optEntropyCoef(double entropyCoef) {
      this.entropyCoef = entropyCoef;
      return this;
    }

    public Builder optNormalizeAdvantages(boolean normalizeAdvantages) {
      this.normalizeAdvantages = normalizeAdvantages;
      return this;
    }

    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    public PpoConfig build() {
      return new PpoConfig(epochs, minibatchSize, gamma, lambda, clip, annealClip, valueCoef,
          valueLoss, clipValue, entropyCoef, normalizeAdvantages, seed);
    }
  }
}
