// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout.wire;

import akka.actor.ExtendedActorSystem;
import akka.serialization.SerializerWithStringManifest;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.ample.agents.PolicySnapshot;
import dev.ample.envs.EnvConfig;
import dev.ample.rollout.RolloutBatch;
import java.io.NotSerializableException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The Akka serializer for what crosses between the learner and rollout workers: a worker's
 * fragment ({@link RolloutBatch}: its T x k {@link dev.ample.agents.Trajectory}, the episodes that
 * ended and the counters), the learner's weights ({@link PolicySnapshot}) and the run's envs
 * ({@link EnvConfig}). Bound to exactly these types by {@link #akkaConfig()}, which also turns Java
 * serialization off, so any other message type fails to serialize instead of crossing in a format
 * nobody chose.
 *
 * <p>Format: raw little-endian buffers, every length checked on read ({@link MessageCodecs});
 * stacked frames go newest frame only ({@link ObservationCodec}). The manifest is {@code
 * Type/version} ({@code RolloutBatch/1}); a buffer of another format version is refused naming both
 * versions. The payload's first byte says whether the rest is Deflate-compressed (level 1, the
 * JDK's {@link Deflater}), which {@code ample.wire.compress-fragments} switches for fragments.
 *
 * <p>Measured (one JVM, no network, a 2-core machine shared with other jobs, so times are noisy;
 * steady state after JIT warm-up), Pong fragment of 8 envs x 128 steps from the real env:
 *
 * <ul>
 *   <li>plain: 7,436,558 bytes, encode about 5 ms, decode about 4.5 ms;
 *   <li>deflated: 154,182 bytes (48x fewer: Pong frames are mostly background), encode about 23
 *       ms, decode about 11 ms, so about 24 ms more per fragment for 7.28 MB fewer, which take 58
 *       ms at 1 Gbit/s. Deflate wins below about 2.4 Gbit/s per fragment stream; and since every
 *       worker's fragments share the learner's one link, whose side pays only the extra 6.5 ms of
 *       inflating, the learner's link wins below about 9 Gbit/s. On by default; switch it off
 *       where workers and learner share a host (loopback is faster than that).
 *   <li>weight snapshot of the Pong network (4,047,015 float32): 16,188,745 bytes with this
 *       bench's tensor names, encode about 8 ms, decode about 7.5 ms. Deflate level 1 would save 7%
 *       (15,055,020 bytes) for about 600 ms: snapshots are never compressed.
 * </ul>
 *
 * <p>Identifier {@value #IDENTIFIER} is fixed: Akka sends it with every message to pick the
 * serializer on the receiving side.
 */
public final class WireSerializer extends SerializerWithStringManifest {

  /** Akka's id of this serializer; never change it (ids 0..40 are Akka's own). */
  public static final int IDENTIFIER = 1_766_812_012;

  /** The format version this build writes and reads. */
  public static final int FORMAT_VERSION = 1;

  /** Config resource binding this serializer, for {@link #akkaConfig()}. */
  static final String CONFIG_RESOURCE = "ample-wire.conf";

  private static final String BATCH = "RolloutBatch";
  private static final String SNAPSHOT = "PolicySnapshot";
  private static final String ENV_CONFIG = "EnvConfig";
  private static final String FRAME_SIZE = "akka.remote.artery.advanced.maximum-large-frame-size";
  /** Room left in an Artery frame for its envelope (sender, recipient, manifest). */
  private static final int ENVELOPE_SLACK = 4096;
  private static final byte PLAIN = 0;
  private static final byte DEFLATE = 1;
  /** Deflate compresses at most about 1032:1: a bound on a claimed raw length, checked first. */
  private static final int DEFLATE_MAX_RATIO = 1032;

  private final boolean compressFragments;
  private final long maxFrameBytes;

  /** Made by Akka from the actor system's config (see {@link #akkaConfig()}). */
  public WireSerializer(ExtendedActorSystem system) {
    this(system.settings().config());
  }

  WireSerializer(Config config) {
    this.compressFragments = config.getBoolean("ample.wire.compress-fragments");
    this.maxFrameBytes = config.hasPath(FRAME_SIZE) ? config.getBytes(FRAME_SIZE) : Long.MAX_VALUE;
  }

  /**
   * The config block binding this serializer (Java serialization off, the bindings, Artery's frame
   * sizes and large-message lanes, {@code ample.wire.*}), to put over Akka's reference config of
   * an actor system whose messages cross machines.
   */
  public static Config akkaConfig() {
    Config config = ConfigFactory.parseResources(WireSerializer.class.getClassLoader(),
        CONFIG_RESOURCE);
    if (!config.hasPath("ample.wire")) {
      throw new IllegalStateException(CONFIG_RESOURCE + " is missing from the class path;"
          + " rebuild the ample jar");
    }
    return config;
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    return type(o) + "/" + FORMAT_VERSION;
  }

  @Override
  public byte[] toBinary(Object o) {
    byte[] bytes;
    boolean compress = false;
    if (o instanceof RolloutBatch batch) {
      bytes = MessageCodecs.writeBatch(batch);
      compress = compressFragments;
    } else if (o instanceof PolicySnapshot snapshot) {
      bytes = MessageCodecs.writeSnapshot(snapshot);
    } else if (o instanceof EnvConfig env) {
      bytes = MessageCodecs.writeEnvConfig(env);
    } else {
      throw unknown(o);
    }
    byte[] payload = compress ? deflate(bytes) : withHeader(PLAIN, bytes);
    if (payload.length > maxFrameBytes - ENVELOPE_SLACK) {
      throw new IllegalArgumentException("a " + type(o) + " of " + payload.length + " bytes"
          + " exceeds " + FRAME_SIZE + " (" + maxFrameBytes + " bytes, less "
          + ENVELOPE_SLACK + " for the envelope); use fewer envs per worker or raise it");
    }
    return payload;
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    int slash = manifest.lastIndexOf('/');
    String type = slash < 0 ? manifest : manifest.substring(0, slash);
    if (!type.equals(BATCH) && !type.equals(SNAPSHOT) && !type.equals(ENV_CONFIG)) {
      throw new WireFormatException("unknown wire message type '" + type + "' (manifest '"
          + manifest + "'); this build reads " + BATCH + ", " + SNAPSHOT + " and " + ENV_CONFIG);
    }
    String version = slash < 0 ? "none" : manifest.substring(slash + 1);
    if (!version.equals(Integer.toString(FORMAT_VERSION))) {
      throw new WireFormatException("a " + type + " in wire format version " + version
          + " arrived; this build reads version " + FORMAT_VERSION + ": run the same ample"
          + " version on the learner and every worker");
    }
    WireReader in = open(bytes, manifest);
    return switch (type) {
      case BATCH -> MessageCodecs.readBatch(in);
      case SNAPSHOT -> MessageCodecs.readSnapshot(in);
      default -> MessageCodecs.readEnvConfig(in);
    };
  }

  private static String type(Object o) {
    if (o instanceof RolloutBatch) {
      return BATCH;
    }
    if (o instanceof PolicySnapshot) {
      return SNAPSHOT;
    }
    if (o instanceof EnvConfig) {
      return ENV_CONFIG;
    }
    throw unknown(o);
  }

  private static IllegalArgumentException unknown(Object o) {
    return new IllegalArgumentException("the ample wire serializer cannot send a "
        + (o == null ? "null" : o.getClass().getName()) + "; it sends " + BATCH + ", "
        + SNAPSHOT + " and " + ENV_CONFIG + " (bindings in " + CONFIG_RESOURCE + ")");
  }

  private static byte[] withHeader(byte compression, byte[] bytes) {
    byte[] payload = new byte[1 + bytes.length];
    payload[0] = compression;
    System.arraycopy(bytes, 0, payload, 1, bytes.length);
    return payload;
  }

  /** {@code [DEFLATE][raw length, int LE][deflate stream]}. */
  private static byte[] deflate(byte[] bytes) {
    Deflater deflater = new Deflater(Deflater.BEST_SPEED);
    try {
      deflater.setInput(bytes);
      deflater.finish();
      byte[] out = new byte[5 + bytes.length + bytes.length / 1000 + 64];
      int length = 5;
      while (!deflater.finished()) {
        if (length == out.length) {
          out = Arrays.copyOf(out, out.length * 2);
        }
        length += deflater.deflate(out, length, out.length - length);
      }
      out[0] = DEFLATE;
      ByteBuffer.wrap(out, 1, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length);
      return Arrays.copyOf(out, length);
    } finally {
      deflater.end();
    }
  }

  /** A reader of a payload's message, inflated first when it is compressed. */
  private static WireReader open(byte[] payload, String manifest) throws WireFormatException {
    if (payload.length == 0) {
      throw new WireFormatException(manifest + " is empty");
    }
    if (payload[0] == PLAIN) {
      return new WireReader(payload, 1, manifest);
    }
    if (payload[0] != DEFLATE) {
      throw new WireFormatException(manifest + " has compression code " + payload[0]
          + "; this build knows 0 (none) and 1 (deflate)");
    }
    WireReader header = new WireReader(payload, 1, manifest);
    long bound = (long) (payload.length - 5) * DEFLATE_MAX_RATIO + 64;
    int rawLength = header.count("uncompressed length", 0, Math.min(bound, Integer.MAX_VALUE - 8));
    byte[] raw = new byte[rawLength];
    byte[] beyond = new byte[1];
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(payload, 5, payload.length - 5);
      int length = 0;
      while (!inflater.finished()) {
        int n = length < rawLength
            ? inflater.inflate(raw, length, rawLength - length)
            : inflater.inflate(beyond);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          break;
        }
        length += n;
        if (length > rawLength) {
          break;
        }
      }
      if (length != rawLength || !inflater.finished() || inflater.getRemaining() > 0) {
        throw new WireFormatException(manifest + " does not inflate to its stated " + rawLength
            + " bytes (" + (length > rawLength ? "more" : length + " bytes")
            + (inflater.finished() ? "" : ", stream unfinished")
            + "); the buffer is truncated or corrupt");
      }
      return new WireReader(raw, 0, manifest);
    } catch (DataFormatException e) {
      throw new WireFormatException(manifest + " holds a corrupt deflate stream: "
          + e.getMessage());
    } finally {
      inflater.end();
    }
  }
}
