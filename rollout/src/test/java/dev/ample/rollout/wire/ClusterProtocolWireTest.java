// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import com.typesafe.config.ConfigFactory;
import dev.ample.envs.EnvConfig;
import dev.ample.envs.ObservationSpace;
import dev.ample.rollout.cluster.ClusterProtocol;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.util.Try;

/**
 * The cluster protocol's messages through Akka's serialization as the nodes run it: each goes
 * through the wire serializer and comes back equal (the actor reference in {@code Assign}
 * resolving to the same actor), and every truncation of its bytes is refused.
 */
class ClusterProtocolWireTest {

  private static ActorTestKit kit;
  private static Serialization serialization;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create("wire-protocol-test", WireSerializer.akkaConfig()
        .withFallback(ConfigFactory.parseString("akka.loglevel = WARNING")));
    serialization = SerializationExtension.get(akka.actor.typed.javadsl.Adapter.toClassic(
        kit.system()));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void everyProtocolMessageRoundTripsThroughTheWireSerializer() {
    ActorRef<ClusterProtocol.ToLearner> learner =
        kit.<ClusterProtocol.ToLearner>createTestProbe().ref();
    SplittableRandom random = new SplittableRandom(12);
    ClusterProtocol.Assign assign = new ClusterProtocol.Assign(3, 1_000_007L,
        EnvConfig.of("pong", 8), "network { padding = same }", 128, 256,
        new ObservationSpace(new int[] {4, 84, 84}, ObservationSpace.Dtype.UINT8), 6, learner);
    List<Object> plain = List.of(assign, new ClusterProtocol.Stop("the run is over", false),
        new ClusterProtocol.Stop("--envs 3 x 128 steps is not a multiple of 256", true),
        new ClusterProtocol.Joined(2, 8, "127.0.0.1:41234"),
        new ClusterProtocol.WorkerFailed(1, "the ROM pong.bin is missing"));
    for (Object message : plain) {
      assertEquals(message, roundTrip(message));
    }
    assertEquals(learner, ((ClusterProtocol.Assign) roundTrip(assign)).learner());

    ClusterProtocol.Collect collect = new ClusterProtocol.Collect(41, 128,
        Fragments.snapshot(random, 41, 12, 3));
    ClusterProtocol.Collect collected = (ClusterProtocol.Collect) roundTrip(collect);
    assertEquals(collect.version(), collected.version());
    assertEquals(collect.steps(), collected.steps());
    Fragments.assertSameSnapshot(collect.policy(), collected.policy());

    ClusterProtocol.Fragment fragment = new ClusterProtocol.Fragment(2, 41,
        Fragments.stacked(random, 5, 2, 4, 3, 3, new boolean[10]));
    ClusterProtocol.Fragment received = (ClusterProtocol.Fragment) roundTrip(fragment);
    assertEquals(fragment.slot(), received.slot());
    assertEquals(fragment.version(), received.version());
    Fragments.assertSameBatch(fragment.batch(), received.batch());
  }

  @Test
  void everyTruncatedMessageIsRefused() {
    SplittableRandom random = new SplittableRandom(13);
    List<Object> messages = List.of(new ClusterProtocol.Stop("over", false),
        new ClusterProtocol.Joined(2, 8, "127.0.0.1:41234"),
        new ClusterProtocol.WorkerFailed(1, "failed"),
        new ClusterProtocol.Collect(7, 16, Fragments.snapshot(random, 7, 5)));
    for (Object message : messages) {
      Serializer serializer = serialization.findSerializerFor(message);
      String manifest = Serializers.manifestFor(serializer, message);
      byte[] bytes = serialization.serialize(message).get();
      for (int length = 0; length < bytes.length; length++) {
        Try<Object> cut = serialization.deserialize(Arrays.copyOf(bytes, length),
            serializer.identifier(), manifest);
        assertTrue(cut.isFailure(), manifest + " cut to " + length + " bytes was read");
        assertInstanceOf(WireFormatException.class, cut.failed().get(), manifest);
      }
    }
  }

  private static Object roundTrip(Object message) {
    Serializer serializer = serialization.findSerializerFor(message);
    assertInstanceOf(WireSerializer.class, serializer, message.getClass().getName());
    byte[] bytes = serialization.serialize(message).get();
    return serialization.deserialize(bytes, serializer.identifier(),
        Serializers.manifestFor(serializer, message)).get();
  }
}
