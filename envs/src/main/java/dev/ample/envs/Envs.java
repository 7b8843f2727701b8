package dev.ample.envs;

import dev.ample.envs.EnvConfig.Backend;
import dev.ample.envs.atari.AtariVectorEnv;
import dev.ample.envs.atari.ale.AleEmulators;
import dev.ample.envs.atari.ale.AleGames;
import dev.ample.envs.atari.ale.RomResolver;
import dev.ample.envs.builtin.BuiltinVectorEnv;
import dev.ample.envs.builtin.CartPole;
import dev.ample.envs.builtin.Catch;
import java.util.List;

/**
 * Builds the vector env an {@link EnvConfig} names. Ids: {@code cartpole} and {@code catch}
 * (built-in, no ROM, no Python), or an ALE game ({@code pong}, {@code breakout}, also written the
 * Gymnasium way, {@code PongNoFrameskip-v4}) on the native ALE or Gymnasium backend. Every Atari
 * backend goes through the same Java preprocessing ({@link AtariVectorEnv}).
 */
public final class Envs {
  /** Ids of the built-in envs. */
  public static final List<String> BUILTIN_IDS = List.of("cartpole", "catch");

  private Envs() {}

  /**
   * Creates the env.
   *
   * @throws IllegalArgumentException one line naming the cause and the fix (unknown id, missing or
   *     wrong ROM, backend that cannot run the id)
   */
  public static VectorEnv create(EnvConfig config) {
    String id = config.id();
    Backend backend = config.backend();
    if (BUILTIN_IDS.contains(id)) {
      if (backend != Backend.AUTO && backend != Backend.BUILTIN) {
        throw new IllegalArgumentException(
            "env '" + id + "' is built in; set env.backend=builtin (or auto), not " + lower(backend));
      }
      return id.equals("cartpole")
          ? new BuiltinVectorEnv(config.numEnvs(), CartPole::new)
          : new BuiltinVectorEnv(config.numEnvs(), Catch::new);
    }
    String game = AleGames.romName(id);
    if (!AleGames.isSupported(game)) {
      throw new IllegalArgumentException(
          "unknown env id '" + id + "'; known: " + String.join(", ", BUILTIN_IDS)
              + ", or an ALE game name (" + AleGames.supported().size()
              + " games, e.g. pong, breakout, space_invaders)");
    }
    return switch (backend) {
      case AUTO, ALE -> createNativeAle(game, config);
      case GYMNASIUM -> createGymnasium(game, config);
      case BUILTIN -> throw new IllegalArgumentException(
          "env '" + id + "' is an Atari game; set env.backend=ale or gymnasium, not builtin");
    };
  }

  private static VectorEnv createNativeAle(String game, EnvConfig config) {
    RomResolver.Rom rom = RomResolver.resolve(game, config.romDir());
    return new AtariVectorEnv(
        new AleEmulators(rom, config.numEnvs(), config.atari()), config.atari());
  }

  /**
   * GYMNASIUM BACKEND HOOK: the one place that builds Atari envs on Gymnasium (ALE in a Python
   * worker over Py4J). Wire {@code dev.ample.envs.gymnasium.GymnasiumAtariEmulators} here as
   * {@code new AtariVectorEnv(new GymnasiumAtariEmulators(...), config.atari())} so that it shares
   * the Java preprocessing.
   */
  private static VectorEnv createGymnasium(String game, EnvConfig config) {
    throw new IllegalStateException(
        "the gymnasium backend is not wired into Envs.create yet; use env.backend=ale for '"
            + game + "'");
  }

  private static String lower(Backend b) {
    return b.name().toLowerCase(java.util.Locale.ROOT);
  }
}
