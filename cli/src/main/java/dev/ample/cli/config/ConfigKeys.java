// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli.config;

import com.typesafe.config.Config;
import java.util.Comparator;
import java.util.Set;

/** Checks shared by the config sections' parsers. */
final class ConfigKeys {
  private ConfigKeys() {}

  /** A misspelt key would otherwise be ignored silently. */
  static void requireKnown(Config section, Set<String> known, String where) {
    for (String key : section.root().keySet()) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException(
            "unknown config key " + where + "." + key + didYouMean(key, known) + "; known keys: "
                + String.join(", ", known.stream().sorted().toList()));
      }
    }
  }

  /**
   * {@code " (did you mean 'x'?)"} for the known name nearest to {@code name} by edit distance,
   * when it is within a third of the name's length (at least 1, so one typo is always caught);
   * else empty.
   */
  static String didYouMean(String name, Set<String> known) {
    return known.stream()
        .min(Comparator.comparingInt((String k) -> editDistance(name, k)).thenComparing(k -> k))
        .filter(k -> editDistance(name, k) <= Math.max(1, name.length() / 3))
        .map(k -> " (did you mean '" + k + "'?)")
        .orElse("");
  }

  /** Levenshtein distance with adjacent transpositions counted as one edit ("trian"). */
  static int editDistance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int substitution = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1),
            d[i - 1][j - 1] + substitution);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
