// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli.config;

import com.typesafe.config.Config;
import dev.ample.envs.EnvConfig;
import dev.ample.envs.Envs;

/**
 * A whole experiment configuration, validated in one place: each section ({@link EnvSettings},
 * {@link OptimizerSettings}, {@link NetworkSettings}, {@link TrainSettings}, which refuse unknown
 * keys and bad values) and the checks between sections: the minibatch split, a budget of at least
 * one iteration, at least one env per runner, and an env id that a backend can run (checked
 * without starting the env). {@code ./ample config}, {@code train} and {@code eval} all parse
 * through here, so {@code config} refuses exactly what {@code train} refuses.
 */
public record ExperimentSettings(EnvConfig env, OptimizerSettings optimizer,
    NetworkSettings network, TrainSettings train) {

  public ExperimentSettings {
    train.batchSize(env.numEnvs()); // the minibatch split
    train.iterations(env.numEnvs()); // at least one iteration
    if (train.runners() > env.numEnvs()) {
      throw new IllegalArgumentException("train.runners = " + train.runners() + " is more than"
          + " env.num-envs = " + env.numEnvs() + "; each runner steps one env at least");
    }
    Envs.check(env);
  }

  /** Parses and checks a config from {@link ExperimentConfigs#load}. */
  public static ExperimentSettings from(Config resolved) {
    return new ExperimentSettings(EnvSettings.from(resolved), OptimizerSettings.from(resolved),
        NetworkSettings.from(resolved), TrainSettings.from(resolved));
  }

  /** Agent steps per iteration: {@code ppo.rollout-steps x env.num-envs}. */
  public long agentStepsPerIteration() {
    return train.batchSize(env.numEnvs());
  }

  /** Optimizer steps per iteration: epochs x minibatches. */
  public long optimizerStepsPerIteration() {
    return train.optimizerStepsPerIteration(env.numEnvs());
  }

  /**
   * Iterations a run that has taken {@code agentStepsDone} may still make within the budget:
   * whole iterations only, so the run never passes {@code train.agent-steps}, whatever the
   * iteration size was before a resume.
   */
  public long iterationsLeft(long agentStepsDone) {
    return Math.max(0, train.agentSteps() - agentStepsDone) / agentStepsPerIteration();
  }
}
