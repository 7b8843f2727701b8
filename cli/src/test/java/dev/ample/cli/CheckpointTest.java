// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.ample.cli.config.NetworkSettings;
import dev.ample.envs.EnvConfig;
import dev.ample.learner.PpoLearner;
import dev.ample.optim.Optimizers;
import dev.ample.optim.RunDecay;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint file: round trip, every kind of damage refused in one line, identity checks. */
class CheckpointTest {

  @TempDir Path dir;

  private static final NetworkSettings NETWORK = new NetworkSettings(
      dev.ample.agents.NatureCnn.Padding.VALID, dev.ample.agents.Initialization.DJL_DEFAULT);

  private static PpoLearner learner(EnvNetworks.Built built, NDManager m) {
    return PpoLearner.builder().setNetwork(built.network()).setManager(m)
        .setOptimizer(Optimizers.create("adam", Map.of(), RunDecay.over(10))).build();
  }

  private static Progress progress() {
    return new Progress(7, 1792, 1792, 200, 12.5, List.of(1.0, -1.0), List.of(9, 9), 84,
        new RunDecay(0, 1, 120));
  }

  private static byte[] learnerState(PpoLearner learner) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    learner.saveState(out);
    return out.toByteArray();
  }

  @Test
  void roundTripKeepsEverything() throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      EnvNetworks.Built built = EnvNetworks.createProbing(EnvConfig.of("catch", 1), NETWORK, 1, m);
      PpoLearner saved = learner(built, m);
      Path file = dir.resolve("iter-000007.ckpt");
      Checkpoint.write(file, built.identity(), progress(), saved);
      assertEquals(List.of("iter-000007.ckpt"), Arrays.asList(dir.toFile().list()), "no .tmp");

      Checkpoint read = Checkpoint.read(file);
      assertEquals(progress(), read.progress());
      assertEquals(built.identity(), read.identity());
      EnvNetworks.Built other = EnvNetworks.createProbing(EnvConfig.of("catch", 1), NETWORK, 2, m);
      PpoLearner loaded = learner(other, m);
      read.restore(loaded, other.identity());
      assertArrayEquals(learnerState(saved), learnerState(loaded), "bit-exact");
    }
  }

  /** One flipped byte anywhere (header, JSON, parameters, optimizer state) is caught. */
  @Test
  void anyFlippedByteOrCutIsDamage() throws IOException {
    Path file = dir.resolve("iter-000007.ckpt");
    try (NDManager m = NDManager.newBaseManager()) {
      EnvNetworks.Built built = EnvNetworks.createProbing(EnvConfig.of("catch", 1), NETWORK, 1, m);
      Checkpoint.write(file, built.identity(), progress(), learner(built, m));
    }
    byte[] good = Files.readAllBytes(file);
    for (int at = 16; at < good.length; at += Math.max(1, good.length / 97)) {
      byte[] bad = good.clone();
      bad[at] ^= 0x10;
      Files.write(file, bad);
      Checkpoint.Damaged e = assertThrows(Checkpoint.Damaged.class, () -> Checkpoint.read(file),
          "byte " + at);
      assertTrue(e.getMessage().startsWith("checkpoint " + file + " is damaged: "), e.getMessage());
      assertEquals(file, e.file());
    }
    Files.write(file, Arrays.copyOf(good, good.length - 1));
    assertTrue(assertThrows(Checkpoint.Damaged.class, () -> Checkpoint.read(file)).getMessage()
        .contains("cut short"));
    Files.write(file, new byte[0]);
    assertTrue(assertThrows(Checkpoint.Damaged.class, () -> Checkpoint.read(file)).getMessage()
        .contains("the file is empty"));
    Files.write(file, "not a checkpoint, but longer than a header".getBytes());
    assertTrue(assertThrows(Checkpoint.Damaged.class, () -> Checkpoint.read(file)).getMessage()
        .contains("does not start as an ample checkpoint"));
  }

  /** Today's checkpoints started as the learner's state did (a UTF string "ample-ppo-learner"). */
  @Test
  void theEarlierTwoFileFormatIsRefusedSayingSo() throws IOException {
    Path file = dir.resolve("iter-000030.ckpt");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF("ample-ppo-learner");
      out.writeInt(1);
    }
    Files.write(file, bytes.toByteArray());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(file));
    assertFalse(e instanceof Checkpoint.Damaged, "not damage: another format");
    assertTrue(e.getMessage().contains("format of an earlier ample"), e.getMessage());
  }

  @Test
  void anotherEnvOrNetworkIsRefusedInUserWords() throws IOException {
    Path file = dir.resolve("iter-000007.ckpt");
    try (NDManager m = NDManager.newBaseManager()) {
      EnvNetworks.Built catchNet = EnvNetworks.createProbing(EnvConfig.of("catch", 1), NETWORK, 1, m);
      Checkpoint.write(file, catchNet.identity(), progress(), learner(catchNet, m));
      EnvNetworks.Built cartpole = EnvNetworks.createProbing(EnvConfig.of("cartpole", 1), NETWORK, 1, m);
      Checkpoint read = Checkpoint.read(file);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> read.restore(learner(cartpole, m), cartpole.identity()));
      assertTrue(e.getMessage().contains("is for catch: 1x10x5 uint8 observations, 3 actions"),
          e.getMessage());
      assertTrue(e.getMessage().contains("the config gives cartpole: 4 float32 observations, 2"
          + " actions"), e.getMessage());
      assertFalse(e.getMessage().contains("Linear_weight"), "no internal tensor names");
    }
  }

  @Test
  void oneGameUnderItsSeveralNamesIsOneIdentity() {
    var space = new dev.ample.envs.ObservationSpace(new int[] {4, 84, 84},
        dev.ample.envs.ObservationSpace.Dtype.UINT8);
    NetworkIdentity a = new NetworkIdentity("pong", List.of(4, 84, 84), "uint8", 6, "cnn", 1,
        List.of());
    assertEquals("pong", a.env());
    assertEquals(a.env(), identityEnv("PongNoFrameskip-v4", space));
    assertEquals(a.env(), identityEnv("ALE/Pong-v5", space));
  }

  private static String identityEnv(String id, dev.ample.envs.ObservationSpace space) {
    try (NDManager m = NDManager.newBaseManager()) {
      var network = NETWORK.create(space, 6, 1, m);
      return NetworkIdentity.of(EnvConfig.of(id, 1), space, network).env();
    }
  }
}
