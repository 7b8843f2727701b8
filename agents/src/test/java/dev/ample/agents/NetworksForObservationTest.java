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
import ai.djl.training.ParameterStore;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class NetworksForObservationTest {

  @Test
  void catchShapedUint8PixelsGoThroughTheMlpFront() {
    try (NDManager m = NDManager.newBaseManager()) {
      int[] shape = {1, 10, 5};
      PolicyValueNetwork net = Networks.forObservation(shape, true, 3, NatureCnn.Padding.VALID);
      net.initialize(m, DataType.FLOAT32, Networks.inputShape(shape));
      byte[] pixels = new byte[2 * 50];
      float[] scaled = new float[2 * 50];
      for (int k = 0; k < pixels.length; k += 7) {
        pixels[k] = (byte) 255;
        scaled[k] = 255f;
      }
      ParameterStore ps = new ParameterStore(m, false);
      NDArray u8 = m.create(ByteBuffer.wrap(pixels), new Shape(2, 1, 10, 5), DataType.UINT8);
      NDList out = net.forward(ps, new NDList(u8), false);
      assertEquals(new Shape(2, 3), out.get(0).getShape());
      assertEquals(new Shape(2), out.get(1).getShape());
      // The front scales by 1/255 after casting, so 255 as uint8 and as float32 agree.
      NDList outFloat = net.forward(ps, new NDList(m.create(scaled, new Shape(2, 1, 10, 5))), false);
      assertArrayEquals(out.get(0).toFloatArray(), outFloat.get(0).toFloatArray());
      // 50 -> 64 -> 64, two heads: weight and bias each.
      assertEquals(8, net.getParameters().size());
      assertEquals(new Shape(64, 50), net.getParameters().get(0).getValue().getArray().getShape());
    }
  }

  @Test
  void pixelStacksGetTheNatureCnnAndVectorsThePlainMlp() {
    try (NDManager m = NDManager.newBaseManager()) {
      PolicyValueNetwork cnn = Networks.forObservation(new int[] {4, 84, 84}, true, 6, NatureCnn.Padding.VALID);
      cnn.initialize(m, DataType.FLOAT32, Networks.inputShape(new int[] {4, 84, 84}));
      assertEquals(12, cnn.getParameters().size());
      assertEquals(new Shape(1, 4, 84, 84), Networks.inputShape(new int[] {4, 84, 84}));

      PolicyValueNetwork mlp = Networks.forObservation(new int[] {4}, false, 2, NatureCnn.Padding.VALID);
      mlp.initialize(m, DataType.FLOAT32, new Shape(1, 4));
      PolicyValueNetwork plain = Mlp.builder().setNumActions(2).build();
      plain.initialize(m, DataType.FLOAT32, new Shape(1, 4));
      assertEquals(plain.getParameters().keys(), mlp.getParameters().keys());
    }
  }
}
