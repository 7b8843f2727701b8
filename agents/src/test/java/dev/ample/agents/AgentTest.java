// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.agents;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.ample.envs.ObservationSpace;
import dev.ample.envs.Observations;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AgentTest {

  private static final int[] CATCH = {1, 10, 5};
  private static final ObservationSpace CATCH_SPACE =
      new ObservationSpace(CATCH, ObservationSpace.Dtype.UINT8);

  /** An agent running its own copy of {@code net} (a catch-shaped pixel network), version 0. */
  private static Agent agentOf(PolicyValueNetwork net) {
    return Agent.create(() -> Networks.forObservation(CATCH, true, 3, NatureCnn.Padding.VALID),
        CATCH_SPACE, PolicySnapshot.of(0, net), Device.cpu());
  }

  private static Observations pixels(int n, byte[] obs) {
    return Observations.ofBytes(CATCH_SPACE, n, obs);
  }

  /** A catch-shaped pixel network whose policy is far from uniform (small weights, bias 2, 0, -1). */
  private static PolicyValueNetwork skewedCatchNetwork(NDManager m) {
    PolicyValueNetwork net = Networks.forObservation(CATCH, true, 3, NatureCnn.Padding.VALID);
    net.initialize(m, DataType.FLOAT32, Networks.inputShape(CATCH));
    NDArray w = net.policyHead().getParameters().get("weight").getArray();
    w.set(w.mul(0.1f).toFloatArray());
    net.policyHead().getParameters().get("bias").getArray().set(new float[] {2f, 0f, -1f});
    return net;
  }

  private static byte[] randomPixels(int n, int size, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    byte[] b = new byte[n * size];
    for (int k = 0; k < b.length; k++) {
      b[k] = r.nextInt(4) == 0 ? (byte) 255 : 0;
    }
    return b;
  }

  private static NDList reference(NDManager m, PolicyValueNetwork net, byte[] obs, int n) {
    NDArray x = m.create(ByteBuffer.wrap(obs), new Shape(n, 1, 10, 5), DataType.UINT8);
    return net.forward(new ParameterStore(m, false), new NDList(x), false);
  }

  @Test
  void samplingFrequenciesMatchSoftmaxProbabilities() {
    try (NDManager m = NDManager.newBaseManager()) {
      PolicyValueNetwork net = skewedCatchNetwork(m);
      try (Agent agent = agentOf(net)) {
      int n = 20_000;
      byte[] one = randomPixels(1, 50, 1);
      byte[] obs = new byte[n * 50];
      for (int i = 0; i < n; i++) {
        System.arraycopy(one, 0, obs, i * 50, 50);
      }
      Agent.Acted acted = agent.act(pixels(n, obs), new SplittableRandom(42));
      float[] p = reference(m, net, one, 1).get(0).softmax(-1).toFloatArray();
      int[] counts = new int[3];
      for (int a : acted.actions()) {
        counts[a]++;
      }
      double chi2 = 0;
      for (int k = 0; k < 3; k++) {
        double expected = n * (double) p[k];
        chi2 += (counts[k] - expected) * (counts[k] - expected) / expected;
      }
      // 2 degrees of freedom: P(chi2 > 13.8) = 0.001 for a correct sampler.
      assertTrue(chi2 < 13.8, "chi2 " + chi2 + ", counts " + java.util.Arrays.toString(counts)
          + ", p " + java.util.Arrays.toString(p));
      assertTrue(p[0] > 0.6, "the test policy should be skewed, p = " + p[0]);
      }
    }
  }

  /**
   * The agent's copy is for inference only: no parameter carries a gradient, so a forward on a
   * thread whose PyTorch grad mode is on (the rollout's) records no autograd graph.
   */
  @Test
  void theAgentsNetworkHoldsNoGradients() {
    try (NDManager m = NDManager.newBaseManager()) {
      PolicyValueNetwork net = skewedCatchNetwork(m);
      assertTrue(net.getParameters().values().stream().allMatch(p -> p.getArray().hasGradient()),
          "DJL attaches gradients on initialisation: the premise of this test");
      PolicyValueNetwork[] built = new PolicyValueNetwork[1];
      try (Agent agent = Agent.create(() -> built[0] = Networks.forObservation(CATCH, true, 3,
          NatureCnn.Padding.VALID), CATCH_SPACE, PolicySnapshot.of(0, net), Device.cpu())) {
        assertTrue(built[0].getParameters().values().stream()
            .noneMatch(p -> p.getArray().hasGradient()));
        agent.load(PolicySnapshot.of(1, net));
        assertTrue(built[0].getParameters().values().stream()
            .noneMatch(p -> p.getArray().hasGradient()), "loading a snapshot keeps it so");
      }
    }
  }

  @Test
  void logProbsAndValuesEqualTheNetworksHeads() {
    try (NDManager m = NDManager.newBaseManager()) {
      PolicyValueNetwork net = skewedCatchNetwork(m);
      try (Agent agent = agentOf(net)) {
      int n = 16;
      byte[] obs = randomPixels(n, 50, 7);
      Agent.Acted acted = agent.act(pixels(n, obs), new SplittableRandom(3));
      NDList out = reference(m, net, obs, n);
      float[] logProbs = CategoricalPolicy.logProb(out.get(0), m.create(acted.actions())).toFloatArray();
      assertArrayEquals(logProbs, acted.logProbs());
      assertArrayEquals(out.get(1).toFloatArray(), acted.values());
      assertArrayEquals(out.get(1).toFloatArray(), agent.values(pixels(n, obs)));
      // Same draws as CategoricalPolicy.sample with the same seed.
      assertArrayEquals(CategoricalPolicy.sample(out.get(0), new SplittableRandom(3)), acted.actions());
      }
    }
  }

  @Test
  void greedyActionsAreTheArgmaxOfTheLogits() {
    try (NDManager m = NDManager.newBaseManager()) {
      PolicyValueNetwork net = skewedCatchNetwork(m);
      try (Agent agent = agentOf(net)) {
      int n = 16;
      byte[] obs = randomPixels(n, 50, 11);
      float[] logits = reference(m, net, obs, n).get(0).toFloatArray();
      int[] greedy = agent.greedyActions(pixels(n, obs));
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < 3; k++) {
          assertTrue(logits[i * 3 + greedy[i]] >= logits[i * 3 + k], "row " + i);
        }
      }
      }
    }
  }

  @Test
  void floatObservationsThroughAnMlp() {
    try (NDManager m = NDManager.newBaseManager()) {
      PolicyValueNetwork net = Networks.forObservation(new int[] {4}, false, 2, NatureCnn.Padding.VALID);
      net.initialize(m, DataType.FLOAT32, Networks.inputShape(new int[] {4}));
      ObservationSpace space = new ObservationSpace(new int[] {4}, ObservationSpace.Dtype.FLOAT32);
      try (Agent agent = Agent.create(
          () -> Networks.forObservation(new int[] {4}, false, 2, NatureCnn.Padding.VALID), space,
          PolicySnapshot.of(0, net), Device.cpu())) {
        float[] obs = {0.1f, -0.2f, 0.03f, 0.5f, -1f, 0f, 0.2f, 0.3f};
        Agent.Acted acted = agent.act(Observations.ofFloats(space, 2, obs), new SplittableRandom(0));
        NDList out = net.forward(new ParameterStore(m, false),
            new NDList(m.create(obs, new Shape(2, 4))), false);
        assertArrayEquals(out.get(1).toFloatArray(), acted.values());
        assertArrayEquals(
            CategoricalPolicy.logProb(out.get(0), m.create(acted.actions())).toFloatArray(),
            acted.logProbs());
        assertThrows(IllegalArgumentException.class,
            () -> agent.values(Observations.ofFloats(space, 3, obs)));
        assertThrows(IllegalArgumentException.class,
            () -> agent.values(new Observations(space, 2, new byte[8], obs)));
      }
    }
  }

  @Test
  void closedAgentRefusesWork() {
    try (NDManager m = NDManager.newBaseManager()) {
      PolicyValueNetwork net = skewedCatchNetwork(m);
      Agent agent = agentOf(net);
      agent.close();
      agent.close();
      assertThrows(IllegalStateException.class, () -> agent.values(pixels(1, new byte[50])));
      assertThrows(IllegalStateException.class, () -> agent.load(PolicySnapshot.of(1, net)));
      assertEquals(3, agent.numActions());
    }
  }

  /**
   * The agent acts with the snapshot it loaded, on parameters of its own: writing NaN into the
   * network the snapshot came from (a learner mid-update) changes nothing the agent computes, and
   * only {@link Agent#load} moves it to newer parameters.
   */
  @Test
  void theAgentNeverReadsTheSourceNetworksArrays() {
    try (NDManager m = NDManager.newBaseManager()) {
      PolicyValueNetwork net = skewedCatchNetwork(m);
      try (Agent agent = agentOf(net)) {
        byte[] obs = randomPixels(4, 50, 5);
        float[] before = agent.values(pixels(4, obs));
        PolicySnapshot v0 = PolicySnapshot.of(0, net);
        NDArray bias = net.valueHead().getParameters().get("bias").getArray();
        bias.set(new float[] {Float.NaN});
        assertArrayEquals(before, agent.values(pixels(4, obs)), "the source's NaN leaked in");
        assertEquals(0, agent.policyVersion());
        agent.load(PolicySnapshot.of(7, net));
        assertEquals(7, agent.policyVersion());
        assertTrue(Float.isNaN(agent.values(pixels(4, obs))[0]), "load took the new values");
        agent.load(v0);
        assertArrayEquals(before, agent.values(pixels(4, obs)), "snapshots are immutable");
      }
    }
  }

  @Test
  void anAgentRefusesAnotherNetworkOrASnapshotThatDoesNotFit() {
    try (NDManager m = NDManager.newBaseManager()) {
      PolicyValueNetwork net = skewedCatchNetwork(m);
      IllegalArgumentException shared = assertThrows(IllegalArgumentException.class,
          () -> Agent.create(() -> net, CATCH_SPACE, PolicySnapshot.of(0, net), Device.cpu()));
      assertTrue(shared.getMessage().contains("uninitialised"), shared.getMessage());
      PolicyValueNetwork mlp = Networks.forObservation(new int[] {4}, false, 3, NatureCnn.Padding.VALID);
      mlp.initialize(m, DataType.FLOAT32, Networks.inputShape(new int[] {4}));
      try (Agent agent = agentOf(net)) {
        assertThrows(IllegalArgumentException.class, () -> agent.load(PolicySnapshot.of(1, mlp)));
        assertEquals(0, agent.policyVersion());
      }
    }
  }
}
