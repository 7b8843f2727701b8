// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import ai.djl.ndarray.NDManager;
import dev.ample.agents.PolicyValueNetwork;
import dev.ample.cli.config.NetworkSettings;
import dev.ample.envs.EnvConfig;
import dev.ample.envs.Envs;
import dev.ample.envs.ObservationSpace;
import dev.ample.envs.VectorEnv;

/**
 * The policy-value network {@code ./ample train} builds for an env, in one place so that {@code
 * ./ample eval} rebuilds exactly the network a checkpoint was written from, with the {@link
 * NetworkIdentity} its checkpoints carry.
 */
final class EnvNetworks {
  private EnvNetworks() {}

  /** A network built for an env, and what it fits. */
  record Built(PolicyValueNetwork network, NetworkIdentity identity) {}

  /**
   * The configured network for the env's observations and actions, initialised from {@code seed}
   * ({@link NetworkSettings#create}).
   */
  static Built create(EnvConfig env, NetworkSettings settings, long seed, NDManager manager) {
    ObservationSpace space;
    int numActions;
    // The network's input shape and outputs come from the env; a one-env probe tells them.
    try (VectorEnv probe = Envs.create(new EnvConfig(env.id(), env.backend(), 1, env.romDir(),
        env.atari(), env.allowUnverifiedRom()))) {
      space = probe.observationSpace();
      numActions = probe.numActions();
    }
    PolicyValueNetwork network = settings.create(space, numActions, seed, manager);
    return new Built(network, NetworkIdentity.of(env, space, network));
  }
}
