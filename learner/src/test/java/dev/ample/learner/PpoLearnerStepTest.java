// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner;

import dev.ample.agents.Trajectory;
import dev.ample.envs.ObservationSpace;
import dev.ample.envs.Observations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import dev.ample.agents.PolicyValueNetwork;
import dev.ample.optim.Optimizers;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One PPO minibatch step with plain SGD against a reference written out by hand in double: a
 * network with no hidden layer ({@code logits = Wp x + bp}, {@code V = wv x + bv}), so the PPO
 * loss's gradient is
 *
 * <pre>
 *   dL_i/dlogit_j = g_i (onehot_j(a_i) - p_j) + entCoef p_j (log p_j + H_i)
 *   dL_i/dV       = vfCoef f 2 (V_i - R_i)     (f = 1 for the squared value loss, 0.5 for half)
 *   g_i = -A_i r_i where the unclipped term is the larger or r_i lies inside the clip range, else 0
 * </pre>
 *
 * and SGD's step is {@code -lr mean_i dL_i/dtheta}. Old log-probabilities are offset from the
 * current ones so that some ratios fall outside the clip range, which is annealed (0.4 at progress
 * 0.5 gives 0.2). Run with and without per-minibatch advantage normalisation, with both value-loss
 * forms, and with value clipping (then the larger of the two squared errors is differentiated,
 * through the clipped prediction only where it is inside the clip range).
 */
class PpoLearnerStepTest {

  static final int B = 12;
  static final int D = 5;
  static final int A = 3;
  static final double LR = 0.5;
  static final double VF = 0.5;
  static final double ENT = 0.05;
  static final double CLIP = 0.2;

  @ParameterizedTest(name = "normalize advantages {0}, value loss {1}, clip value {2}")
  @CsvSource({"false, squared, false", "true, squared, false", "false, half-squared, false",
      "true, half-squared, true", "false, squared, true"})
  void oneMinibatchSgdStepMatchesHandComputedGradient(boolean normalize, String valueLoss,
      boolean clipValue) {
    double f = valueLoss.equals("squared") ? 1.0 : 0.5;
    Engine.getInstance().setRandomSeed(21);
    SplittableRandom rng = new SplittableRandom(5);
    try (NDManager m = NDManager.newBaseManager()) {
      PolicyValueNetwork net = PolicyValueNetwork.of(Blocks.identityBlock(), A);
      net.initialize(m, DataType.FLOAT32, new Shape(1, D));
      PpoLearner learner = PpoLearner.builder()
          .setNetwork(net)
          .setManager(m)
          .setOptimizer(Optimizers.create("sgd", Map.of("lr", LR)))
          .optConfig(PpoConfig.builder().optEpochs(1).optMinibatchSize(B).optClip(0.4)
              .optAnnealClip(true).optValueCoef(VF).optEntropyCoef(ENT)
              .optValueLoss(PpoLoss.ValueLoss.parse(valueLoss)).optClipValue(clipValue)
              .optNormalizeAdvantages(normalize).build())
          .build();
      // Parameter order: policy weight (A, D), policy bias (A), value weight (1, D), value bias.
      List<String> names = learner.parameterNames();
      assertEquals(4, names.size(), names.toString());
      double[][] wp = rows(net.getParameters().get(0).getValue().getArray().toFloatArray(), A, D);
      double[] bp = doubles(net.getParameters().get(1).getValue().getArray().toFloatArray());
      double[] wv = doubles(net.getParameters().get(2).getValue().getArray().toFloatArray());
      double bv = net.getParameters().get(3).getValue().getArray().toFloatArray()[0];

      float[] obs = new float[B * D];
      int[] actions = new int[B];
      float[] rewards = new float[B];
      float[] oldLogProbs = new float[B];
      float[] values = new float[B];
      double[][] logp = new double[B][];
      double[] v = new double[B];
      double[] offsets = {-0.6, -0.1, 0, 0.05, 0.3, 0.7};
      for (int i = 0; i < B; i++) {
        for (int d = 0; d < D; d++) {
          obs[i * D + d] = (float) rng.nextGaussian();
        }
        actions[i] = rng.nextInt(A);
        rewards[i] = (float) (2 * rng.nextGaussian());
        logp[i] = logSoftmax(add(matVec(wp, obs, i), bp));
        v[i] = dot(wv, obs, i) + bv;
        // The rollout's value estimates differ from the network's, as after earlier epochs.
        values[i] = (float) (v[i] + 0.3 * rng.nextGaussian());
        oldLogProbs[i] = (float) (logp[i][actions[i]] + offsets[i % offsets.length]);
      }
      // T = 1, N = B, every step terminal: advantage = r - V_rollout, return = r.
      Trajectory rollout = new Trajectory(1, B, Observations.ofFloats(
              new ObservationSpace(new int[] {D}, ObservationSpace.Dtype.FLOAT32), B, obs),
          actions, oldLogProbs, values, rewards, allTrue(B), new boolean[B], new float[B],
          new float[B], new long[1]);

      double[] advantages = new double[B];
      for (int i = 0; i < B; i++) {
        advantages[i] = rewards[i] - values[i];
      }
      if (normalize) { // (A - mean) / (population std + 1e-8) over the minibatch
        double mean = java.util.Arrays.stream(advantages).average().orElseThrow();
        double var = java.util.Arrays.stream(advantages).map(a -> sq(a - mean)).average()
            .orElseThrow();
        for (int i = 0; i < B; i++) {
          advantages[i] = (advantages[i] - mean) / (Math.sqrt(var) + 1e-8);
        }
      }
      double[][] gWp = new double[A][D];
      double[] gBp = new double[A];
      double[] gWv = new double[D];
      double gBv = 0;
      double pg = 0;
      double vl = 0;
      double ent = 0;
      double kl = 0;
      double clipped = 0;
      int outside = 0;
      for (int i = 0; i < B; i++) {
        double adv = advantages[i];
        double ret = rewards[i];
        double logRatio = logp[i][actions[i]] - oldLogProbs[i];
        double r = Math.exp(logRatio);
        double rc = Math.min(Math.max(r, 1 - CLIP), 1 + CLIP);
        double unclippedLoss = -adv * r;
        double clippedLoss = -adv * rc;
        double g = unclippedLoss > clippedLoss || (r >= 1 - CLIP && r <= 1 + CLIP) ? -adv * r : 0;
        double h = 0;
        for (int j = 0; j < A; j++) {
          h -= Math.exp(logp[i][j]) * logp[i][j];
        }
        double[] dLogits = new double[A];
        for (int j = 0; j < A; j++) {
          double p = Math.exp(logp[i][j]);
          dLogits[j] = g * ((j == actions[i] ? 1 : 0) - p) + ENT * p * (logp[i][j] + h);
        }
        double sqErr = sq(v[i] - ret);
        double dV = VF * f * 2 * (v[i] - ret);
        if (clipValue) {
          double vc = values[i] + Math.min(Math.max(v[i] - values[i], -CLIP), CLIP);
          if (sq(vc - ret) > sqErr) {
            sqErr = sq(vc - ret);
            dV = Math.abs(v[i] - values[i]) < CLIP ? VF * f * 2 * (vc - ret) : 0;
          }
        }
        for (int j = 0; j < A; j++) {
          for (int d = 0; d < D; d++) {
            gWp[j][d] += dLogits[j] * obs[i * D + d] / B;
          }
          gBp[j] += dLogits[j] / B;
        }
        for (int d = 0; d < D; d++) {
          gWv[d] += dV * obs[i * D + d] / B;
        }
        gBv += dV / B;
        pg += Math.max(unclippedLoss, clippedLoss) / B;
        vl += f * sqErr / B;
        ent += h / B;
        kl += (r - 1 - logRatio) / B;
        clipped += (Math.abs(r - 1) > CLIP ? 1.0 : 0.0) / B;
        outside += r < 1 - CLIP || r > 1 + CLIP ? 1 : 0;
      }
      assertTrue(outside >= 2 && outside <= B - 2, "ratios outside the clip range: " + outside);

      PpoMetrics metrics = learner.update(rollout, 0.5);

      double[][] newWp = rows(net.getParameters().get(0).getValue().getArray().toFloatArray(), A, D);
      double[] newBp = doubles(net.getParameters().get(1).getValue().getArray().toFloatArray());
      double[] newWv = doubles(net.getParameters().get(2).getValue().getArray().toFloatArray());
      double newBv = net.getParameters().get(3).getValue().getArray().toFloatArray()[0];
      double stepSq = 0;
      for (int j = 0; j < A; j++) {
        for (int d = 0; d < D; d++) {
          assertStep(wp[j][d], gWp[j][d], newWp[j][d], "policy weight " + j + "," + d);
          stepSq += sq(LR * gWp[j][d]);
        }
        assertStep(bp[j], gBp[j], newBp[j], "policy bias " + j);
        stepSq += sq(LR * gBp[j]);
      }
      for (int d = 0; d < D; d++) {
        assertStep(wv[d], gWv[d], newWv[d], "value weight " + d);
        stepSq += sq(LR * gWv[d]);
      }
      assertStep(bv, gBv, newBv, "value bias");
      stepSq += sq(LR * gBv);

      assertEquals(pg, metrics.lossPolicy(), 1e-5 * Math.max(1, Math.abs(pg)), "loss_policy");
      assertEquals(vl, metrics.lossValue(), 1e-5 * Math.max(1, vl), "loss_value");
      assertEquals(ent, metrics.entropy(), 1e-5, "entropy");
      assertEquals(kl, metrics.approxKl(), 1e-5, "approx_kl");
      assertEquals(clipped, metrics.clipFrac(), 1e-9, "clip_frac");
      assertEquals(Math.sqrt(stepSq), metrics.updateNorm(), 1e-5 * Math.sqrt(stepSq), "update_norm");
      assertEquals(LR, metrics.learningRate(), 1e-12, "lr");
      assertEquals(CLIP, metrics.clipRange(), 1e-12, "clip range");
      assertEquals(1, metrics.optimizerSteps());
    }
  }

  /** new = old - lr * grad, to float rounding of the values involved. */
  private static void assertStep(double old, double grad, double actual, String what) {
    double expected = old - LR * grad;
    double tol = 2e-6 * (Math.abs(old) + Math.abs(LR * grad)) + 1e-7;
    assertEquals(expected, actual, tol, what + " (gradient " + grad + ")");
  }

  private static double sq(double x) {
    return x * x;
  }

  private static boolean[] allTrue(int n) {
    boolean[] b = new boolean[n];
    java.util.Arrays.fill(b, true);
    return b;
  }

  private static double[][] rows(float[] flat, int r, int c) {
    double[][] out = new double[r][c];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        out[i][j] = flat[i * c + j];
      }
    }
    return out;
  }

  private static double[] doubles(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i];
    }
    return d;
  }

  private static double[] matVec(double[][] w, float[] x, int row) {
    double[] out = new double[w.length];
    for (int j = 0; j < w.length; j++) {
      out[j] = dot(w[j], x, row);
    }
    return out;
  }

  private static double dot(double[] w, float[] x, int row) {
    double s = 0;
    for (int d = 0; d < w.length; d++) {
      s += w[d] * x[row * w.length + d];
    }
    return s;
  }

  private static double[] add(double[] a, double[] b) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] + b[i];
    }
    return out;
  }

  private static double[] logSoftmax(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double s = 0;
    for (double v : z) {
      s += Math.exp(v - max);
    }
    double lse = max + Math.log(s);
    double[] out = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      out[i] = z[i] - lse;
    }
    return out;
  }
}
