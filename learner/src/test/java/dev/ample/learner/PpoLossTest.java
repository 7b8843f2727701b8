// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class PpoLossTest {

  /**
   * The Eve authors' value term {@code vf_coeff * mean((R - V)^2)} with vf_coeff 0.5, worked by
   * hand: V = (1, 2, 0), R = (0, 0, 3), squared errors 1, 4, 9, so 0.5 * 14/3 = 7/3. Policy and
   * entropy terms are switched off (zero advantages, entropy coefficient 0).
   */
  @Test
  void authorsValueLossIsHalfTheMeanSquaredError() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray logits = m.zeros(new ai.djl.ndarray.types.Shape(3, 2));
      NDList targets = PpoLoss.targets(m.create(new int[] {0, 1, 0}),
          m.create(new float[] {(float) Math.log(0.5), (float) Math.log(0.5), (float) Math.log(0.5)}),
          m.zeros(new ai.djl.ndarray.types.Shape(3)), m.create(new float[] {0, 0, 3}),
          m.create(new float[] {1, 2, 0}));
      NDArray values = m.create(new float[] {1, 2, 0});
      PpoConfig authors = PpoConfig.builder().optValueCoef(0.5).optEntropyCoef(0).build();
      assertEquals(PpoLoss.ValueLoss.SQUARED, authors.valueLoss());
      PpoLoss.Terms t = authors.lossAt(0).terms(logits, values, targets);
      assertEquals(7.0 / 3, t.loss().mean().getFloat(), 1e-6);
      assertEquals(14.0 / 3, t.valueLoss().mean().getFloat(), 1e-6);

      // baselines/CleanRL: 0.5 * 0.5 * mean((V - R)^2) = 7/6.
      PpoLoss half = PpoConfig.builder().optValueCoef(0.5).optEntropyCoef(0)
          .optValueLoss(PpoLoss.ValueLoss.HALF_SQUARED).build().lossAt(0);
      assertEquals(7.0 / 6, half.terms(logits, values, targets).loss().mean().getFloat(), 1e-6);

      // Value clipping, clip 0.1, rollout predicted 0.5 for each: clipped predictions 0.6, 0.6,
      // 0.4; squared errors max(1, 0.36), max(4, 0.36), max(9, 6.76) = 1, 4, 9 here, while
      // predictions of (0.55, 0.45, 0.5) give max(0.3025, 0.3025), max(0.2025, 0.2025),
      // max(6.25, 6.25): clipping changes nothing inside the range.
      NDList fromHalf = PpoLoss.targets(targets.get(0), targets.get(1), targets.get(2),
          targets.get(3), m.create(new float[] {0.5f, 0.5f, 0.5f}));
      PpoLoss clipped = PpoConfig.builder().optClip(0.1).optValueCoef(0.5).optEntropyCoef(0)
          .optClipValue(true).build().lossAt(0);
      assertEquals(14.0 / 3, clipped.terms(logits, values, fromHalf).valueLoss().mean().getFloat(),
          1e-6);
      // Far below the target: V = 3.5 for R = 3 and old 0.5 clips to 0.6 -> (0.6 - 3)^2 = 5.76
      // beats (3.5 - 3)^2 = 0.25.
      NDArray far = m.create(new float[] {0.55f, 0.45f, 3.5f});
      assertEquals((0.3025 + 0.2025 + 5.76) / 3,
          clipped.terms(logits, far, fromHalf).valueLoss().mean().getFloat(), 1e-6);
    }
  }
}
