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
   * The configured network for an env's observations and actions (as its envs report them),
   * initialised from {@code seed} ({@link NetworkSettings#create}).
   */
  static Built create(EnvConfig env, ObservationSpace space, int numActions,
      NetworkSettings settings, long seed, NDManager manager) {
    PolicyValueNetwork network = settings.create(space, numActions, seed, manager);
    return new Built(network, NetworkIdentity.of(env, space, network));
  }

  /**
   * As {@link #create} for a command that has no envs of its own yet ({@code ./ample eval}, whose
   * test episodes each open one later): a one-env probe tells the observation space and the
   * action count, so that a checkpoint for other observations is refused before anything plays.
   */
  static Built createProbing(EnvConfig env, NetworkSettings settings, long seed,
      NDManager manager) {
    try (VectorEnv probe = Envs.create(new EnvConfig(env.id(), env.backend(), 1, env.romDir(),
        env.atari(), env.allowUnverifiedRom()))) {
      return create(env, probe.observationSpace(), probe.numActions(), settings, seed, manager);
    }
  }
}
