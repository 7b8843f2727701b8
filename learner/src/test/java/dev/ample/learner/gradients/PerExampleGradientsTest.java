// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.ample.agents.CategoricalPolicy;
import dev.ample.agents.Initialization;
import dev.ample.agents.Mlp;
import dev.ample.agents.NatureCnn;
import dev.ample.agents.PolicyValueNetwork;
import dev.ample.learner.PerExampleLoss;
import dev.ample.learner.PpoLoss;
import dev.ample.optim.GradientStats;
import dev.ample.optim.Statistic;
import dev.ample.optim.TensorStats;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Engine vs brute force (B single-example backward passes). Relative error per tensor and
 * statistic: {@code max_k |engine_k - brute_k| / max(max_k |brute_k|, 1e-12)}, float32 engine vs
 * double accumulation of float32 single-example gradients; bound 1e-5.
 */
class PerExampleGradientsTest {

  static final double TOL = 1e-5;
  static final PerExampleLoss CROSS_ENTROPY =
      (out, t) -> CategoricalPolicy.logProb(out.get(0), t.get(0)).neg();

  @Test
  void mlpPpoLossMatchesBruteForce() {
    check(null, true, 8, 512L << 20);
  }

  @Test
  void mlpCrossEntropyMatchesBruteForce() {
    check(null, false, 8, 512L << 20);
  }

  @Test
  void natureCnnPpoLossMatchesBruteForceWithChunking() {
    // A 1 MiB cap forces chunks of one or two examples in every conv layer.
    check(NatureCnn.Padding.VALID, true, 4, 1L << 20);
  }

  @Test
  void natureCnnCrossEntropyMatchesBruteForce() {
    check(NatureCnn.Padding.VALID, false, 4, 512L << 20);
  }

  /**
   * The Eve authors' network (SAME padding, lecun-normal): its parameterless pad blocks sit
   * between the layers, so every conv is handled as a VALID one on its padded input.
   */
  @Test
  void sameNatureCnnPpoLossMatchesBruteForce() {
    check(NatureCnn.Padding.SAME, true, 4, 512L << 20);
    check(NatureCnn.Padding.SAME, true, 3, 1L << 20);
  }

  /**
   * Both conv forms (and the per-layer choice) on shapes the Nature CNN does not have: a stride
   * that leaves input rows unused (the grouped form must crop), a stride that does not divide the
   * kernel (strided unfold), a non-square stride, fewer positions than filters and more, zero
   * padding and dilation.
   */
  @ParameterizedTest
  @EnumSource(PerExampleGradientsConfig.ConvMethod.class)
  void oddConvShapesMatchBruteForceWithEveryConvMethod(PerExampleGradientsConfig.ConvMethod method) {
    Engine.getInstance().setRandomSeed(11);
    try (NDManager m = NDManager.newBaseManager()) {
      SequentialBlock trunk = new SequentialBlock()
          .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optStride(new Shape(2, 2))
              .setFilters(5).build()) // 2x13x12 -> 5x6x5; rows 12 of 13 and col 11 unused
          .add(Activation.reluBlock())
          .add(Conv2d.builder().setKernelShape(new Shape(2, 3)).optStride(new Shape(1, 2))
              .setFilters(7).build()) // -> 7x5x2: 10 positions, 7 filters
          .add(Activation.tanhBlock())
          .add(Conv2d.builder().setKernelShape(new Shape(2, 2)).optPadding(new Shape(2, 1))
              .optDilation(new Shape(2, 1)).setFilters(3).build()) // -> 3x7x3, padded, dilated
          .add(Activation.reluBlock())
          .add(Blocks.batchFlattenBlock());
      PolicyValueNetwork net = PolicyValueNetwork.of(trunk, 3);
      net.initialize(m, DataType.FLOAT32, new Shape(1, 2, 13, 12));
      int batch = 5;
      NDList x = new NDList(m.randomNormal(new Shape(batch, 2, 13, 12)));
      NDList t = new NDList(m.create(new int[] {0, 1, 2, 1, 0}));
      PerExampleGradients engine = PerExampleGradients.create(net,
          PerExampleGradientsConfig.defaults().withFallbackAllowed(false).withConvMethod(method)
              .withMemoryCapBytes(2048)); // chunks of one or two examples
      List<BruteForce.Stats> brute =
          BruteForce.compute(net, engine.parameters(), m, x, t, CROSS_ENTROPY);
      try (NDManager scope = m.newSubManager()) {
        GradientStats stats = engine.compute(scope, x, t, CROSS_ENTROPY,
            EnumSet.allOf(Statistic.class)).stats();
        for (int j = 0; j < stats.size(); j++) {
          String name = method + " " + engine.parameterNames().get(j);
          assertClose(stats.get(j).mean(), brute.get(j).mean(), name + " mean");
          assertClose(stats.get(j).secondMoment(), brute.get(j).second(), name + " second");
          assertClose(stats.get(j).signMean(), brute.get(j).sign(), name + " sign");
          assertClose(stats.get(j).exampleSquaredNorms(), brute.get(j).norms(), name + " norms");
        }
      }
    }
  }

  /** {@code cnn} null: the MLP; else the Nature CNN with that padding. No fallback allowed. */
  private static void check(NatureCnn.Padding cnn, boolean ppo, int batch, long cap) {
    Engine.getInstance().setRandomSeed(7);
    try (NDManager m = NDManager.newBaseManager()) {
      PolicyValueNetwork net;
      NDArray obs;
      int actions = 4;
      if (cnn != null) {
        net = NatureCnn.builder().setNumActions(actions).optPadding(cnn).build();
        if (cnn == NatureCnn.Padding.SAME) {
          Initialization.LECUN_NORMAL.applyTo(net, 3);
        }
        net.initialize(m, DataType.FLOAT32, NatureCnn.inputShape(1));
        obs = m.randomInteger(0, 256, NatureCnn.inputShape(batch), DataType.INT32)
            .toType(DataType.UINT8, false);
      } else {
        net = Mlp.builder().setNumActions(actions).build();
        net.initialize(m, DataType.FLOAT32, new Shape(1, 6));
        obs = m.randomNormal(new Shape(batch, 6));
      }
      NDArray acts = m.randomInteger(0, actions, new Shape(batch), DataType.INT32);
      NDList targets;
      PerExampleLoss loss;
      if (ppo) {
        NDList out = net.forward(new ParameterStore(m, false), new NDList(obs), false);
        // Old log-probs off the current policy so that some ratios clip.
        NDArray old = CategoricalPolicy.logProb(out.get(0), acts)
            .add(m.randomNormal(0, 0.2f, new Shape(batch), DataType.FLOAT32));
        targets = PpoLoss.targets(acts, old, m.randomNormal(new Shape(batch)),
            m.randomNormal(new Shape(batch)), m.randomNormal(new Shape(batch)));
        loss = PpoLoss.builder().build();
      } else {
        targets = new NDList(acts);
        loss = CROSS_ENTROPY;
      }
      PerExampleGradients engine = PerExampleGradients.create(net,
          PerExampleGradientsConfig.defaults().withMemoryCapBytes(cap).withFallbackAllowed(false));
      List<Parameter> params = engine.parameters();
      List<BruteForce.Stats> brute;
      try (NDManager s = m.newSubManager()) {
        brute = BruteForce.compute(net, params, s, new NDList(obs), targets, loss);
      }
      float[][] batchGrad = batchGradient(net, params, m, new NDList(obs), targets, loss);
      try (NDManager scope = m.newSubManager()) {
        GradientStats stats = engine.compute(scope, new NDList(obs), targets, loss,
            EnumSet.allOf(Statistic.class)).stats();
        assertEquals(params.size(), stats.size());
        for (int j = 0; j < params.size(); j++) {
          String name = engine.parameterNames().get(j);
          TensorStats t = stats.get(j);
          BruteForce.Stats b = brute.get(j);
          assertEquals(params.get(j).getArray().getShape(), t.mean().getShape(), name);
          assertClose(t.mean(), b.mean(), name + " mean");
          assertClose(t.secondMoment(), b.second(), name + " second moment");
          assertClose(t.signMean(), b.sign(), name + " sign mean");
          assertClose(t.exampleSquaredNorms(), b.norms(), name + " squared norms");
          double[] ordinary = new double[batchGrad[j].length];
          for (int k = 0; k < ordinary.length; k++) {
            ordinary[k] = batchGrad[j][k];
          }
          assertClose(t.mean(), ordinary, name + " mean vs ordinary batch gradient");
        }
      }
    }
  }

  /** The ordinary minibatch gradient of the mean loss, through the network's own forward. */
  static float[][] batchGradient(PolicyValueNetwork net, List<Parameter> params, NDManager m,
      NDList x, NDList t, PerExampleLoss loss) {
    try (NDManager s = m.newSubManager()) {
      for (Parameter p : params) {
        NDArray g = p.getArray().getGradient();
        g.attach(s);
        g.subi(g);
      }
      try (GradientCollector gc = s.getEngine().newGradientCollector()) {
        NDList o = net.forward(new ParameterStore(s, false), x, true);
        gc.backward(loss.perExample(o, t).mean());
      }
      float[][] out = new float[params.size()][];
      for (int j = 0; j < params.size(); j++) {
        NDArray g = params.get(j).getArray().getGradient();
        g.attach(s);
        out[j] = g.toFloatArray();
      }
      return out;
    }
  }

  static void assertClose(NDArray actual, double[] expected, String what) {
    assertNotNull(actual, what + " missing");
    double err = BruteForce.relativeError(actual.toFloatArray(), expected);
    double scale = 0;
    for (double v : expected) {
      scale = Math.max(scale, Math.abs(v));
    }
    System.out.printf("%-60s rel err %.2e (max |brute| %.2e)%n", what, err, scale);
    assertTrue(err <= TOL, what + ": relative error " + err + " > " + TOL);
  }
}
