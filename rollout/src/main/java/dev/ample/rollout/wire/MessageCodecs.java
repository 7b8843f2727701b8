// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout.wire;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import dev.ample.agents.PolicySnapshot;
import dev.ample.agents.Trajectory;
import dev.ample.envs.EnvConfig;
import dev.ample.envs.EpisodeEnd;
import dev.ample.envs.ObservationSpace;
import dev.ample.envs.Observations;
import dev.ample.envs.atari.AtariSettings;
import dev.ample.envs.atari.Resize;
import dev.ample.rollout.RolloutBatch;
import dev.ample.rollout.cluster.ClusterProtocol;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Format version 1 of the messages that cross between learner and workers, each field little
 * endian in the order written here. Every reader checks lengths against the bytes left and
 * finishes with no byte left over; values are rebuilt through the types' own constructors, so a
 * buffer that decodes to an impossible value fails as that type would.
 */
final class MessageCodecs {

  private static final int EPISODE_BYTES = 8 + 4 + 8;

  private MessageCodecs() {}

  // --- RolloutBatch: a worker's T x k fragment with its episodes and counters -------------------

  static byte[] writeBatch(RolloutBatch batch) {
    Trajectory t = batch.trajectory();
    ObservationCodec observations = ObservationCodec.of(t.observations(), t.envs());
    long n = t.size();
    long size = 4 + 4 + observations.size()
        + 4 * n // actions
        + 4 * n * 3 // logProbs, values, rewards
        + n * 2 // terminated, truncated
        + 4 * n // finalValues
        + 4L * t.envs() + 8L * t.steps()
        + 4 + (long) EPISODE_BYTES * batch.episodes().size() + 8 + 8;
    WireWriter out = new WireWriter(size);
    out.putInt(t.steps());
    out.putInt(t.envs());
    observations.write(out);
    out.putInts(t.actions());
    out.putFloats(t.logProbs());
    out.putFloats(t.values());
    out.putFloats(t.rewards());
    out.putBooleans(t.terminated());
    out.putBooleans(t.truncated());
    out.putFloats(t.finalValues());
    out.putFloats(t.bootstrapValues());
    out.putLongs(t.policyVersions());
    out.putInt(batch.episodes().size());
    for (EpisodeEnd e : batch.episodes()) {
      out.putDouble(e.rawReturn());
      out.putInt(e.length());
      out.putLong(e.frames());
    }
    out.putLong(batch.agentSteps());
    out.putLong(batch.frames());
    return out.finish();
  }

  static RolloutBatch readBatch(WireReader in) throws WireFormatException {
    int steps = in.count("steps", 1, Integer.MAX_VALUE);
    int envs = in.count("envs", 1, Integer.MAX_VALUE);
    long rows = (long) steps * envs;
    // Each transition takes at least 22 bytes below, so more rows than bytes left is corrupt.
    if (rows > in.remaining()) {
      throw new WireFormatException("a fragment of " + steps + " x " + envs + " transitions"
          + " cannot fit the " + in.remaining() + " bytes left; the buffer is truncated or"
          + " corrupt");
    }
    int n = (int) rows;
    Observations observations = ObservationCodec.read(in, n, envs);
    int[] actions = in.getInts(n, "actions");
    float[] logProbs = in.getFloats(n, "logProbs");
    float[] values = in.getFloats(n, "values");
    float[] rewards = in.getFloats(n, "rewards");
    boolean[] terminated = in.getBooleans(n, "terminated");
    boolean[] truncated = in.getBooleans(n, "truncated");
    float[] finalValues = in.getFloats(n, "finalValues");
    float[] bootstrapValues = in.getFloats(envs, "bootstrapValues");
    long[] policyVersions = in.getLongs(steps, "policyVersions");
    int episodeCount = in.count("episodes", 0, in.remaining() / EPISODE_BYTES);
    List<EpisodeEnd> episodes = new ArrayList<>(episodeCount);
    for (int k = 0; k < episodeCount; k++) {
      episodes.add(new EpisodeEnd(in.getDouble("episode return"), in.getInt("episode length"),
          in.getLong("episode frames")));
    }
    long agentSteps = in.getLong("agentSteps");
    long frames = in.getLong("frames");
    in.finish();
    return valid(() -> new RolloutBatch(new Trajectory(steps, envs, observations, actions,
        logProbs, values, rewards, terminated, truncated, finalValues, bootstrapValues,
        policyVersions), episodes, agentSteps, frames));
  }

  // --- PolicySnapshot: the learner's weights after an update -------------------------------------

  static byte[] writeSnapshot(PolicySnapshot snapshot) {
    List<String> names = snapshot.parameterNames();
    List<float[]> values = new ArrayList<>(names.size());
    long size = 8 + 4;
    for (int j = 0; j < names.size(); j++) {
      values.add(snapshot.values(j));
      size += WireWriter.size(names.get(j)) + 4 + 4L * values.get(j).length;
    }
    WireWriter out = new WireWriter(size);
    out.putLong(snapshot.version());
    out.putInt(names.size());
    for (int j = 0; j < names.size(); j++) {
      out.putString(names.get(j));
      out.putInt(values.get(j).length);
      out.putFloats(values.get(j));
    }
    return out.finish();
  }

  static PolicySnapshot readSnapshot(WireReader in) throws WireFormatException {
    long version = in.getLong("version");
    // Each tensor takes at least 8 bytes (name length, value count).
    int tensors = in.count("parameter tensors", 0, in.remaining() / 8);
    List<String> names = new ArrayList<>(tensors);
    List<float[]> values = new ArrayList<>(tensors);
    for (int j = 0; j < tensors; j++) {
      names.add(in.getString("parameter name"));
      int length = in.count("values of " + names.get(j), 0, in.remaining() / Float.BYTES);
      values.add(in.getFloats(length, "values of " + names.get(j)));
    }
    in.finish();
    return valid(() -> PolicySnapshot.of(version, names, values));
  }

  // --- EnvConfig: the run's envs, which the learner hands to each worker -------------------------

  static byte[] writeEnvConfig(EnvConfig env) {
    AtariSettings a = env.atari();
    String romDir = env.romDir() == null ? "" : env.romDir().toString();
    long size = WireWriter.size(env.id()) + WireWriter.size(env.backend().name()) + 4
        + 1 + WireWriter.size(romDir) + 1
        + 4 * 3 + WireWriter.size(a.resize().name()) + 4 + 3 + 4 + 1 + 8 + 4 + 4;
    WireWriter out = new WireWriter(size);
    out.putString(env.id());
    out.putString(env.backend().name());
    out.putInt(env.numEnvs());
    out.putBoolean(env.romDir() != null);
    out.putString(romDir);
    out.putBoolean(env.allowUnverifiedRom());
    out.putInt(a.frameSkip());
    out.putInt(a.stack());
    out.putInt(a.size());
    out.putString(a.resize().name());
    out.putInt(a.noopMax());
    out.putBoolean(a.fireReset());
    out.putBoolean(a.episodicLife());
    out.putBoolean(a.clipRewards());
    out.putFloat(a.stickyActionProbability());
    out.putBoolean(a.fullActionSpace());
    out.putLong(a.maxEpisodeFrames());
    out.putInt(a.mode());
    out.putInt(a.difficulty());
    return out.finish();
  }

  static EnvConfig readEnvConfig(WireReader in) throws WireFormatException {
    String id = in.getString("env id");
    EnvConfig.Backend backend = constant(EnvConfig.Backend.class, in.getString("env backend"));
    int numEnvs = in.getInt("num envs");
    boolean hasRomDir = in.getBoolean("rom dir present");
    String romDir = in.getString("rom dir");
    boolean allowUnverifiedRom = in.getBoolean("allow unverified rom");
    int frameSkip = in.getInt("frame skip");
    int stack = in.getInt("stack");
    int size = in.getInt("size");
    Resize.Method resize = constant(Resize.Method.class, in.getString("resize"));
    int noopMax = in.getInt("noop max");
    boolean fireReset = in.getBoolean("fire reset");
    boolean episodicLife = in.getBoolean("episodic life");
    boolean clipRewards = in.getBoolean("clip rewards");
    float sticky = in.getFloat("sticky action probability");
    boolean fullActionSpace = in.getBoolean("full action space");
    long maxEpisodeFrames = in.getLong("max episode frames");
    int mode = in.getInt("mode");
    int difficulty = in.getInt("difficulty");
    in.finish();
    return valid(() -> new EnvConfig(id, backend, numEnvs, hasRomDir ? Path.of(romDir) : null,
        new AtariSettings(frameSkip, stack, size, resize, noopMax, fireReset, episodicLife,
            clipRewards, sticky, fullActionSpace, maxEpisodeFrames, mode, difficulty),
        allowUnverifiedRom));
  }

  // --- Cluster protocol: each message's fields, nested messages as length-prefixed buffers ------

  static byte[] writeAssign(ClusterProtocol.Assign a, ActorRefResolver refs) {
    byte[] env = writeEnvConfig(a.env());
    String learner = refs.toSerializationFormat(a.learner());
    int[] shape = a.space().shape();
    WireWriter out = new WireWriter(4 + 8 + 4 + env.length + WireWriter.size(a.network()) + 4 + 4
        + 4 + 4L * shape.length + 1 + 4 + WireWriter.size(learner));
    out.putInt(a.slot());
    out.putLong(a.seed());
    out.putInt(env.length);
    out.putBytes(env, 0, env.length);
    out.putString(a.network());
    out.putInt(a.steps());
    out.putInt(a.minibatchSize());
    out.putInt(shape.length);
    for (int d : shape) {
      out.putInt(d);
    }
    out.putBoolean(a.space().dtype() == ObservationSpace.Dtype.UINT8);
    out.putInt(a.numActions());
    out.putString(learner);
    return out.finish();
  }

  static ClusterProtocol.Assign readAssign(WireReader in, ActorRefResolver refs)
      throws WireFormatException {
    int slot = in.count("slot", 0, Integer.MAX_VALUE);
    long seed = in.getLong("seed");
    EnvConfig env = readEnvConfig(nested(in, "env config"));
    String network = in.getString("network");
    int steps = in.count("steps", 1, Integer.MAX_VALUE);
    int minibatch = in.count("minibatch size", 1, Integer.MAX_VALUE);
    int rank = in.count("observation rank", 1, 8);
    int[] shape = new int[rank];
    for (int k = 0; k < rank; k++) {
      shape[k] = in.count("observation shape[" + k + "]", 1, Integer.MAX_VALUE);
    }
    ObservationSpace.Dtype dtype = in.getBoolean("uint8 observations")
        ? ObservationSpace.Dtype.UINT8 : ObservationSpace.Dtype.FLOAT32;
    int numActions = in.count("actions", 1, Integer.MAX_VALUE);
    ActorRef<ClusterProtocol.ToLearner> learner = refs.resolveActorRef(in.getString("learner"));
    in.finish();
    return valid(() -> new ClusterProtocol.Assign(slot, seed, env, network, steps, minibatch,
        new ObservationSpace(shape, dtype), numActions, learner));
  }

  static byte[] writeCollect(ClusterProtocol.Collect c) {
    byte[] snapshot = writeSnapshot(c.policy());
    WireWriter out = new WireWriter(8 + 4 + 4 + snapshot.length);
    out.putLong(c.version());
    out.putInt(c.steps());
    out.putInt(snapshot.length);
    out.putBytes(snapshot, 0, snapshot.length);
    return out.finish();
  }

  static ClusterProtocol.Collect readCollect(WireReader in) throws WireFormatException {
    long version = in.getLong("version");
    int steps = in.count("steps", 1, Integer.MAX_VALUE);
    PolicySnapshot policy = readSnapshot(nested(in, "policy snapshot"));
    in.finish();
    return valid(() -> new ClusterProtocol.Collect(version, steps, policy));
  }

  static byte[] writeStop(ClusterProtocol.Stop s) {
    WireWriter out = new WireWriter(WireWriter.size(s.reason()) + 1);
    out.putString(s.reason());
    out.putBoolean(s.refused());
    return out.finish();
  }

  static ClusterProtocol.Stop readStop(WireReader in) throws WireFormatException {
    String reason = in.getString("reason");
    boolean refused = in.getBoolean("refused");
    in.finish();
    return new ClusterProtocol.Stop(reason, refused);
  }

  static byte[] writeJoined(ClusterProtocol.Joined j) {
    WireWriter out = new WireWriter(4 + 4 + WireWriter.size(j.address()));
    out.putInt(j.slot());
    out.putInt(j.envs());
    out.putString(j.address());
    return out.finish();
  }

  static ClusterProtocol.Joined readJoined(WireReader in) throws WireFormatException {
    int slot = in.count("slot", 0, Integer.MAX_VALUE);
    int envs = in.count("envs", 1, Integer.MAX_VALUE);
    String address = in.getString("address");
    in.finish();
    return new ClusterProtocol.Joined(slot, envs, address);
  }

  static byte[] writeFragment(ClusterProtocol.Fragment f) {
    byte[] batch = writeBatch(f.batch());
    WireWriter out = new WireWriter(4 + 8 + 4 + batch.length);
    out.putInt(f.slot());
    out.putLong(f.version());
    out.putInt(batch.length);
    out.putBytes(batch, 0, batch.length);
    return out.finish();
  }

  static ClusterProtocol.Fragment readFragment(WireReader in) throws WireFormatException {
    int slot = in.count("slot", 0, Integer.MAX_VALUE);
    long version = in.getLong("version");
    RolloutBatch batch = readBatch(nested(in, "fragment"));
    in.finish();
    return new ClusterProtocol.Fragment(slot, version, batch);
  }

  static byte[] writeWorkerFailed(ClusterProtocol.WorkerFailed w) {
    WireWriter out = new WireWriter(4 + WireWriter.size(w.message()));
    out.putInt(w.slot());
    out.putString(w.message());
    return out.finish();
  }

  static ClusterProtocol.WorkerFailed readWorkerFailed(WireReader in) throws WireFormatException {
    int slot = in.count("slot", 0, Integer.MAX_VALUE);
    String message = in.getString("message");
    in.finish();
    return new ClusterProtocol.WorkerFailed(slot, message);
  }

  /** A length-prefixed message inside this one, as a reader of its own. */
  private static WireReader nested(WireReader in, String what) throws WireFormatException {
    int length = in.count(what + " length", 0, in.remaining());
    byte[] bytes = new byte[length];
    in.getBytes(bytes, 0, length, what);
    return new WireReader(bytes, 0, what);
  }

  private static <E extends Enum<E>> E constant(Class<E> type, String name)
      throws WireFormatException {
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException e) {
      throw new WireFormatException("unknown " + type.getSimpleName() + " '" + name + "'");
    }
  }

  /** Runs a constructor; its refusal of decoded values becomes a {@link WireFormatException}. */
  private static <T> T valid(Supplier<T> build) throws WireFormatException {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      throw new WireFormatException("the buffer decodes to an invalid value: " + e.getMessage());
    }
  }
}
