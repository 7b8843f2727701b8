// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.tests;

import static dev.ample.tests.AmpleCli.train;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unknown key in a config file or in {@code --set} is refused with a suggestion, by {@code
 * train} and by {@code config} alike (exit status 2), before any run directory is made.
 */
class ConfigErrorsTest {

  @TempDir Path tmp;

  @Test
  void anUnknownKeyInAFileIsRefusedByTrainAndConfig() throws Exception {
    Path file = tmp.resolve("exp.conf");
    Files.writeString(file, "trian { agent-steps = 2048 }\n");
    Path run = tmp.resolve("run");
    AmpleCli.run(tmp, "train", file.toString(), "--run-dir", run.toString())
        .assertRefused("unknown config section 'trian'", "did you mean 'train'?");
    AmpleCli.run(tmp, "config", file.toString())
        .assertRefused("unknown config section 'trian'", "did you mean 'train'?");
    assertTrue(Files.notExists(run));
  }

  @Test
  void anUnknownKeyInSetIsRefusedByTrainAndConfig() throws Exception {
    Path run = tmp.resolve("run");
    AmpleCli.run(tmp, train(run, List.of("--set", "train.agnet-steps=2048")))
        .assertRefused("unknown config key train.agnet-steps", "did you mean 'agent-steps'?");
    AmpleCli.run(tmp, "config", "--set", "train.agnet-steps=2048")
        .assertRefused("unknown config key train.agnet-steps", "did you mean 'agent-steps'?");
    assertTrue(Files.notExists(run));
  }
}
