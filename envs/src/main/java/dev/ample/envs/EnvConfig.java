// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs;

import dev.ample.envs.atari.AtariSettings;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What {@link Envs#create} builds. Parsed once from the experiment config by the cli; this module
 * does not read HOCON.
 *
 * @param id env id: {@code cartpole}, {@code catch}, or an ALE game name such as {@code pong}
 *     (lower case with underscores, as ALE names its ROM files)
 * @param backend where the env runs; {@link Backend#AUTO} picks built-in for built-in ids and
 *     native ALE for games
 * @param numEnvs N, the number of env copies stepped together
 * @param romDir directory holding ROM files such as {@code pong.bin}; null = look in {@code
 *     ALE_ROM_DIR}, then in the {@code roms} folder of an installed Python {@code ale_py}
 * @param atari emulator and preprocessing settings (ignored by built-in envs)
 * @param allowUnverifiedRom whether the native backend may load a ROM whose MD5 ALE does not know,
 *     by its file name (as ALE 0.7.3 allows). Off by default: such a file may be another revision,
 *     modified or corrupt, and a bad cartridge can crash the emulator and the JVM with it.
 */
public record EnvConfig(
    String id,
    Backend backend,
    int numEnvs,
    Path romDir,
    AtariSettings atari,
    boolean allowUnverifiedRom) {

  /** Where an env runs. */
  public enum Backend {
    /** Built-in for {@code cartpole}/{@code catch}, native ALE otherwise. */
    AUTO,
    /** Pure Java envs ({@code cartpole}, {@code catch}). */
    BUILTIN,
    /**
     * ALE inside the JVM through {@code org.bytedeco:ale}; not in a build with {@code
     * -Dample.nativeAle=false}.
     */
    ALE,
    /** Gymnasium in a Python worker over Py4J. */
    GYMNASIUM;

    /** Parses {@code auto | builtin | ale | gymnasium}. */
    public static Backend parse(String name) {
      try {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown env backend '" + name + "'; use one of auto, builtin, ale, gymnasium");
      }
    }
  }

  public EnvConfig {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("env id is empty; set env.id (e.g. pong, cartpole, catch)");
    }
    // Case is kept: Gymnasium ids are case sensitive (CartPole-v1); built-in and ALE ids are not.
    id = id.trim();
    if (numEnvs < 1) {
      throw new IllegalArgumentException("env.num-envs must be >= 1, got " + numEnvs);
    }
    backend = backend == null ? Backend.AUTO : backend;
    atari = atari == null ? AtariSettings.v4() : atari;
  }

  /** {@code numEnvs} copies of {@code id} with the automatic backend and the v4 Atari preset. */
  public static EnvConfig of(String id, int numEnvs) {
    return new EnvConfig(id, Backend.AUTO, numEnvs, null, AtariSettings.v4(), false);
  }

  public EnvConfig withRomDir(Path dir) {
    return new EnvConfig(id, backend, numEnvs, dir, atari, allowUnverifiedRom);
  }

  public EnvConfig withAtari(AtariSettings settings) {
    return new EnvConfig(id, backend, numEnvs, romDir, settings, allowUnverifiedRom);
  }

  public EnvConfig withBackend(Backend b) {
    return new EnvConfig(id, b, numEnvs, romDir, atari, allowUnverifiedRom);
  }

  public EnvConfig withAllowUnverifiedRom(boolean allow) {
    return new EnvConfig(id, backend, numEnvs, romDir, atari, allow);
  }
}
