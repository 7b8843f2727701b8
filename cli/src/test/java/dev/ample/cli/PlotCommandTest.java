// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ample.cli.EventFileReader.Event;
import dev.ample.cli.EventFileReader.Scalar;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ample plot} on two short Catch runs (Adam, Eve) made here, and the figures and TensorBoard
 * events that {@code ample train} itself leaves in a run directory.
 */
class PlotCommandTest {

  @TempDir Path tmp;

  /** Every figure and its size: one-panel figures 1000x600, grids of panels 1800x1000. */
  private static final Map<String, int[]> FIGURES = Map.of(
      "return.png", new int[] {1000, 600},
      "ppo.png", new int[] {1800, 1000},
      "update_norm.png", new int[] {1000, 600},
      "update_norm_tensors.png", new int[] {1800, 1000},
      "gradstats_snr.png", new int[] {1800, 1000},
      "gradstats_variance.png", new int[] {1800, 1000},
      "gradstats_sign_agreement.png", new int[] {1800, 1000},
      "gradstats_example_norm.png", new int[] {1800, 1000});

  private static Outcome run(String... args) {
    return Outcome.run(args);
  }

  private Path train(String name, String optimizer) {
    Path dir = tmp.resolve(name);
    // 8 envs x 32 steps = 256 per iteration, 8 iterations of 3 optimizer steps; gradstats every 4.
    Outcome r = run("train", "--run-dir", dir.toString(), "--set", "optimizer.name=" + optimizer,
        "--set", "train.agent-steps=2048", "--set", "ppo.rollout-steps=32",
        "--set", "train.gradstats-every=4");
    assertEquals(0, r.code(), r.err());
    return dir;
  }

  private static void assertFigures(Path dir) throws IOException {
    for (Map.Entry<String, int[]> f : FIGURES.entrySet()) {
      Path file = dir.resolve(f.getKey());
      BufferedImage image = ImageIO.read(file.toFile());
      assertNotNull(image, file + " does not decode as an image");
      assertEquals(f.getValue()[0], image.getWidth(), file + " width");
      assertEquals(f.getValue()[1], image.getHeight(), file + " height");
    }
  }

  @Test
  void plotsTwoRunsAndTrainLeavesFiguresAndTensorBoardEvents() throws IOException {
    Path adam = train("adam", "adam");
    Path eve = train("eve", "eve");

    // ./ample train wrote <run>/plots/ and <run>/tb/ on its own.
    assertFigures(adam.resolve("plots"));
    List<Event> events = EventFileReader.read(EventFileReader.onlyFile(adam.resolve("tb")));
    assertEquals("brain.Event:2", events.get(0).fileVersion());
    List<Event> iterations = events.stream()
        .filter(e -> e.scalars().stream().anyMatch(s -> s.tag().equals("loss/policy")))
        .toList();
    assertEquals(List.of(256L, 512L, 768L, 1024L, 1280L, 1536L, 1792L, 2048L),
        iterations.stream().map(Event::step).toList(), "one event per iteration at agent_steps");
    Set<String> tags = events.stream().flatMap(e -> e.scalars().stream()).map(Scalar::tag)
        .collect(Collectors.toSet());
    for (String tag : List.of("train/episode_return_mean", "loss/value", "train/entropy",
        "train/approx_kl", "optim/update_norm", "optim/lr", "time/fps")) {
      assertTrue(tags.contains(tag), tag + " missing from " + tags);
    }
    assertTrue(tags.stream().anyMatch(t -> t.matches("gradstats/.+/snr_median")), tags.toString());
    // The mirror's last loss/policy is the last metrics.jsonl line's (as a float).
    List<String> lines = Files.readAllLines(adam.resolve("metrics.jsonl"));
    String lastLine = lines.get(lines.size() - 1);
    double loss = new ObjectMapper().readTree(lastLine)
        .get("loss_policy").asDouble();
    assertEquals((float) loss, iterations.get(7).scalars().stream()
        .filter(s -> s.tag().equals("loss/policy")).findFirst().orElseThrow().value());

    // ./ample plot of both runs, overlaid: every figure, and the files are listed.
    Path out = tmp.resolve("compare");
    Outcome r = run("plot", adam.toString(), eve.toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(FIGURES.keySet(), r.out().lines().map(l -> Path.of(l).getFileName().toString())
        .collect(Collectors.toSet()), r.out());
    assertFigures(out);
  }

  @Test
  void aRunDirectoryWithNothingToPlotIsOneLineAndExitTwo() throws IOException {
    Path bare = Files.createDirectories(tmp.resolve("bare"));
    Outcome r = run("plot", bare.toString());
    assertEquals(2, r.code());
    assertEquals("ample: " + bare + " has no metrics.jsonl; give a run directory written by"
        + " ./ample train", r.err().strip());

    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Files.writeString(empty.resolve("metrics.jsonl"), "");
    r = run("plot", empty.toString());
    assertEquals(2, r.code());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("metrics.jsonl has no complete iteration"), r.err());
  }
}
