// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.ActorSystem;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import com.typesafe.config.ConfigFactory;
import dev.ample.agents.PolicySnapshot;
import dev.ample.envs.EnvConfig;
import dev.ample.rollout.RolloutBatch;
import java.io.NotSerializableException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.util.Try;

/**
 * Through Akka's serialization, configured by {@link WireSerializer#akkaConfig()}: the messages
 * that cross go through the wire serializer, anything else is refused.
 */
class WireAkkaSerializationTest {

  private static ActorSystem system;
  private static Serialization serialization;

  /** Not bound to any serializer. */
  private record Unregistered(int value) {}

  @BeforeAll
  static void start() {
    system = ActorSystem.create("wire-test", WireSerializer.akkaConfig()
        .withFallback(ConfigFactory.parseString("akka.loglevel = WARNING"))
        .withFallback(ConfigFactory.defaultReference()));
    serialization = SerializationExtension.get(system);
  }

  @AfterAll
  static void stop() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void theCrossingMessagesGoThroughTheWireSerializer() {
    SplittableRandom random = new SplittableRandom(8);
    RolloutBatch batch = Fragments.stacked(random, 5, 2, 4, 3, 3, new boolean[10]);
    PolicySnapshot snapshot = Fragments.snapshot(random, 9, 12, 3);
    EnvConfig env = EnvConfig.of("pong", 8);
    for (Object message : List.of(batch, snapshot, env)) {
      Serializer serializer = serialization.findSerializerFor(message);
      assertInstanceOf(WireSerializer.class, serializer, message.getClass().getName());
      assertEquals(WireSerializer.IDENTIFIER, serializer.identifier());
    }
    Fragments.assertSameBatch(batch, (RolloutBatch) roundTrip(batch));
    Fragments.assertSameSnapshot(snapshot, (PolicySnapshot) roundTrip(snapshot));
    assertEquals(env, roundTrip(env));
  }

  @Test
  void unregisteredTypesAreRefused() {
    for (Object message : List.of(new ArrayList<>(List.of(1, 2)), new Unregistered(3))) {
      Try<byte[]> bytes = serialization.serialize(message);
      assertTrue(bytes.isFailure(), message.getClass() + " serialized");
      Throwable error = bytes.failed().get();
      String text = String.valueOf(error.getMessage());
      assertTrue(error instanceof NotSerializableException
              || text.contains("allow-java-serialization"), error.toString());
    }
  }

  @Test
  void anotherVersionOrATruncatedBufferIsRefusedClearly() {
    EnvConfig env = EnvConfig.of("catch", 4);
    byte[] bytes = serialization.serialize(env).get();
    Try<Object> otherVersion = serialization.deserialize(bytes, WireSerializer.IDENTIFIER,
        "EnvConfig/2");
    assertTrue(otherVersion.isFailure());
    assertTrue(otherVersion.failed().get().getMessage().contains("this build reads version 1"),
        otherVersion.failed().get().getMessage());
    Try<Object> truncated = serialization.deserialize(Arrays.copyOf(bytes, bytes.length - 3),
        WireSerializer.IDENTIFIER, "EnvConfig/1");
    assertTrue(truncated.isFailure());
    assertInstanceOf(WireFormatException.class, truncated.failed().get());
    assertTrue(truncated.failed().get().getMessage().contains("truncated"),
        truncated.failed().get().getMessage());
  }

  private static Object roundTrip(Object message) {
    Serializer serializer = serialization.findSerializerFor(message);
    byte[] bytes = serialization.serialize(message).get();
    return serialization.deserialize(bytes, serializer.identifier(),
        Serializers.manifestFor(serializer, message)).get();
  }
}
