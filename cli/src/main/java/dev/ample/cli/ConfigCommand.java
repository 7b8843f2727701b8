// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import com.typesafe.config.Config;
import dev.ample.cli.config.ExperimentConfigs;
import dev.ample.cli.config.ExperimentSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ample config [CONFIG] [--set key=value]...}: prints the fully resolved configuration and
 * validates it as {@code ./ample train} does ({@link ExperimentSettings}), so a config that train
 * would refuse exits 2 here too, before a run starts.
 */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = {
      "Print the fully resolved experiment configuration (embedded defaults < CONFIG < --set) and "
          + "validate it as train does: unknown keys, optimizers and env ids, bad values, a minibatch"
          + " size that does not split the batch, a budget below one iteration (exit status 2)."
    })
public final class ConfigCommand implements Runnable {

  @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG", description = "HOCON experiment file")
  Path file;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override one key, e.g. --set optimizer.name=eve")
  List<String> overrides = new ArrayList<>();

  @Override
  public void run() {
    Config resolved = ExperimentConfigs.load(file, overrides);
    ExperimentSettings.from(resolved);
    System.out.println(ExperimentConfigs.render(resolved.getConfig("ample").atKey("ample")));
  }
}
