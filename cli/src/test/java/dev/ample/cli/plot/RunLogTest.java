// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading real-world run directories: old runs, features off, cut-off lines, resumes. */
class RunLogTest {

  @TempDir Path tmp;

  private Path run(String name, String metrics, String gradstats) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(name));
    Files.writeString(dir.resolve("metrics.jsonl"), metrics);
    if (gradstats != null) {
      Files.writeString(dir.resolve("gradstats.jsonl"), gradstats);
    }
    return dir;
  }

  @Test
  void absentAndNullFieldsAreMissingPointsAndACutOffLastLineIsSkipped() throws IOException {
    RunLog log = RunLog.read(run("a",
        "{\"iteration\":1,\"agent_steps\":100,\"episode_return_mean\":null,\"optimizer\":\"eve\","
            + "\"optimizer_steps\":2}\n"
            + "{\"iteration\":2,\"agent_steps\":200,\"episode_return_mean\":0.5,"
            + "\"eval_return\":0.75,\"optimizer\":\"eve\",\"optimizer_steps\":4}\n"
            + "{\"iteration\":3,\"agent_steps\":300,\"episode_return_mean\":0.6,"
            + "\"eval_return\":null,\"optimizer\":\"eve\",\"optimizer_steps\":6}\n"
            + "{\"iteration\":4,\"agent_st", null));
    assertEquals("a", log.name());
    assertEquals("eve", log.optimizer());
    assertArrayEquals(new double[] {200, 300}, log.metric("episode_return_mean").x());
    assertArrayEquals(new double[] {0.5, 0.6}, log.metric("episode_return_mean").y());
    assertArrayEquals(new double[] {200}, log.metric("eval_return").x());
    assertTrue(log.metric("clip_frac").isEmpty(), "a field the run never logged");
    assertFalse(log.hasGradStats());
    assertTrue(log.tensors().isEmpty());
  }

  @Test
  void iterationsReplayedAfterAResumeReplaceTheOnesTheyRepeat() throws IOException {
    RunLog log = RunLog.read(run("resumed",
        line(1, 100, 0.1) + line(2, 200, 0.2) + line(3, 300, 0.3) + line(2, 200, 0.25)
            + line(3, 300, 0.35) + line(4, 400, 0.45),
        gradStats(2, "w", 1.0) + gradStats(4, "w", 2.0) + gradStats(6, "w", 3.0)
            + gradStats(4, "w", 2.5) + gradStats(6, "w", 3.5)));
    assertArrayEquals(new double[] {100, 200, 300, 400}, log.metric("loss_policy").x());
    assertArrayEquals(new double[] {0.1, 0.25, 0.35, 0.45}, log.metric("loss_policy").y());
    assertEquals(List.of("w"), log.tensors());
    // Two optimizer steps per iteration: step 2 ends iteration 1 (100), 4 ends 2, 6 ends 3.
    assertArrayEquals(new double[] {100, 200, 300}, log.gradStat("w", "snr_median").x());
    assertArrayEquals(new double[] {1.0, 2.5, 3.5}, log.gradStat("w", "snr_median").y());
    assertTrue(log.gradStat("w", "sign_agreement").isEmpty(), "null when not computed");
  }

  @Test
  void gradStatsOfARunWithoutOptimizerStepsCannotBePlaced() throws IOException {
    RunLog log = RunLog.read(run("old",
        "{\"iteration\":1,\"agent_steps\":100,\"optimizer\":\"adam\"}\n",
        gradStats(1, "w", 1.0)));
    assertFalse(log.hasGradStats());
    assertTrue(log.missingGradStatsReason().contains("optimizer_steps"));
  }

  @Test
  void nothingToPlotIsOneLineNamingTheFix() throws IOException {
    Path empty = run("empty", "", null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RunLog.read(empty));
    assertTrue(e.getMessage().contains("no complete iteration"), e.getMessage());
    Path bare = Files.createDirectories(tmp.resolve("bare"));
    e = assertThrows(IllegalArgumentException.class, () -> RunLog.read(bare));
    assertTrue(e.getMessage().contains("has no metrics.jsonl"), e.getMessage());
    Path broken = run("broken", "{\"iteration\":1,\n{\"iteration\":2,\"agent_steps\":1}\n", null);
    e = assertThrows(IllegalArgumentException.class, () -> RunLog.read(broken));
    assertTrue(e.getMessage().contains("line 1 is not JSON"), e.getMessage());
  }

  private static String line(int iteration, int agentSteps, double loss) {
    return "{\"iteration\":" + iteration + ",\"agent_steps\":" + agentSteps + ",\"loss_policy\":"
        + loss + ",\"optimizer\":\"adam\",\"optimizer_steps\":" + 2 * iteration + "}\n";
  }

  private static String gradStats(long step, String tensor, double snr) {
    return "{\"step\":" + step + ",\"tensor\":\"" + tensor + "\",\"snr_median\":" + snr
        + ",\"sign_agreement\":null}\n";
  }
}
