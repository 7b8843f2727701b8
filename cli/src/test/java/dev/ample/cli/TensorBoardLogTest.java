// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ample.cli.EventFileReader.Event;
import dev.ample.cli.EventFileReader.Scalar;
import dev.ample.optim.RunDecay;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the run's TensorBoard mirror writes: tags, values, agent steps as the step. */
class TensorBoardLogTest {

  @TempDir Path tmp;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void mirrorsMetricsLinesAndPlacesGradStatsWithinTheirIteration() throws IOException {
    Path dir = tmp.resolve("tb");
    try (TensorBoardLog log = TensorBoardLog.open(dir, Progress.start(RunDecay.over(100)))) {
      // Iteration 1: 256 agent steps, optimizer steps 1..4; gradstats sampled at steps 2 and 4.
      log.gradStats(2, "dense_weight", Map.of("snr_median", 0.5, "batch", 64.0));
      log.gradStats(4, "dense_weight", Map.of("snr_median", 0.25));
      log.iteration(JSON.readTree("{\"iteration\": 1, \"agent_steps\": 256, \"loss_policy\": 0.1,"
          + " \"loss_value\": 2.0, \"episode_return_mean\": null, \"lr\": 0.001,"
          + " \"eval_return\": 0.75, \"wall_seconds\": 3.5, \"optimizer\": \"eve\","
          + " \"optimizer_steps\": 4}"));
      // Iteration 2: steps 5..8 over agent steps 256..512; step 6 sits halfway into it. The
      // values come as POJOs, as MetricsLog puts PpoMetrics' fields.
      log.gradStats(6, "dense_weight", Map.of("snr_median", 0.125));
      ObjectNode second = JSON.createObjectNode();
      second.put("iteration", 2);
      second.put("agent_steps", 512);
      second.putPOJO("loss_policy", 0.2);
      second.putPOJO("optimizer_steps", 8L);
      log.iteration(second);
    }
    List<Event> events = EventFileReader.read(EventFileReader.onlyFile(dir));
    assertEquals("brain.Event:2", events.get(0).fileVersion());
    List<Event> scalars = events.subList(1, events.size());
    assertEquals(List.of(128L, 256L, 256L, 384L, 512L),
        scalars.stream().map(Event::step).toList(), "gradstats before their iteration's line");
    assertEquals(List.of(new Scalar("gradstats/dense_weight/snr_median", 0.5f)),
        scalars.get(0).scalars(), "step 2 of 4 in 0..256; batch left out");
    assertEquals(List.of(new Scalar("gradstats/dense_weight/snr_median", 0.25f)),
        scalars.get(1).scalars());
    // Every numeric field but the step itself; nulls and text left out.
    assertEquals(List.of(new Scalar("time/iteration", 1f), new Scalar("loss/policy", 0.1f),
        new Scalar("loss/value", 2f), new Scalar("optim/lr", 0.001f),
        new Scalar("eval/return", 0.75f), new Scalar("time/wall_seconds", 3.5f),
        new Scalar("optim/optimizer_steps", 4f)), scalars.get(2).scalars());
    assertEquals(List.of(new Scalar("gradstats/dense_weight/snr_median", 0.125f)),
        scalars.get(3).scalars());
    assertEquals(new Scalar("loss/policy", 0.2f), scalars.get(4).scalars().get(1));
  }

  @Test
  void tagsGroupMetricsByKind() {
    assertEquals("loss/policy", TensorBoardLog.tag("loss_policy"));
    assertEquals("eval/length", TensorBoardLog.tag("eval_length"));
    assertEquals("optim/update_norm", TensorBoardLog.tag("update_norm"));
    assertEquals("time/fps", TensorBoardLog.tag("fps"));
    assertEquals("train/episode_return_mean", TensorBoardLog.tag("episode_return_mean"));
    assertEquals("train/approx_kl", TensorBoardLog.tag("approx_kl"));
  }

  @Test
  void aWriteFailureIsOneWarningNamingTheFileAndTrainingGoesOn() throws IOException {
    Path blocked = tmp.resolve("tb");
    Files.writeString(blocked, "a file where the tb/ folder should be");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try (TensorBoardLog log = TensorBoardLog.open(blocked, Progress.start(RunDecay.over(1)))) {
      log.iteration(JSON.readTree("{\"agent_steps\": 1, \"optimizer_steps\": 1}"));
    } finally {
      System.setErr(stderr);
    }
    List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith("warning: TensorBoard events stop, cannot write "
        + blocked.resolve("events.out.tfevents.")), lines.get(0));
  }
}
