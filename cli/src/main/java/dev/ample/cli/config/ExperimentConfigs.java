// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads an experiment configuration: the embedded defaults ({@code ample-defaults.conf}), then the
 * user's HOCON file, then {@code --set key=value} overrides, each layer winning over the one
 * before. The result is parsed once into immutable records (e.g. {@link OptimizerSettings}); code
 * downstream never reads raw config.
 *
 * <p>Keys are written without the {@code ample.} root in files and overrides ({@code
 * optimizer.name = eve}); a file may also nest everything under {@code ample { ... }}.
 */
public final class ExperimentConfigs {

  private static final String ROOT = "ample";

  private ExperimentConfigs() {}

  /**
   * The resolved configuration (rooted at {@code ample}).
   *
   * @param file a HOCON file, or null for the embedded defaults alone
   * @param overrides {@code key=value} strings; values are HOCON values ({@code 3e-4}, {@code eve},
   *     {@code "a string"}, {@code [1, 2]})
   * @throws IllegalArgumentException naming the file, line or override that is broken
   */
  public static Config load(Path file, List<String> overrides) {
    Config defaults = ConfigFactory.parseResources(
        ExperimentConfigs.class.getClassLoader(), "ample-defaults.conf",
        ConfigParseOptions.defaults().setAllowMissing(false));
    Set<String> sections = defaults.getConfig(ROOT).root().keySet();
    Config merged = defaults;
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(
            "config file " + file + " does not exist; give the path of a HOCON file (see configs/)");
      }
      merged = requireKnownSections(rooted(parse(file)), sections, "config file " + file)
          .withFallback(merged);
    }
    for (String override : overrides) {
      merged = requireKnownSections(rooted(parseOverride(override)), sections, "--set " + override)
          .withFallback(merged);
    }
    try {
      return merged.resolve();
    } catch (ConfigException e) {
      throw new IllegalArgumentException("config does not resolve: " + e.getMessage(), e);
    }
  }

  /** The configuration as HOCON text, as written to a run's {@code config.conf}. */
  public static String render(Config resolved) {
    return resolved.root().render(
        ConfigRenderOptions.defaults().setOriginComments(false).setJson(false).setFormatted(true));
  }

  private static Config parse(Path file) {
    try {
      return ConfigFactory.parseFile(
          file.toFile(), ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
    } catch (ConfigException e) {
      // Typesafe's message carries file and line; add what to do about it.
      throw new IllegalArgumentException(
          "config file " + file + " is not valid HOCON: " + e.getMessage()
              + " (fix the syntax at that line; HOCON reference: https://github.com/lightbend/config/blob/main/HOCON.md)",
          e);
    }
  }

  private static Config parseOverride(String override) {
    int eq = override.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(
          "--set " + override + " is not key=value; write e.g. --set optimizer.name=eve");
    }
    String key = override.substring(0, eq).trim();
    String value = override.substring(eq + 1).trim();
    try {
      return ConfigFactory.parseString(key + " = " + (value.isEmpty() ? "\"\"" : value));
    } catch (ConfigException e) {
      throw new IllegalArgumentException(
          "--set " + override + " is not a valid HOCON key=value (" + e.getMessage()
              + "); quote strings with special characters, e.g. --set 'env.id=\"ALE/Pong-v5\"'",
          e);
    }
  }

  /**
   * A misspelt section ({@code trian { ... }}, {@code --set foo=1}) would otherwise be carried
   * along unread; the sections are the embedded defaults' ones.
   */
  private static Config requireKnownSections(Config layer, Set<String> sections, String where) {
    for (String key : layer.getConfig(ROOT).root().keySet()) {
      if (!sections.contains(key)) {
        throw new IllegalArgumentException(where + ": unknown config section '" + key
            + "'" + ConfigKeys.didYouMean(key, sections) + "; the sections are "
            + String.join(", ", new TreeSet<>(sections)) + " (keys are written without a root, e.g. train.agent-steps)");
      }
    }
    return layer;
  }

  /** Puts a file's keys under {@code ample} unless it already nests them there. */
  private static Config rooted(Config c) {
    if (c.hasPath(ROOT) && c.root().size() == 1) {
      return c;
    }
    return c.atPath(ROOT);
  }
}
