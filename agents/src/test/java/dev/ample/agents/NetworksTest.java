// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.agents;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NetworksTest {

  @Test
  void natureCnnMapsFramesToLogitsAndValues() {
    try (NDManager m = NDManager.newBaseManager()) {
      PolicyValueNetwork net = NatureCnn.builder().setNumActions(6).build();
      net.initialize(m, DataType.FLOAT32, NatureCnn.inputShape(1));
      NDArray obs = m.randomInteger(0, 256, NatureCnn.inputShape(3), DataType.INT32).toType(DataType.UINT8, false);
      NDList out = net.forward(new ParameterStore(m, false), new NDList(obs), false);
      assertEquals(new Shape(3, 6), out.get(0).getShape());
      assertEquals(new Shape(3), out.get(1).getShape());
      // 3 convs + dense 512 + two heads, weight and bias each.
      assertEquals(12, net.getParameters().size());
    }
  }

  @Test
  void mlpAndCategoricalPolicy() {
    try (NDManager m = NDManager.newBaseManager()) {
      PolicyValueNetwork net = Mlp.builder().setNumActions(3).build();
      net.initialize(m, DataType.FLOAT32, new Shape(1, 4));
      NDList out = net.forward(new ParameterStore(m, false), new NDList(m.randomNormal(new Shape(5, 4))), false);
      NDArray logits = out.get(0);
      float[] probsSum = CategoricalPolicy.logProbs(logits).exp().sum(new int[] {-1}).toFloatArray();
      for (float s : probsSum) {
        assertEquals(1f, s, 1e-5f);
      }
      NDArray ent = CategoricalPolicy.entropy(logits);
      for (float h : ent.toFloatArray()) {
        assertTrue(h > 0 && h <= Math.log(3) + 1e-5);
      }
      NDArray actions = m.create(new int[] {0, 1, 2, 1, 0});
      float[] lp = CategoricalPolicy.logProb(logits, actions).toFloatArray();
      float[] all = CategoricalPolicy.logProbs(logits).toFloatArray();
      int[] a = {0, 1, 2, 1, 0};
      for (int i = 0; i < 5; i++) {
        assertEquals(all[i * 3 + a[i]], lp[i], 1e-6f);
      }
      int[] s1 = CategoricalPolicy.sample(logits, new SplittableRandom(7));
      int[] s2 = CategoricalPolicy.sample(logits, new SplittableRandom(7));
      assertArrayEquals(s1, s2);
    }
  }
}
