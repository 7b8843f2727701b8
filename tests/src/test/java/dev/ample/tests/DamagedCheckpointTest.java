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
 * A checkpoint with bytes flipped in its optimizer state (same size): {@code --resume} refuses it
 * in one line naming it and the newest intact one, {@code eval} refuses it too, and {@code --resume
 * --skip-damaged} continues from the intact one with the logs cut back to it.
 */
class DamagedCheckpointTest {

  @TempDir Path tmp;

  @Test
  void aFlippedCheckpointIsRefusedAndTheIntactOneUsed() throws Exception {
    Path run = tmp.resolve("run");
    AmpleCli.run(tmp, train(run, small("train.agent-steps=" + 256 * 6,
        "train.checkpoint-every=2"))).assertOk();
    Path newest = run.resolve("checkpoints/iter-000006.ckpt");
    byte[] bytes = Files.readAllBytes(newest);
    for (int i = bytes.length - 400; i < bytes.length; i++) {
      bytes[i] ^= 0x5a; // the end of the file: Adam's second moments
    }
    Files.write(newest, bytes);

    AmpleCli.run(tmp, train(run, List.of(), "--resume")).assertRefused(
        newest + " is damaged", "iter-000004.ckpt", "--skip-damaged");
    AmpleCli.run(tmp, "eval", run.toString()).assertRefused(newest + " is damaged",
        "iter-000004.ckpt");
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), iterationsInOrder(run), "nothing touched");

    AmpleCli.Done resumed = AmpleCli.run(tmp, train(run, List.of("--set",
        "train.agent-steps=" + 256 * 8), "--resume", "--skip-damaged")).assertOk();
    assertTrue(resumed.out().contains("from iter-000004.ckpt"), resumed.out());
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), iterationsInOrder(run));
    assertTrue(Files.exists(run.resolve("checkpoints/iter-000006.ckpt.damaged")), "kept aside");
    AmpleCli.run(tmp, "eval", run.toString(), "--episodes", "1").assertOk();
  }
}
