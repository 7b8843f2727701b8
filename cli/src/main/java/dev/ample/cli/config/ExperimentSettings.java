// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli.config;

import com.typesafe.config.Config;
import dev.ample.envs.EnvConfig;
import dev.ample.envs.Envs;

/**
 * A whole experiment configuration, validated in one place: each section ({@link EnvSettings},
 * {@link OptimizerSettings}, {@link NetworkSettings}, {@link TrainSettings}, {@link
 * ClusterSettings}, which refuse unknown
 * keys and bad values) and the checks between sections: the minibatch split, a budget of at least
 * one iteration, at least one env per runner, and an env id that a backend can run (checked
 * without starting the env). {@code ./ample config}, {@code train} and {@code eval} all parse
 * through here, so {@code config} refuses exactly what {@code train} refuses.
 */
public record ExperimentSettings(EnvConfig env, OptimizerSettings optimizer,
    NetworkSettings network, TrainSettings train, ClusterSettings cluster) {

  public ExperimentSettings {
    train.batchSize(env.numEnvs()); // the minibatch split
    if (cluster.enabled()) {
      // Every node's share splits into whole minibatches, so any set of answering workers does.
      int share = train.rolloutSteps() * cluster.envsPerWorker();
      if (share % train.ppo().minibatchSize() != 0) {
        throw new IllegalArgumentException("ppo.rollout-steps x cluster.envs-per-worker = "
            + train.rolloutSteps() + " x " + cluster.envsPerWorker() + " = " + share + " is not a"
            + " multiple of ppo.minibatch-size = " + train.ppo().minibatchSize() + "; change one"
            + " of them");
      }
    }
    train.iterations(env.numEnvs() + cluster.nominalWorkerEnvs()); // at least one iteration
    if (train.runners() > env.numEnvs()) {
      throw new IllegalArgumentException("train.runners = " + train.runners() + " is more than"
          + " env.num-envs = " + env.numEnvs() + "; each runner steps one env at least");
    }
    Envs.check(env);
  }

  /** Parses and checks a config from {@link ExperimentConfigs#load}. */
  public static ExperimentSettings from(Config resolved) {
    return new ExperimentSettings(EnvSettings.from(resolved), OptimizerSettings.from(resolved),
        NetworkSettings.from(resolved), TrainSettings.from(resolved),
        ClusterSettings.from(resolved));
  }

  /**
   * Envs an iteration counts on: {@code env.num-envs}, plus {@code cluster.min-workers x
   * cluster.envs-per-worker} on a cluster (the budget's and the LR schedule's unit; an iteration
   * with more or fewer envs answering takes more or fewer steps).
   */
  public int nominalEnvs() {
    return env.numEnvs() + cluster.nominalWorkerEnvs();
  }

  /** Agent steps per iteration: {@code ppo.rollout-steps x} {@link #nominalEnvs()}. */
  public long agentStepsPerIteration() {
    return train.batchSize(nominalEnvs());
  }

  /** Optimizer steps per iteration: epochs x minibatches. */
  public long optimizerStepsPerIteration() {
    return train.optimizerStepsPerIteration(nominalEnvs());
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
