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
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AgentTest {

  private static final int[] CATCH = {1, 10, 5};

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
    try (NDManager m = NDManager.newBaseManager();
        Agent agent = Agent.of(skewedCatchNetwork(m), Device.cpu())) {
      int n = 20_000;
      byte[] one = randomPixels(1, 50, 1);
      byte[] obs = new byte[n * 50];
      for (int i = 0; i < n; i++) {
        System.arraycopy(one, 0, obs, i * 50, 50);
      }
      Agent.Acted acted = agent.act(obs, null, CATCH, n, new SplittableRandom(42));
      float[] p = reference(m, agent.network(), one, 1).get(0).softmax(-1).toFloatArray();
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

  @Test
  void logProbsAndValuesEqualTheNetworksHeads() {
    try (NDManager m = NDManager.newBaseManager();
        Agent agent = Agent.of(skewedCatchNetwork(m), Device.cpu())) {
      int n = 16;
      byte[] obs = randomPixels(n, 50, 7);
      Agent.Acted acted = agent.act(obs, null, CATCH, n, new SplittableRandom(3));
      NDList out = reference(m, agent.network(), obs, n);
      float[] logProbs = CategoricalPolicy.logProb(out.get(0), m.create(acted.actions())).toFloatArray();
      assertArrayEquals(logProbs, acted.logProbs());
      assertArrayEquals(out.get(1).toFloatArray(), acted.values());
      assertArrayEquals(out.get(1).toFloatArray(), agent.values(obs, null, CATCH, n));
      // Same draws as CategoricalPolicy.sample with the same seed.
      assertArrayEquals(CategoricalPolicy.sample(out.get(0), new SplittableRandom(3)), acted.actions());
    }
  }

  @Test
  void greedyActionsAreTheArgmaxOfTheLogits() {
    try (NDManager m = NDManager.newBaseManager();
        Agent agent = Agent.of(skewedCatchNetwork(m), Device.cpu())) {
      int n = 16;
      byte[] obs = randomPixels(n, 50, 11);
      float[] logits = reference(m, agent.network(), obs, n).get(0).toFloatArray();
      int[] greedy = agent.greedyActions(obs, null, CATCH, n);
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < 3; k++) {
          assertTrue(logits[i * 3 + greedy[i]] >= logits[i * 3 + k], "row " + i);
        }
      }
    }
  }

  @Test
  void floatObservationsThroughAnMlp() {
    try (NDManager m = NDManager.newBaseManager()) {
      PolicyValueNetwork net = Networks.forObservation(new int[] {4}, false, 2, NatureCnn.Padding.VALID);
      net.initialize(m, DataType.FLOAT32, Networks.inputShape(new int[] {4}));
      try (Agent agent = Agent.of(net, Device.cpu())) {
        float[] obs = {0.1f, -0.2f, 0.03f, 0.5f, -1f, 0f, 0.2f, 0.3f};
        Agent.Acted acted = agent.act(null, obs, new int[] {4}, 2, new SplittableRandom(0));
        NDList out = net.forward(new ParameterStore(m, false),
            new NDList(m.create(obs, new Shape(2, 4))), false);
        assertArrayEquals(out.get(1).toFloatArray(), acted.values());
        assertArrayEquals(
            CategoricalPolicy.logProb(out.get(0), m.create(acted.actions())).toFloatArray(),
            acted.logProbs());
        assertThrows(IllegalArgumentException.class,
            () -> agent.values(null, obs, new int[] {4}, 3));
        assertThrows(IllegalArgumentException.class,
            () -> agent.values(new byte[8], obs, new int[] {4}, 2));
      }
    }
  }

  @Test
  void closedAgentRefusesWork() {
    try (NDManager m = NDManager.newBaseManager()) {
      Agent agent = Agent.of(skewedCatchNetwork(m), Device.cpu());
      agent.close();
      agent.close();
      assertThrows(IllegalStateException.class,
          () -> agent.values(new byte[50], null, CATCH, 1));
      assertEquals(3, agent.network().numActions());
    }
  }
}
