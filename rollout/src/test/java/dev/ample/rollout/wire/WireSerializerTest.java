// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.ample.agents.PolicySnapshot;
import dev.ample.envs.EnvConfig;
import dev.ample.envs.atari.AtariSettings;
import dev.ample.envs.atari.Resize;
import dev.ample.rollout.RolloutBatch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The wire format itself: exact round trips, newest-frame sizes, and refusals of bad buffers. */
class WireSerializerTest {

  private static WireSerializer serializer(boolean compress) {
    return new WireSerializer(
        ConfigFactory.parseString("ample.wire.compress-fragments = " + compress));
  }

  private static Object roundTrip(WireSerializer serializer, Object message) throws Exception {
    return serializer.fromBinary(serializer.toBinary(message), serializer.manifest(message));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void stackedFragmentsWithResetsRoundTripExactly(boolean compress) throws Exception {
    SplittableRandom random = new SplittableRandom(12);
    for (int trial = 0; trial < 5; trial++) {
      int steps = random.nextInt(1, 20);
      int envs = random.nextInt(1, 5);
      boolean[] resets = randomResets(random, steps * envs, 6);
      RolloutBatch batch = Fragments.stacked(random, steps, envs, 4, 6, 5, resets);
      Fragments.assertSameBatch(batch, (RolloutBatch) roundTrip(serializer(compress), batch));
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void floatFragmentsRoundTripBitForBit(boolean compress) throws Exception {
    RolloutBatch batch = Fragments.floats(new SplittableRandom(3), 17, 3);
    Fragments.assertSameBatch(batch, (RolloutBatch) roundTrip(serializer(compress), batch));
  }

  @Test
  void stacksGoNewestFrameOnlyExceptFirstStepsAndResets() throws Exception {
    SplittableRandom random = new SplittableRandom(5);
    int steps = 32;
    int envs = 4;
    boolean[] resets = randomResets(random, steps * envs, 20);
    RolloutBatch batch = Fragments.stacked(random, steps, envs, 4, 10, 12, resets);
    int fullRows = envs;
    for (int row = envs; row < steps * envs; row++) {
      fullRows += resets[row] ? 1 : 0;
    }
    int frame = 10 * 12;
    long expected = (long) fullRows * 4 * frame + (long) (steps * envs - fullRows) * frame;
    ObservationCodec codec = ObservationCodec.of(batch.trajectory().observations(), envs);
    assertEquals(expected, codec.dataSize());
    // About a quarter of the raw bytes for a stack of 4.
    long raw = batch.trajectory().observations().bytes().length;
    assertTrue(codec.dataSize() < raw / 3, codec.dataSize() + " of " + raw);
    Fragments.assertSameBatch(batch, (RolloutBatch) roundTrip(serializer(false), batch));
  }

  @Test
  void stacksThatDoNotShiftGoAsFullRowsAndStillDecodeExactly() throws Exception {
    RolloutBatch batch = Fragments.unstacked(new SplittableRandom(9), 9, 3, 4, 7, 7);
    ObservationCodec codec = ObservationCodec.of(batch.trajectory().observations(), 3);
    assertEquals(batch.trajectory().observations().bytes().length, codec.dataSize());
    Fragments.assertSameBatch(batch, (RolloutBatch) roundTrip(serializer(false), batch));
  }

  @Test
  void aStackDifferingFromTheShiftInOneByteGoesFull() throws Exception {
    SplittableRandom random = new SplittableRandom(2);
    RolloutBatch batch = Fragments.stacked(random, 3, 1, 4, 5, 5, new boolean[3]);
    byte[] bytes = batch.trajectory().observations().bytes();
    bytes[2 * 100] ^= 1; // step 2's oldest frame no longer equals step 1's second frame
    ObservationCodec codec = ObservationCodec.of(batch.trajectory().observations(), 1);
    assertEquals(100 + 25 + 100, codec.dataSize());
    Fragments.assertSameBatch(batch, (RolloutBatch) roundTrip(serializer(false), batch));
  }

  @Test
  void snapshotsRoundTripBitForBit() throws Exception {
    PolicySnapshot snapshot = Fragments.snapshot(new SplittableRandom(4), 41, 300, 0, 7, 1);
    Fragments.assertSameSnapshot(snapshot,
        (PolicySnapshot) roundTrip(serializer(true), snapshot));
  }

  @Test
  void envConfigsRoundTrip() throws Exception {
    AtariSettings atari = new AtariSettings(3, 2, 64, Resize.Method.BILINEAR, 30, true, true,
        false, 0.25f, true, 108_000, 2, 1);
    EnvConfig withRoms = new EnvConfig("pong", EnvConfig.Backend.ALE, 16, Path.of("/tmp/roms"),
        atari, true);
    EnvConfig plain = EnvConfig.of("CartPole-v1", 8).withBackend(EnvConfig.Backend.GYMNASIUM);
    assertEquals(withRoms, roundTrip(serializer(false), withRoms));
    assertEquals(plain, roundTrip(serializer(false), plain));
  }

  @Test
  void anotherFormatVersionIsRefusedNamingBothVersions() {
    WireSerializer serializer = serializer(false);
    RolloutBatch batch = Fragments.floats(new SplittableRandom(1), 2, 2);
    byte[] bytes = serializer.toBinary(batch);
    WireFormatException e = assertThrows(WireFormatException.class,
        () -> serializer.fromBinary(bytes, "RolloutBatch/2"));
    assertTrue(e.getMessage().contains("version 2") && e.getMessage().contains("version 1"),
        e.getMessage());
    WireFormatException unknown = assertThrows(WireFormatException.class,
        () -> serializer.fromBinary(bytes, "Checkpoint/1"));
    assertTrue(unknown.getMessage().contains("unknown wire message type 'Checkpoint'"),
        unknown.getMessage());
  }

  @Test
  void unknownTypesAreRefusedOnSending() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> serializer(false).toBinary("a string"));
    assertTrue(e.getMessage().contains("java.lang.String"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> serializer(false).manifest(42));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void everyTruncationOrExtensionFailsWithAWireFormatException(boolean compress) throws Exception {
    SplittableRandom random = new SplittableRandom(6);
    WireSerializer serializer = serializer(compress);
    Object[] messages = {
        Fragments.stacked(random, 3, 2, 2, 3, 3, new boolean[] {false, false, true, false, false,
            false}),
        Fragments.snapshot(random, 3, 5, 2),
        EnvConfig.of("catch", 2)};
    for (Object message : messages) {
      byte[] bytes = serializer.toBinary(message);
      String manifest = serializer.manifest(message);
      for (int length = 0; length < bytes.length; length++) {
        byte[] cut = Arrays.copyOf(bytes, length);
        assertThrows(WireFormatException.class, () -> serializer.fromBinary(cut, manifest),
            manifest + " cut to " + length + " of " + bytes.length + " bytes");
      }
      byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
      assertThrows(WireFormatException.class, () -> serializer.fromBinary(longer, manifest));
    }
  }

  @Test
  void aCorruptLengthFailsBeforeAllocating() {
    WireSerializer serializer = serializer(false);
    RolloutBatch batch = Fragments.floats(new SplittableRandom(1), 2, 2);
    byte[] bytes = serializer.toBinary(batch);
    // steps (after the compression byte) set to 2^31 - 1: would be gigabytes if believed.
    ByteBuffer.wrap(bytes, 1, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(Integer.MAX_VALUE);
    WireFormatException e = assertThrows(WireFormatException.class,
        () -> serializer.fromBinary(bytes, serializer.manifest(batch)));
    assertTrue(e.getMessage().contains("truncated or corrupt"), e.getMessage());
  }

  @Test
  void aMessageOverTheFrameSizeIsRefusedNamingTheSetting() {
    WireSerializer serializer = new WireSerializer(ConfigFactory.parseString(
        "ample.wire.compress-fragments = off\n"
            + "akka.remote.artery.advanced.maximum-large-frame-size = 8 KiB"));
    PolicySnapshot snapshot = Fragments.snapshot(new SplittableRandom(1), 1, 2048);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> serializer.toBinary(snapshot));
    assertTrue(e.getMessage().contains("maximum-large-frame-size"), e.getMessage());
  }

  /** Each row a reset with probability {@code 1 / every}. */
  private static boolean[] randomResets(SplittableRandom random, int rows, int every) {
    boolean[] resets = new boolean[rows];
    for (int k = 0; k < rows; k++) {
      resets[k] = random.nextInt(every) == 0;
    }
    return resets;
  }
}
