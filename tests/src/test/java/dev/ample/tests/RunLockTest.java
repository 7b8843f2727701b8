// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.tests;

import static dev.ample.tests.AmpleCli.iterationsInOrder;
import static dev.ample.tests.AmpleCli.small;
import static dev.ample.tests.AmpleCli.train;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processes on one run directory: while one trains, a second {@code --resume} (or a new run)
 * there is refused naming the holder's pid, and touches nothing; the first ends as if alone.
 */
class RunLockTest {

  @TempDir Path tmp;

  @Test
  void aSecondProcessIsRefusedNamingTheHolder() throws Exception {
    Path run = tmp.resolve("run");
    AmpleCli.run(tmp, train(run, small("train.agent-steps=512"))).assertOk();
    List<String> settings = List.of("--set", "train.agent-steps=2560000",
        "--set", "train.checkpoint-every=2");
    AmpleCli.Child first = AmpleCli.start(tmp, List.of(), train(run, settings, "--resume"));
    AmpleCli.awaitMetrics(first, run, 5); // resumed and training
    String pid = "pid " + first.process().pid();

    AmpleCli.run(tmp, train(run, settings, "--resume")).assertRefused("in use by another",
        pid);
    AmpleCli.run(tmp, train(run, List.of())).assertRefused("holds a run", "--resume");

    first.process().destroy(); // SIGTERM, as Ctrl-C: stops after the iteration, checkpoints
    AmpleCli.Done done = first.await();
    assertEquals(143, done.code(), done.err());
    assertTrue(done.out().contains("stopped after"), done.out());
    List<Long> iterations = iterationsInOrder(run);
    long last = iterations.get(iterations.size() - 1);
    assertTrue(Files.exists(run.resolve(String.format("checkpoints/iter-%06d.ckpt", last))),
        "the stopped run's own checkpoint is its last line's");
  }
}
