// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.gymnasium;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ample.envs.ObservationSpace;
import dev.ample.envs.atari.AtariEmulators.FrameStep;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Decoding of the worker's byte replies, built here as numpy would lay them out. */
class WireFormatTest {

  private static final ObservationSpace FLOAT2 =
      new ObservationSpace(new int[] {2}, ObservationSpace.Dtype.FLOAT32);

  @Test
  void vectorStepWithAutoresetPutsFinalObservationsInTheirEnvRows() {
    // 3 envs, obs of 2 floats; env 1 and env 2 ended (terminated, truncated).
    ByteBuffer b = ByteBuffer.allocate(3 * 8 + 3 * 8 + 6 + 2 * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : new float[] {0.5f, -1f, 2f, 3f, 4f, 5f}) {
      b.putFloat(f);
    }
    b.putDouble(1.0).putDouble(0.25).putDouble(-2.0);
    b.put(new byte[] {0, 1, 0}).put(new byte[] {0, 0, 1});
    for (float f : new float[] {7f, 8f, 9f, 10f}) {
      b.putFloat(f);
    }
    WireFormat.VectorStep s = WireFormat.readVectorStep(FLOAT2, 3, b.array());
    assertArrayEquals(new float[] {0.5f, -1f, 2f, 3f, 4f, 5f}, s.observations().floats());
    assertArrayEquals(new double[] {1.0, 0.25, -2.0}, s.rewards());
    assertArrayEquals(new boolean[] {false, true, false}, s.terminated());
    assertArrayEquals(new boolean[] {false, false, true}, s.truncated());
    float[] finals = s.finalObservations().floats();
    assertEquals(7f, finals[2]);
    assertEquals(8f, finals[3]);
    assertEquals(9f, finals[4]);
    assertEquals(10f, finals[5]);
  }

  @Test
  void vectorStepWithoutEndsHasNoFinalObservations() {
    ObservationSpace u8 = new ObservationSpace(new int[] {2, 2}, ObservationSpace.Dtype.UINT8);
    byte[] data = new byte[2 * 4 + 2 * 8 + 4];
    data[0] = (byte) 255;
    WireFormat.VectorStep s = WireFormat.readVectorStep(u8, 2, data);
    assertEquals((byte) 255, s.observations().bytes()[0]);
    assertNull(s.finalObservations());
  }

  @Test
  void truncatedReplyIsAClearError() {
    byte[] data = new byte[3 * 8 + 3 * 8 + 6]; // says nothing ended, but...
    data[3 * 8 + 3 * 8] = 1; // ...env 0 terminated without its final observation
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> WireFormat.readVectorStep(FLOAT2, 3, data));
    assertTrue(e.getMessage().contains("1 ended episodes"), e.getMessage());
  }

  @Test
  void frameStepLayout() {
    int k = 2;
    int h = 2;
    int w = 3;
    ByteBuffer b = ByteBuffer.allocate(13 * k + 2 * k * h * w).order(ByteOrder.LITTLE_ENDIAN);
    b.putDouble(1.0).putDouble(-1.0).put((byte) 0).put((byte) 1).putInt(4).putInt(2);
    for (int i = 0; i < 2 * k * h * w; i++) {
      b.put((byte) i);
    }
    FrameStep f = WireFormat.readFrameStep(k, h, w, b.array());
    assertArrayEquals(new float[] {1f, -1f}, f.rewards());
    assertArrayEquals(new boolean[] {false, true}, f.gameOver());
    assertArrayEquals(new int[] {4, 2}, f.framesEmulated());
    assertEquals(12, f.lastScreens().length);
    assertEquals(0, f.lastScreens()[0]);
    assertEquals(12, f.previousScreens()[0]);
  }

  @Test
  void integersAreLittleEndian() {
    assertArrayEquals(new byte[] {1, 0, 0, 0, -1, -1, -1, -1}, WireFormat.int32s(new int[] {1, -1}));
    assertArrayEquals(new byte[] {2, 0, 0, 0, 0, 0, 0, 0}, WireFormat.int64s(new long[] {2}));
    assertArrayEquals(new int[] {1, -1}, WireFormat.readInt32s(WireFormat.int32s(new int[] {1, -1}), 2));
  }

  @Test
  void readyLineParses() {
    GymnasiumWorker.Ready r =
        GymnasiumWorker.Ready.parse(
            "AMPLE_WORKER_READY port=4711 pid=9 dtype=UINT8 shape=210,160 actions=6"
                + " action_set=0,1,3,4,11,12");
    assertEquals(4711, r.port());
    assertEquals(new ObservationSpace(new int[] {210, 160}, ObservationSpace.Dtype.UINT8), r.space());
    assertEquals(6, r.numActions());
    assertArrayEquals(new int[] {0, 1, 3, 4, 11, 12}, r.actionSet());
  }

  @Test
  void specJsonEscapesAndTypesValues() {
    var spec =
        new GymnasiumWorker.Spec(
            GymnasiumWorker.Mode.ATARI,
            "ALE/Pong-v5",
            2,
            new java.util.LinkedHashMap<>(
                java.util.Map.of("repeat_action_probability", 0.0)));
    assertEquals(
        "{\"mode\": \"atari\", \"env_id\": \"ALE/Pong-v5\", \"num_envs\": 2, \"kwargs\":"
            + " {\"repeat_action_probability\": 0.0}}",
        spec.json());
  }
}
