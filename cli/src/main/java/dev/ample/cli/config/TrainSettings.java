// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli.config;

import ai.djl.Device;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.ample.learner.PpoConfig;
import dev.ample.learner.PpoLoss;
import java.nio.file.Path;
import java.util.Set;

/**
 * The {@code ppo} and {@code train} sections of an experiment config, validated.
 *
 * @param ppo the PPO update (epochs, minibatch, GAE, clip, loss coefficients)
 * @param rolloutSteps T, steps per env per iteration ({@code ppo.rollout-steps})
 * @param agentSteps the budget: env steps over all envs ({@code train.agent-steps}); the run
 *     makes the whole iterations that fit in it
 * @param runners EnvRunner actors the envs are split over
 * @param seed seeds envs (env i gets seed + i), action sampling, initialisation and shuffling
 * @param device where the network and the learner run: cpu or gpu
 * @param checkpointEvery iterations between checkpoints (one is always written at the end)
 * @param keepCheckpoints how many of the newest checkpoints to keep
 * @param gradstatsEvery optimizer steps between {@code gradstats.jsonl} records; 0 = off
 * @param runsDir where run directories are created ({@code runs/<name>})
 * @param eval test episodes during training ({@code train.eval-*})
 * @param overlap collect iteration k+1 while the learner updates on iteration k, acting with the
 *     snapshot from before that update (policy lag 1); false: collect, then update (lag 0)
 * @param doubleBuffer double-buffered sampling: the runners in two groups whose env steps and
 *     inference overlap within a collect (needs runners >= 2)
 */
public record TrainSettings(
    PpoConfig ppo,
    int rolloutSteps,
    long agentSteps,
    int runners,
    long seed,
    String device,
    int checkpointEvery,
    int keepCheckpoints,
    int gradstatsEvery,
    Path runsDir,
    EvalSettings eval,
    boolean overlap,
    boolean doubleBuffer) {

  private static final Set<String> PPO_KEYS = Set.of("rollout-steps", "minibatch-size", "epochs",
      "gamma", "lambda", "clip", "anneal-clip", "value-coef", "value-loss", "clip-value",
      "entropy-coef", "normalize-advantages");
  private static final Set<String> TRAIN_KEYS = Set.of("agent-steps", "runners", "seed", "device",
      "checkpoint-every", "keep-checkpoints", "gradstats-every", "runs-dir", "eval-every",
      "eval-episodes", "eval-greedy", "overlap", "double-buffer");

  public TrainSettings {
    require(rolloutSteps >= 1, "ppo.rollout-steps must be >= 1, got " + rolloutSteps);
    require(agentSteps >= 1, "train.agent-steps must be >= 1, got " + agentSteps);
    require(runners >= 1, "train.runners must be >= 1, got " + runners);
    require(device.equals("cpu") || device.equals("gpu"),
        "train.device must be cpu or gpu, got '" + device + "'");
    require(checkpointEvery >= 1, "train.checkpoint-every must be >= 1, got " + checkpointEvery);
    require(keepCheckpoints >= 1, "train.keep-checkpoints must be >= 1, got " + keepCheckpoints);
    require(gradstatsEvery >= 0, "train.gradstats-every must be >= 0 (0 = off), got "
        + gradstatsEvery);
    require(!doubleBuffer || runners >= 2, "train.double-buffer needs train.runners >= 2 (one"
        + " group of runners steps while the other's inference runs), got " + runners);
  }

  /** Parses {@code ample.ppo} and {@code ample.train} of a config from {@link ExperimentConfigs#load}. */
  public static TrainSettings from(Config resolved) {
    try {
      Config p = resolved.getConfig("ample.ppo");
      ConfigKeys.requireKnown(p, PPO_KEYS, "ppo");
      Config t = resolved.getConfig("ample.train");
      ConfigKeys.requireKnown(t, TRAIN_KEYS, "train");
      PpoConfig ppo =
          PpoConfig.builder()
              .optEpochs(p.getInt("epochs"))
              .optMinibatchSize(p.getInt("minibatch-size"))
              .optGamma(p.getDouble("gamma"))
              .optLambda(p.getDouble("lambda"))
              .optClip(p.getDouble("clip"))
              .optAnnealClip(p.getBoolean("anneal-clip"))
              .optValueCoef(p.getDouble("value-coef"))
              .optValueLoss(PpoLoss.ValueLoss.parse(p.getString("value-loss")))
              .optClipValue(p.getBoolean("clip-value"))
              .optEntropyCoef(p.getDouble("entropy-coef"))
              .optNormalizeAdvantages(p.getBoolean("normalize-advantages"))
              .optSeed(t.getLong("seed"))
              .build();
      return new TrainSettings(ppo, p.getInt("rollout-steps"), t.getLong("agent-steps"),
          t.getInt("runners"), t.getLong("seed"), t.getString("device"),
          t.getInt("checkpoint-every"), t.getInt("keep-checkpoints"), t.getInt("gradstats-every"),
          Path.of(t.getString("runs-dir")), EvalSettings.from(t), t.getBoolean("overlap"),
          t.getBoolean("double-buffer"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("config sections ppo/train: " + e.getMessage()
          + " (see the Configuration section of README.md)", e);
    }
  }

  /** Transitions per iteration for {@code numEnvs} envs; must split into whole minibatches. */
  public int batchSize(int numEnvs) {
    int batch = rolloutSteps * numEnvs;
    if (batch % ppo.minibatchSize() != 0) {
      throw new IllegalArgumentException("ppo.rollout-steps x env.num-envs = " + rolloutSteps
          + " x " + numEnvs + " = " + batch + " transitions is not a multiple of"
          + " ppo.minibatch-size = " + ppo.minibatchSize() + "; change one of them");
    }
    return batch;
  }

  /**
   * Whole iterations in the budget: {@code floor(agentSteps / (T x numEnvs))}, as the Eve authors'
   * {@code loop_steps} (40M / 1024 = 39,062 for Pong); a budget smaller than one iteration is an
   * error naming the smallest allowed.
   */
  public long iterations(int numEnvs) {
    long perIteration = (long) rolloutSteps * numEnvs;
    if (agentSteps < perIteration) {
      throw new IllegalArgumentException("train.agent-steps = " + agentSteps + " is less than one"
          + " iteration (ppo.rollout-steps x env.num-envs = " + perIteration + "); set at least "
          + perIteration);
    }
    return agentSteps / perIteration;
  }

  /** Optimizer steps per iteration: epochs x minibatches. */
  public long optimizerStepsPerIteration(int numEnvs) {
    return (long) ppo.epochs() * (batchSize(numEnvs) / ppo.minibatchSize());
  }

  /** The DJL device; a gpu request without a visible GPU is an error naming the fix. */
  public Device djlDevice() {
    if (device.equals("cpu")) {
      return Device.cpu();
    }
    if (ai.djl.engine.Engine.getInstance().getGpuCount() == 0) {
      throw new IllegalArgumentException("train.device = gpu but DJL sees no GPU (this build"
          + " ships PyTorch's CPU natives; a GPU run needs the CUDA flavour of"
          + " ai.djl.pytorch:pytorch-native and a CUDA driver); set train.device = cpu");
    }
    return Device.gpu();
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
