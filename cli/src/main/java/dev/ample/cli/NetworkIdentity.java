// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ample.agents.PolicyValueNetwork;
import dev.ample.envs.EnvConfig;
import dev.ample.envs.ObservationSpace;
import dev.ample.envs.atari.ale.AleGames;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a checkpoint's parameters fit: the env (its game, so {@code pong}, {@code
 * PongNoFrameskip-v4} and {@code ALE/Pong-v5} are one), one observation's shape and type, the
 * action count, the network's architecture and every parameter's shape. Stored in each checkpoint
 * so that resuming or evaluating it with another env or network is refused in these words rather
 * than by a tensor's internal name.
 *
 * @param env the env id's game ({@code pong}) or, for other envs, the id
 * @param observation one observation's shape, e.g. [4, 84, 84]
 * @param observationType {@code uint8} or {@code float32}
 * @param actions discrete actions
 * @param network the architecture, as {@code ./ample train} prints it
 * @param parameters the parameter count
 * @param parameterShapes each parameter tensor's shape, in the network's order
 */
record NetworkIdentity(String env, List<Integer> observation, String observationType, int actions,
    String network, long parameters, List<List<Long>> parameterShapes) {

  NetworkIdentity {
    observation = List.copyOf(observation);
    parameterShapes = parameterShapes.stream().map(List::copyOf).toList();
  }

  static NetworkIdentity of(EnvConfig env, ObservationSpace space, PolicyValueNetwork network) {
    List<List<Long>> shapes = new ArrayList<>();
    for (Pair<String, Parameter> p : network.getParameters()) {
      shapes.add(Arrays.stream(p.getValue().getArray().getShape().getShape()).boxed().toList());
    }
    return new NetworkIdentity(game(env.id()), Arrays.stream(space.shape()).boxed().toList(),
        space.dtype().name().toLowerCase(Locale.ROOT), network.numActions(), network.description(),
        network.parameterCount(), shapes);
  }

  /** One observation's space. */
  ObservationSpace observationSpace() {
    return new ObservationSpace(observation.stream().mapToInt(Integer::intValue).toArray(),
        ObservationSpace.Dtype.valueOf(observationType.toUpperCase(Locale.ROOT)));
  }

  private static String game(String id) {
    String rom = AleGames.romName(id);
    return AleGames.isSupported(rom) ? rom : id.toLowerCase(Locale.ROOT);
  }

  /**
   * Refuses a checkpoint written for another env or network, e.g. {@code checkpoint X is for
   * pong: 4x84x84 uint8 observations, 6 actions, ...; the config gives catch: ...}.
   */
  void requireFits(NetworkIdentity config, Path checkpoint) {
    if (!equals(config)) {
      String given = config.describe().equals(describe())
          ? "the same but other parameter shapes " + config.parameterShapes : config.describe();
      throw new IllegalArgumentException("checkpoint " + checkpoint + " is for " + describe()
          + "; the config gives " + given + ": use the run's own env and network settings, or"
          + " start a new run");
    }
  }

  /** E.g. {@code pong: 4x84x84 uint8 observations, 6 actions, Nature CNN (same padding), 4,047,015 parameters}. */
  String describe() {
    String shape = observation.stream().map(String::valueOf).collect(Collectors.joining("x"));
    return String.format("%s: %s %s observations, %d actions, %s, %,d parameters", env, shape,
        observationType, actions, network, parameters);
  }

  void write(ObjectNode node) {
    node.put("env", env);
    observation.forEach(node.putArray("observation")::add);
    node.put("observation_type", observationType);
    node.put("actions", actions);
    node.put("network", network);
    node.put("parameters", parameters);
    var shapes = node.putArray("parameter_shapes");
    parameterShapes.forEach(s -> s.forEach(shapes.addArray()::add));
  }

  static NetworkIdentity read(JsonNode node) {
    List<Integer> observation = new ArrayList<>();
    node.get("observation").forEach(d -> observation.add(d.asInt()));
    List<List<Long>> shapes = new ArrayList<>();
    for (JsonNode s : node.get("parameter_shapes")) {
      List<Long> dims = new ArrayList<>();
      s.forEach(d -> dims.add(d.asLong()));
      shapes.add(dims);
    }
    return new NetworkIdentity(node.get("env").asText(), observation,
        node.get("observation_type").asText(), node.get("actions").asInt(),
        node.get("network").asText(), node.get("parameters").asLong(), shapes);
  }
}
