// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.agents;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The policy's parameters as the learner published them after an update: a version number and
 * every parameter's values as host arrays (Acme's variable source). Inference loads a snapshot
 * into a network of its own ({@link Agent#load}), so it never reads parameters the learner is
 * changing, and a snapshot can cross threads, actors or (later) machines as it is.
 *
 * <p>Immutable: the values are copied when the snapshot is taken and never handed out unguarded.
 */
public final class PolicySnapshot {

  private final long version;
  private final List<String> names;
  private final float[][] values;

  private PolicySnapshot(long version, List<String> names, float[][] values) {
    this.version = version;
    this.names = List.copyOf(names);
    this.values = values;
  }

  /**
   * A copy of {@code network}'s parameters (initialised, float32) as version {@code version}.
   *
   * @param version the learner's count of updates behind these parameters (0: the initial ones)
   */
  public static PolicySnapshot of(long version, PolicyValueNetwork network) {
    List<String> names = new ArrayList<>();
    List<float[]> values = new ArrayList<>();
    for (Pair<String, Parameter> p : network.getParameters()) {
      NDArray a = p.getValue().getArray();
      if (a.getDataType() != DataType.FLOAT32) {
        throw new IllegalArgumentException("parameter " + p.getKey() + " is " + a.getDataType()
            + "; a policy snapshot holds float32 parameters");
      }
      names.add(p.getKey());
      values.add(a.toFloatArray());
    }
    return new PolicySnapshot(version, names, values.toArray(float[][]::new));
  }

  /**
   * A snapshot of the given parameter values (copied), as one that crossed a wire is rebuilt.
   *
   * @param version the learner's count of updates behind these parameters
   * @param names parameter names, in the network's order
   * @param values each parameter's values (flattened, row major), in the order of {@code names}
   */
  public static PolicySnapshot of(long version, List<String> names, List<float[]> values) {
    if (names.size() != values.size()) {
      throw new IllegalArgumentException("a policy snapshot of " + names.size()
          + " parameter names has " + values.size() + " value arrays");
    }
    return new PolicySnapshot(
        version, names, values.stream().map(float[]::clone).toArray(float[][]::new));
  }

  /** The learner's update count behind these parameters; 0 for the initial ones. */
  public long version() {
    return version;
  }

  /** Parameter names, in the network's order. */
  public List<String> parameterNames() {
    return names;
  }

  /** A copy of parameter {@code j}'s values (flattened, row major). */
  public float[] values(int j) {
    return values[j].clone();
  }

  /**
   * Overwrites {@code network}'s parameters with this snapshot's values; the network must have the
   * same parameters (names and sizes) in the same order. Nothing changes when it has not.
   */
  void copyInto(PolicyValueNetwork network) {
    List<Pair<String, Parameter>> params = network.getParameters().stream().toList();
    if (params.size() != names.size()) {
      throw new IllegalArgumentException("the snapshot has " + names.size()
          + " parameter tensors, the network " + params.size());
    }
    for (int j = 0; j < params.size(); j++) {
      NDArray a = params.get(j).getValue().getArray();
      if (!params.get(j).getKey().equals(names.get(j)) || a.size() != values[j].length) {
        throw new IllegalArgumentException("the snapshot's " + names.get(j) + " ("
            + values[j].length + " values) does not fit the network's " + params.get(j).getKey()
            + " (" + a.size() + ")");
      }
    }
    for (int j = 0; j < params.size(); j++) {
      params.get(j).getValue().getArray().set(FloatBuffer.wrap(values[j]));
    }
  }
}
