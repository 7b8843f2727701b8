// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import dev.ample.cli.config.ExperimentConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The experiment a bench runs: {@code --config FILE}, else with {@code --rom-dir} the Eve
 * authors' Pong protocol from {@code configs/}, else the embedded default (Catch); {@code --set}
 * as for train.
 */
final class BenchConfigOptions {

  @Option(names = "--rom-dir", paramLabel = "DIR",
      description = "folder with pong.bin: bench Pong with the authors' protocol (configs/)")
  Path romDir;

  @Option(names = "--config", paramLabel = "FILE",
      description = "bench this experiment config instead (with --rom-dir: its ROM folder)")
  Path configFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "override a config key, as for train (repeatable)")
  List<String> overrides = new ArrayList<>();

  /** The config with {@code extra} overrides after the user's, {@code pong} the Pong default. */
  Config load(Path pong, List<String> extra) {
    List<String> all = new ArrayList<>();
    if (romDir != null) {
      all.add("env.rom-dir = " + ConfigUtil.quoteString(romDir.toString()));
    }
    all.addAll(overrides);
    all.addAll(extra);
    return ExperimentConfigs.load(file(pong), all);
  }

  /** --config, else {@code pong} with --rom-dir, else the embedded default (null). */
  Path file(Path pong) {
    if (configFile != null || romDir == null) {
      return configFile;
    }
    if (!Files.isRegularFile(pong)) {
      throw new IllegalArgumentException(pong + " is not here: run from the repository"
          + " root, or give the Pong config with --config FILE");
    }
    return pong;
  }
}
