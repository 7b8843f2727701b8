// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.agents;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The {@code same} Nature CNN against the Eve authors' Flax model and a hand-written conv. */
class SamePaddingTest {

  @Test
  void sameNetworkHasFlaxShapesAndParameterCount() {
    try (NDManager m = NDManager.newBaseManager()) {
      PolicyValueNetwork net = NatureCnn.builder().setNumActions(6)
          .optPadding(NatureCnn.Padding.SAME).build();
      net.initialize(m, DataType.FLOAT32, NatureCnn.inputShape(1));
      // Flax nn.Conv with padding 'SAME' on 84x84: 21x21x32, 11x11x64, 11x11x64, 7,744 features.
      List<Shape> convOutputs = new ArrayList<>();
      Shape shape = NatureCnn.inputShape(1);
      for (var child : ((SequentialBlock) net.trunk()).getChildren()) {
        Block b = child.getValue();
        shape = b.getOutputShapes(new Shape[] {shape})[0];
        if (b instanceof Conv2d) {
          convOutputs.add(shape);
        }
      }
      assertEquals(List.of(new Shape(1, 32, 21, 21), new Shape(1, 64, 11, 11),
          new Shape(1, 64, 11, 11)), convOutputs);
      assertEquals(new Shape(1, 512), shape);
      // 8*8*4*32+32 + 4*4*32*64+64 + 3*3*64*64+64 + 7744*512+512 + 512*6+6 + 512+1
      assertEquals(4_047_015, net.parameterCount());
      assertEquals("Nature CNN (same padding)", net.description());

      PolicyValueNetwork valid = NatureCnn.builder().setNumActions(6).build();
      valid.initialize(m, DataType.FLOAT32, NatureCnn.inputShape(1));
      assertEquals(1_687_719, valid.parameterCount());
    }
  }

  @Test
  void samePaddingSplitsAsXla() {
    assertArrayEquals(new long[] {2, 2}, NatureCnn.samePadding(84, 8, 4)); // 21 outputs
    assertArrayEquals(new long[] {1, 2}, NatureCnn.samePadding(21, 4, 2)); // 11 outputs
    assertArrayEquals(new long[] {1, 1}, NatureCnn.samePadding(11, 3, 1)); // 11 outputs
    assertArrayEquals(new long[] {0, 0}, NatureCnn.samePadding(8, 2, 2));
    assertArrayEquals(new long[] {0, 1}, NatureCnn.samePadding(7, 2, 2)); // 4 outputs
  }

  /**
   * One padded conv forward against a loop written from Flax's definition: output (i, j) sums
   * {@code x[i*s + a - lo]} over the kernel taps, reading 0 outside the input.
   */
  @Test
  void forwardEqualsAHandComputedSameConvolution() {
    int c = 2;
    int h = 5;
    int w = 6;
    int k = 4;
    int s = 2;
    int f = 3;
    SplittableRandom r = new SplittableRandom(3);
    float[] x = new float[c * h * w];
    float[] kernel = new float[f * c * k * k];
    float[] bias = {0.5f, -1f, 2f};
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble(-1, 1);
    }
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] = (float) r.nextDouble(-1, 1);
    }
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray input = m.create(x, new Shape(1, c, h, w));
      NDArray out = Conv2d.conv2d(NatureCnn.padSame(input, k, s),
          m.create(kernel, new Shape(f, c, k, k)), m.create(bias), new Shape(s, s)).singletonOrThrow();
      long[] ph = NatureCnn.samePadding(h, k, s);
      long[] pw = NatureCnn.samePadding(w, k, s);
      int oh = (h + s - 1) / s;
      int ow = (w + s - 1) / s;
      assertEquals(new Shape(1, f, oh, ow), out.getShape());
      float[] got = out.toFloatArray();
      for (int o = 0; o < f; o++) {
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            double sum = bias[o];
            for (int ch = 0; ch < c; ch++) {
              for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) {
                  long y = (long) i * s + a - ph[0];
                  long xx = (long) j * s + b - pw[0];
                  if (y >= 0 && y < h && xx >= 0 && xx < w) {
                    sum += (double) kernel[((o * c + ch) * k + a) * k + b]
                        * x[(int) ((ch * h + y) * w + xx)];
                  }
                }
              }
            }
            assertEquals(sum, got[(o * oh + i) * ow + j], 1e-5, "output " + o + "," + i + "," + j);
          }
        }
      }
      // Same padding keeps the gradient path: the pad block is differentiable end to end.
      PolicyValueNetwork net = NatureCnn.builder().setNumActions(2)
          .optPadding(NatureCnn.Padding.SAME).build();
      net.initialize(m, DataType.FLOAT32, NatureCnn.inputShape(1));
      NDList o = net.forward(new ParameterStore(m, false),
          new NDList(m.zeros(NatureCnn.inputShape(2), DataType.UINT8)), false);
      assertEquals(new Shape(2, 2), o.get(0).getShape());
    }
  }
}
