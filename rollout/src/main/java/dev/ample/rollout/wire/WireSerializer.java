// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout.wire;

import akka.actor.ExtendedActorSystem;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.SerializationExtension;
import akka.serialization.SerializerWithStringManifest;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.ample.agents.PolicySnapshot;
import dev.ample.envs.EnvConfig;
import dev.ample.rollout.RolloutBatch;
import dev.ample.rollout.cluster.ClusterProtocol;
import java.io.NotSerializableException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The Akka serializer for what crosses between the learner and rollout workers: a worker's
 * fragment ({@link RolloutBatch}: its T x k {@link dev.ample.agents.Trajectory}, the episodes that
 * ended and the counters), the learner's weights ({@link PolicySnapshot}) and the run's envs
 * ({@link EnvConfig}), and the cluster protocol's messages ({@link ClusterProtocol}: a fragment
 * travels as a {@link ClusterProtocol.Fragment}, weights in a {@link ClusterProtocol.Collect}).
 * Bound to exactly these types by {@link #akkaConfig()}, which also turns Java serialization off, so any other message type fails to serialize instead of crossing in a format
 * nobody chose.
 *
 * <p>Format: raw little-endian buffers, every length checked on read ({@link MessageCodecs});
 * stacked frames go newest frame only ({@link ObservationCodec}). The manifest is {@code
 * Type/version} ({@code RolloutBatch/1}); a buffer of another format version is refused naming both
 * versions. The payload's first byte says whether the rest is Deflate-compressed (level 1, the
 * JDK's {@link Deflater}), which {@code ample.wire.compress-fragments} switches for fragments
 * (a {@link RolloutBatch} or a {@link ClusterProtocol.Fragment}). Actor references (the learner's,
 * in an {@link ClusterProtocol.Assign}) cross in Akka's own string form ({@link ActorRefResolver}).
 *
 * <p>Each serializer counts the fragments it encodes and decodes, their bytes and its time on
 * them ({@link #fragmentTraffic}), for the learner's metrics and {@code bench rollout --cluster}.
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
  private static final String ASSIGN = "Assign";
  private static final String COLLECT = "Collect";
  private static final String STOP = "Stop";
  private static final String JOINED = "Joined";
  private static final String FRAGMENT = "Fragment";
  private static final String WORKER_FAILED = "WorkerFailed";
  private static final List<String> TYPES =
      List.of(BATCH, SNAPSHOT, ENV_CONFIG, ASSIGN, COLLECT, STOP, JOINED, FRAGMENT, WORKER_FAILED);
  private static final String FRAME_SIZE = "akka.remote.artery.advanced.maximum-large-frame-size";
  /** Room left in an Artery frame for its envelope (sender, recipient, manifest). */
  private static final int ENVELOPE_SLACK = 4096;
  private static final byte PLAIN = 0;
  private static final byte DEFLATE = 1;
  /** Deflate compresses at most about 1032:1: a bound on a claimed raw length, checked first. */
  private static final int DEFLATE_MAX_RATIO = 1032;

  private final boolean compressFragments;
  private final long maxFrameBytes;
  /** Where actor references resolve; null for a serializer made without a system (tests). */
  private final ExtendedActorSystem system;
  private volatile ActorRefResolver refs;
  private final AtomicLong fragmentsWritten = new AtomicLong();
  private final AtomicLong fragmentBytesWritten = new AtomicLong();
  private final AtomicLong fragmentWriteNanos = new AtomicLong();
  private final AtomicLong fragmentsRead = new AtomicLong();
  private final AtomicLong fragmentBytesRead = new AtomicLong();
  private final AtomicLong fragmentReadNanos = new AtomicLong();

  /** Made by Akka from the actor system's config (see {@link #akkaConfig()}). */
  public WireSerializer(ExtendedActorSystem system) {
    this(system.settings().config(), system);
  }

  WireSerializer(Config config) {
    this(config, null);
  }

  private WireSerializer(Config config, ExtendedActorSystem system) {
    this.compressFragments = config.getBoolean("ample.wire.compress-fragments");
    this.maxFrameBytes = config.hasPath(FRAME_SIZE) ? config.getBytes(FRAME_SIZE) : Long.MAX_VALUE;
    this.system = system;
  }

  /**
   * Fragments this serializer has encoded ({@code written}) and decoded ({@code read}) so far:
   * how many, their bytes on the wire, and the nanoseconds spent (compression included).
   */
  public record FragmentTraffic(long written, long bytesWritten, long writeNanos, long read,
      long bytesRead, long readNanos) {

    /** What happened between {@code before} and this. */
    public FragmentTraffic since(FragmentTraffic before) {
      return new FragmentTraffic(written - before.written, bytesWritten - before.bytesWritten,
          writeNanos - before.writeNanos, read - before.read, bytesRead - before.bytesRead,
          readNanos - before.readNanos);
    }
  }

  /** The fragment counters of the wire serializer of {@code system} (one built with {@link #akkaConfig()}). */
  public static FragmentTraffic fragmentTraffic(akka.actor.typed.ActorSystem<?> system) {
    WireSerializer s;
    try {
      s = (WireSerializer) SerializationExtension.get(Adapter.toClassic(system))
          .serializerFor(ClusterProtocol.Fragment.class);
    } catch (NotSerializableException e) {
      throw new IllegalStateException("this actor system has no wire serializer bound", e);
    }
    return new FragmentTraffic(s.fragmentsWritten.get(), s.fragmentBytesWritten.get(),
        s.fragmentWriteNanos.get(), s.fragmentsRead.get(), s.fragmentBytesRead.get(),
        s.fragmentReadNanos.get());
  }

  /** Resolved on first use: Akka makes serializers while the system is still starting. */
  private ActorRefResolver refs() {
    if (system == null) {
      throw new IllegalStateException("this wire serializer has no actor system to resolve"
          + " actor references in");
    }
    if (refs == null) {
      refs = ActorRefResolver.get(Adapter.toTyped(system));
    }
    return refs;
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
    long t0 = System.nanoTime();
    byte[] bytes;
    boolean fragment = o instanceof RolloutBatch || o instanceof ClusterProtocol.Fragment;
    if (o instanceof RolloutBatch batch) {
      bytes = MessageCodecs.writeBatch(batch);
    } else if (o instanceof PolicySnapshot snapshot) {
      bytes = MessageCodecs.writeSnapshot(snapshot);
    } else if (o instanceof EnvConfig env) {
      bytes = MessageCodecs.writeEnvConfig(env);
    } else if (o instanceof ClusterProtocol.Assign a) {
      bytes = MessageCodecs.writeAssign(a, refs());
    } else if (o instanceof ClusterProtocol.Collect c) {
      bytes = MessageCodecs.writeCollect(c);
    } else if (o instanceof ClusterProtocol.Stop stop) {
      bytes = MessageCodecs.writeStop(stop);
    } else if (o instanceof ClusterProtocol.Joined j) {
      bytes = MessageCodecs.writeJoined(j);
    } else if (o instanceof ClusterProtocol.Fragment f) {
      bytes = MessageCodecs.writeFragment(f);
    } else if (o instanceof ClusterProtocol.WorkerFailed w) {
      bytes = MessageCodecs.writeWorkerFailed(w);
    } else {
      throw unknown(o);
    }
    byte[] payload = fragment && compressFragments ? deflate(bytes) : withHeader(PLAIN, bytes);
    if (payload.length > maxFrameBytes - ENVELOPE_SLACK) {
      throw new IllegalArgumentException("a " + type(o) + " of " + payload.length + " bytes"
          + " exceeds " + FRAME_SIZE + " (" + maxFrameBytes + " bytes, less "
          + ENVELOPE_SLACK + " for the envelope); use fewer envs per worker or raise it");
    }
    if (fragment) {
      fragmentsWritten.incrementAndGet();
      fragmentBytesWritten.addAndGet(payload.length);
      fragmentWriteNanos.addAndGet(System.nanoTime() - t0);
    }
    return payload;
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    long t0 = System.nanoTime();
    int slash = manifest.lastIndexOf('/');
    String type = slash < 0 ? manifest : manifest.substring(0, slash);
    if (!TYPES.contains(type)) {
      throw new WireFormatException("unknown wire message type '" + type + "' (manifest '"
          + manifest + "'); this build reads " + String.join(", ", TYPES));
    }
    String version = slash < 0 ? "none" : manifest.substring(slash + 1);
    if (!version.equals(Integer.toString(FORMAT_VERSION))) {
      throw new WireFormatException("a " + type + " in wire format version " + version
          + " arrived; this build reads version " + FORMAT_VERSION + ": run the same ample"
          + " version on the learner and every worker");
    }
    WireReader in = open(bytes, manifest);
    Object message = switch (type) {
      case BATCH -> MessageCodecs.readBatch(in);
      case SNAPSHOT -> MessageCodecs.readSnapshot(in);
      case ENV_CONFIG -> MessageCodecs.readEnvConfig(in);
      case ASSIGN -> MessageCodecs.readAssign(in, refs());
      case COLLECT -> MessageCodecs.readCollect(in);
      case STOP -> MessageCodecs.readStop(in);
      case JOINED -> MessageCodecs.readJoined(in);
      case FRAGMENT -> MessageCodecs.readFragment(in);
      default -> MessageCodecs.readWorkerFailed(in);
    };
    if (type.equals(BATCH) || type.equals(FRAGMENT)) {
      fragmentsRead.incrementAndGet();
      fragmentBytesRead.addAndGet(bytes.length);
      fragmentReadNanos.addAndGet(System.nanoTime() - t0);
    }
    return message;
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
    if (o instanceof ClusterProtocol.Assign) {
      return ASSIGN;
    }
    if (o instanceof ClusterProtocol.Collect) {
      return COLLECT;
    }
    if (o instanceof ClusterProtocol.Stop) {
      return STOP;
    }
    if (o instanceof ClusterProtocol.Joined) {
      return JOINED;
    }
    if (o instanceof ClusterProtocol.Fragment) {
      return FRAGMENT;
    }
    if (o instanceof ClusterProtocol.WorkerFailed) {
      return WORKER_FAILED;
    }
    throw unknown(o);
  }

  private static IllegalArgumentException unknown(Object o) {
    return new IllegalArgumentException("the ample wire serializer cannot send a "
        + (o == null ? "null" : o.getClass().getName()) + "; it sends " + String.join(", ", TYPES)
        + " (bindings in " + CONFIG_RESOURCE + ")");
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
