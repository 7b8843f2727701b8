// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.ample.envs.EnvConfig;
import dev.ample.envs.atari.AtariSettings;
import dev.ample.envs.atari.Resize;
import java.nio.file.Path;
import java.util.Set;

/**
 * Parses the {@code env} section of an experiment config into the envs module's {@link EnvConfig}
 * (that module does not read HOCON). Keys: {@code id}, {@code backend}, {@code num-envs}, {@code
 * rom-dir}, {@code preset} (v4 | v5), and {@code atari { ... }} whose keys override single fields
 * of the preset.
 */
public final class EnvSettings {

  private static final Set<String> ENV_KEYS = Set.of("id", "backend", "num-envs", "rom-dir", "allow-unverified-rom", "preset", "atari");
  private static final Set<String> ATARI_KEYS = Set.of(
      "frame-skip", "stack", "size", "resize", "noop-max", "fire-reset", "episodic-life",
      "clip-rewards", "sticky-action-probability", "full-action-space", "max-episode-frames", "mode",
      "difficulty");

  private EnvSettings() {}

  /** The env section of a config from {@link ExperimentConfigs#load}, validated. */
  public static EnvConfig from(Config resolved) {
    try {
      Config env = resolved.getConfig("ample.env");
      ConfigKeys.requireKnown(env, ENV_KEYS, "env");
      AtariSettings atari = AtariSettings.preset(env.getString("preset"));
      if (env.hasPath("atari")) {
        atari = withOverrides(atari, env.getConfig("atari"));
      }
      Path romDir = env.hasPath("rom-dir") ? Path.of(env.getString("rom-dir")) : null;
      return new EnvConfig(env.getString("id"), EnvConfig.Backend.parse(env.getString("backend")),
          env.getInt("num-envs"), romDir, atari, env.getBoolean("allow-unverified-rom"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("config section env: " + e.getMessage()
          + " (see the Configuration section of README.md)", e);
    }
  }

  private static AtariSettings withOverrides(AtariSettings p, Config a) {
    ConfigKeys.requireKnown(a, ATARI_KEYS, "env.atari");
    return new AtariSettings(
        a.hasPath("frame-skip") ? a.getInt("frame-skip") : p.frameSkip(),
        a.hasPath("stack") ? a.getInt("stack") : p.stack(),
        a.hasPath("size") ? a.getInt("size") : p.size(),
        a.hasPath("resize") ? Resize.Method.parse(a.getString("resize")) : p.resize(),
        a.hasPath("noop-max") ? a.getInt("noop-max") : p.noopMax(),
        a.hasPath("fire-reset") ? a.getBoolean("fire-reset") : p.fireReset(),
        a.hasPath("episodic-life") ? a.getBoolean("episodic-life") : p.episodicLife(),
        a.hasPath("clip-rewards") ? a.getBoolean("clip-rewards") : p.clipRewards(),
        a.hasPath("sticky-action-probability")
            ? (float) a.getDouble("sticky-action-probability") : p.stickyActionProbability(),
        a.hasPath("full-action-space") ? a.getBoolean("full-action-space") : p.fullActionSpace(),
        a.hasPath("max-episode-frames") ? a.getLong("max-episode-frames") : p.maxEpisodeFrames(),
        a.hasPath("mode") ? a.getInt("mode") : p.mode(),
        a.hasPath("difficulty") ? a.getInt("difficulty") : p.difficulty());
  }
}
