// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli.config;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.ample.agents.Initialization;
import dev.ample.agents.NatureCnn;
import dev.ample.agents.Networks;
import dev.ample.agents.PolicyValueNetwork;
import dev.ample.envs.ObservationSpace;
import java.util.Set;

/**
 * The {@code network} section of an experiment config: the policy-value network's padding and
 * initialisation (the architecture itself follows the observation, see {@link Networks}).
 *
 * @param padding the Nature CNN's convolution padding ({@code valid} or Flax's {@code same})
 * @param init how weights are drawn ({@code djl-default}, {@code lecun-normal}, {@code orthogonal})
 */
public record NetworkSettings(NatureCnn.Padding padding, Initialization init) {

  private static final Set<String> KEYS = Set.of("padding", "init");

  /** Parses {@code ample.network} of a config from {@link ExperimentConfigs#load}. */
  public static NetworkSettings from(Config resolved) {
    try {
      Config n = resolved.getConfig("ample.network");
      ConfigKeys.requireKnown(n, KEYS, "network");
      return new NetworkSettings(NatureCnn.Padding.parse(n.getString("padding")),
          Initialization.parse(n.getString("init")));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("config section network: " + e.getMessage()
          + " (see the Configuration section of README.md)", e);
    }
  }

  /**
   * The network for an env's observations and actions, initialised on {@code manager}: weights
   * drawn from {@code seed} (host schemes) or the engine's generator ({@code djl-default}).
   */
  public PolicyValueNetwork create(ObservationSpace space, int numActions, long seed,
      NDManager manager) {
    PolicyValueNetwork network = architecture(space, numActions);
    init.applyTo(network, seed);
    network.initialize(manager, DataType.FLOAT32, Networks.inputShape(space.shape()));
    return network;
  }

  /**
   * A new, uninitialised network of the configured architecture for an env's observations and
   * actions: what {@link #create} initialises, and what an {@code Agent} builds its own copy from.
   */
  public PolicyValueNetwork architecture(ObservationSpace space, int numActions) {
    boolean uint8 = space.dtype() == ObservationSpace.Dtype.UINT8;
    return Networks.forObservation(space.shape(), uint8, numActions, padding);
  }

  /** This section as HOCON that {@link #from} reads back (what a rollout worker is sent). */
  public String toHocon() {
    return "ample.network { padding = " + padding.configName() + ", init = " + init.configName()
        + " }";
  }
}
