// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import dev.ample.optim.ConfiguredOptimizer;
import dev.ample.optim.Optimizers;
import dev.ample.optim.RunDecay;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code optimizer} section of an experiment config, validated against the optimizer registry
 * at parse time, so a typo fails before any training starts.
 *
 * @param name a registered optimizer name ({@code ample optimizers})
 * @param hyperparameters the hyperparameters the user set; the rest take the registry's defaults
 */
public record OptimizerSettings(String name, Map<String, Object> hyperparameters) {

  public OptimizerSettings {
    hyperparameters = Map.copyOf(hyperparameters);
    // Validates name, keys and ranges now, with the registry's messages; any run length will do
    // for the `linear` schedule, whose real one train derives from its budget.
    Optimizers.create(name, hyperparameters, RunDecay.over(1));
  }

  /** Parses {@code ample.optimizer} of a config from {@link ExperimentConfigs#load}. */
  public static OptimizerSettings from(Config resolved) {
    Config section;
    try {
      section = resolved.getConfig("ample.optimizer");
    } catch (ConfigException e) {
      throw new IllegalArgumentException(
          "config key optimizer must be an object like { name = adam, lr = 2.5e-4 }: " + e.getMessage(), e);
    }
    if (!section.hasPath("name")) {
      throw new IllegalArgumentException(
          "config key optimizer.name is missing; set it to one of: " + String.join(", ", Optimizers.names()));
    }
    Map<String, Object> hyper = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> e : section.root().entrySet()) {
      if (!e.getKey().equals("name")) {
        hyper.put(e.getKey(), e.getValue().unwrapped());
      }
    }
    return new OptimizerSettings(section.getString("name"), hyper);
  }

  /** A fresh optimizer with these settings, in a run whose decay the {@code linear} schedule follows. */
  public ConfiguredOptimizer create(RunDecay run) {
    return Optimizers.create(name, hyperparameters, run);
  }
}
