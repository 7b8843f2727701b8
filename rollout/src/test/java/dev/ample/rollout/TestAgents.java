// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.ample.agents.Agent;
import dev.ample.agents.NatureCnn;
import dev.ample.agents.Networks;
import dev.ample.agents.PolicySnapshot;
import dev.ample.agents.PolicyValueNetwork;
import dev.ample.envs.ObservationSpace;

/**
 * A small network for an observation space (the "learner's", on a manager of its own), its version
 * 0 snapshot, and an agent running its own copy of it.
 */
final class TestAgents implements AutoCloseable {
  final NDManager manager = NDManager.newBaseManager();
  final PolicyValueNetwork network;
  final PolicySnapshot snapshot;
  final Agent agent;

  TestAgents(int[] obsShape, boolean uint8, int numActions) {
    Engine.getInstance().setRandomSeed(5);
    network = Networks.forObservation(obsShape, uint8, numActions, NatureCnn.Padding.VALID);
    network.initialize(manager, DataType.FLOAT32, Networks.inputShape(obsShape));
    snapshot = PolicySnapshot.of(0, network);
    agent = Agent.create(
        () -> Networks.forObservation(obsShape, uint8, numActions, NatureCnn.Padding.VALID),
        new ObservationSpace(obsShape,
            uint8 ? ObservationSpace.Dtype.UINT8 : ObservationSpace.Dtype.FLOAT32),
        snapshot, Device.cpu());
  }

  @Override
  public void close() {
    agent.close();
    manager.close();
  }
}
