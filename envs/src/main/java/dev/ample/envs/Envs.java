// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs;

import dev.ample.envs.EnvConfig.Backend;
import dev.ample.envs.atari.AtariVectorEnv;
import dev.ample.envs.atari.ale.AleGames;
import dev.ample.envs.atari.ale.NativeAle;
import dev.ample.envs.builtin.BuiltinVectorEnv;
import dev.ample.envs.builtin.CartPole;
import dev.ample.envs.builtin.Catch;
import dev.ample.envs.atari.AtariSettings;
import dev.ample.envs.gymnasium.GymnasiumAtariEmulators;
import dev.ample.envs.gymnasium.GymnasiumSettings;
import dev.ample.envs.gymnasium.GymnasiumVectorEnv;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Builds the vector env an {@link EnvConfig} names. Ids: {@code cartpole} and {@code catch}
 * (built-in, no ROM, no Python), or an ALE game ({@code pong}, {@code breakout}, also written the
 * Gymnasium way, {@code PongNoFrameskip-v4}) on the native ALE or Gymnasium backend. Every Atari
 * backend goes through the same Java preprocessing ({@link AtariVectorEnv}).
 */
public final class Envs {
  /** Ids of the built-in envs. */
  public static final List<String> BUILTIN_IDS = List.of("cartpole", "catch");

  /** Gymnasium's id shape: {@code Name-vN}, optionally with a namespace ({@code ALE/Pong-v5}). */
  private static final Pattern GYMNASIUM_ID = Pattern.compile("([\\w.-]+/)?[\\w.-]+-v\\d+");

  private Envs() {}

  /**
   * Creates the env.
   *
   * @throws IllegalArgumentException one line naming the cause and the fix (unknown id, missing or
   *     wrong ROM, backend that cannot run the id, native ALE not in this build)
   */
  public static VectorEnv create(EnvConfig config) {
    String id = config.id();
    return switch (route(config)) {
      case CARTPOLE -> new BuiltinVectorEnv(config.numEnvs(), CartPole::new);
      case CATCH -> new BuiltinVectorEnv(config.numEnvs(), Catch::new);
      case GYMNASIUM -> GymnasiumVectorEnv.create(GymnasiumSettings.defaults(), id,
          config.numEnvs());
      case NATIVE_ALE -> createNativeAle(AleGames.romName(id), config);
      case GYMNASIUM_ALE -> createGymnasium(id, AleGames.romName(id), config);
    };
  }

  /**
   * Checks, without starting anything, that {@link #create} knows the id and that the backend can
   * run it, with create's messages. A missing ROM or Python package shows only when the env starts.
   *
   * @throws IllegalArgumentException one line naming the cause and the fix
   */
  public static void check(EnvConfig config) {
    route(config);
  }

  /**
   * {@link VectorEnv#framesPerStep()} of the env {@link #create} would build, without building it
   * (e.g. to time a GIF's frames before the env starts).
   */
  public static int framesPerStep(EnvConfig config) {
    return switch (route(config)) {
      case CARTPOLE, CATCH, GYMNASIUM -> 1;
      case NATIVE_ALE, GYMNASIUM_ALE -> config.atari().frameSkip();
    };
  }

  /** Where {@link #create} sends a config. */
  private enum Route { CARTPOLE, CATCH, GYMNASIUM, NATIVE_ALE, GYMNASIUM_ALE }

  private static Route route(EnvConfig config) {
    String id = config.id();
    Backend backend = config.backend();
    String builtin = id.toLowerCase(java.util.Locale.ROOT);
    if (BUILTIN_IDS.contains(builtin)) {
      if (backend != Backend.AUTO && backend != Backend.BUILTIN) {
        throw new IllegalArgumentException(
            "env '" + id + "' is built in; set env.backend=builtin (or auto), not " + lower(backend));
      }
      return builtin.equals("cartpole") ? Route.CARTPOLE : Route.CATCH;
    }
    if (!AleGames.isSupported(AleGames.romName(id))) {
      // Not an Atari game: any other Gymnasium id runs in a Python worker, as is.
      if (backend == Backend.GYMNASIUM || (backend == Backend.AUTO && GYMNASIUM_ID.matcher(id).matches())) {
        return Route.GYMNASIUM;
      }
      throw new IllegalArgumentException(
          "unknown env id '" + id + "'; known: " + String.join(", ", BUILTIN_IDS)
              + ", an ALE game name (" + AleGames.supported().size()
              + " games, e.g. pong, breakout, space_invaders), or any Gymnasium id such as"
              + " CartPole-v1 with env.backend=gymnasium");
    }
    return switch (backend) {
      case AUTO, ALE -> Route.NATIVE_ALE;
      case GYMNASIUM -> Route.GYMNASIUM_ALE;
      case BUILTIN -> throw new IllegalArgumentException(
          "env '" + id + "' is an Atari game; set env.backend=ale or gymnasium, not builtin");
    };
  }

  /** Native ALE; in a build without it, {@link NativeAle#NOT_IN_THIS_BUILD}. */
  private static VectorEnv createNativeAle(String game, EnvConfig config) {
    return new AtariVectorEnv(NativeAle.require().openEmulators(game, config), config.atari());
  }

  /**
   * Atari on Gymnasium: ALE runs in a Python worker (one Py4J call steps all N emulators) and the
   * frames go through the same Java preprocessing as the native backend, so both backends give the
   * same observations. The worker's interpreter comes from {@code AMPLE_PYTHON} (default python3).
   */
  private static VectorEnv createGymnasium(String id, String game, EnvConfig config) {
    AtariSettings atari = config.atari();
    GymnasiumAtariEmulators emulators = GymnasiumAtariEmulators.create(
        GymnasiumSettings.defaults(), gymnasiumAtariId(id, game), config.numEnvs(),
        atari.stickyActionProbability(), atari.fullActionSpace());
    try {
      return new AtariVectorEnv(emulators, atari);
    } catch (RuntimeException e) {
      emulators.close();
      throw e;
    }
  }

  /** The id as the user wrote it when it is already a Gymnasium id, else {@code ALE/<Game>-v5}. */
  static String gymnasiumAtariId(String id, String game) {
    if (id.contains("/") || GYMNASIUM_ID.matcher(id).matches()) {
      return id;
    }
    StringBuilder camel = new StringBuilder();
    for (String part : game.split("_")) {
      if (!part.isEmpty()) {
        camel.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return "ALE/" + camel + "-v5";
  }

  private static String lower(Backend b) {
    return b.name().toLowerCase(java.util.Locale.ROOT);
  }
}
