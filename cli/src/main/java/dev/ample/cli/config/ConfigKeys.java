// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli.config;

import com.typesafe.config.Config;
import java.util.Set;

/** Checks shared by the config sections' parsers. */
final class ConfigKeys {
  private ConfigKeys() {}

  /** A misspelt key would otherwise be ignored silently. */
  static void requireKnown(Config section, Set<String> known, String where) {
    for (String key : section.root().keySet()) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException(
            "unknown config key " + where + "." + key + "; known keys: "
                + String.join(", ", known.stream().sorted().toList()));
      }
    }
  }
}
