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
import dev.ample.agents.PolicyValueNetwork;

/** A small agent for an observation space, with parameters on its own manager. */
final class TestAgents implements AutoCloseable {
  final NDManager manager = NDManager.newBaseManager();
  final Agent agent;

  TestAgents(int[] obsShape, boolean uint8, int numActions) {
    Engine.getInstance().setRandomSeed(5);
    PolicyValueNetwork net = Networks.forObservation(obsShape, uint8, numActions, NatureCnn.Padding.VALID);
    net.initialize(manager, DataType.FLOAT32, Networks.inputShape(obsShape));
    agent = Agent.of(net, Device.cpu());
  }

  @Override
  public void close() {
    agent.close();
    manager.close();
  }
}
