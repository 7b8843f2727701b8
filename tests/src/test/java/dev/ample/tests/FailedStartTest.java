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
 * A start that fails (a missing ROM), one stopped early (SIGTERM, as Ctrl-C, while starting) and
 * one killed before its first checkpoint leave nothing that blocks a retry with the same
 * {@code --run-dir}; the early stop says what happened.
 */
class FailedStartTest {

  @TempDir Path tmp;

  @Test
  void aFailedStartLeavesNothingAndTheRetryRuns() throws Exception {
    Path run = tmp.resolve("run");
    Files.createDirectories(tmp.resolve("no-roms"));
    AmpleCli.Done failed = AmpleCli.run(tmp, train(run, List.of("--set", "env.id=pong",
        "--set", "env.rom-dir=" + tmp.resolve("no-roms"))));
    assertEquals(2, failed.code(), failed.err());
    failed.errorLine();
    assertTrue(Files.notExists(run), "nothing left of the failed start");

    AmpleCli.run(tmp, train(run, small("train.agent-steps=512"))).assertOk();
    assertEquals(List.of(1L, 2L), iterationsInOrder(run));
  }

  @Test
  void anEarlyStopSaysWhatHappenedAndLeavesNothing() throws Exception {
    Path run = tmp.resolve("run");
    String[] args = train(run, small("train.agent-steps=512"));
    AmpleCli.Child child = AmpleCli.start(tmp, List.of(), args);
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (Files.notExists(run.resolve("run.lock")) && System.nanoTime() < deadline) {
      Thread.sleep(5); // the lock is taken before the network, the envs and DJL start
    }
    child.process().destroy();
    AmpleCli.Done stopped = child.await();
    assertEquals(143, stopped.code(), stopped.err());
    assertTrue(stopped.err().contains("interrupted while starting, before the first iteration"),
        stopped.err());
    assertTrue(Files.notExists(run), "nothing left of the interrupted start");

    AmpleCli.run(tmp, args).assertOk();
  }

  @Test
  void aRunKilledBeforeItsFirstCheckpointStartsOverWithoutResume() throws Exception {
    Path run = tmp.resolve("run");
    String[] args = train(run, small("train.agent-steps=" + 256 * 1000,
        "train.checkpoint-every=1000"));
    AmpleCli.Child child = AmpleCli.start(tmp, List.of(), args);
    AmpleCli.awaitMetrics(child, run, 2);
    child.kill();

    AmpleCli.run(tmp, train(run, List.of(), "--resume")).assertRefused("has no checkpoint",
        "leaving out --resume");
    AmpleCli.Done again = AmpleCli.run(tmp, train(run, small("train.agent-steps=512")))
        .assertOk();
    assertTrue(again.out().contains("held an earlier start that wrote no checkpoint"),
        again.out());
    assertEquals(List.of(1L, 2L), iterationsInOrder(run));
  }
}
