// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.tests;

import static dev.ample.tests.AmpleCli.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./ample experiment} on the built-in Catch, Adam and Eve x 2 seeds with a tiny budget:
 * each run is an ordinary run directory; {@code results.json} and {@code results.md} agree with
 * the runs' own {@code metrics.jsonl}; the overlaid figures decode; running the same command
 * again trains nothing; another experiment on the same directory is refused.
 */
class ExperimentTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** 8 envs x 32 steps = 256 agent steps an iteration: 6 iterations, tests after 0, 3 and 6. */
  private static final List<String> SMALL = List.of("--set", "train.agent-steps=1536",
      "--set", "ppo.rollout-steps=32", "--set", "ppo.minibatch-size=64",
      "--set", "train.eval-every=3", "--set", "train.eval-episodes=4",
      "--set", "train.gradstats-every=4");

  @TempDir Path tmp;

  @Test
  void experimentTableMatchesTheRunsAndRerunDoesNoWork() throws Exception {
    Path exp = tmp.resolve("exp");
    AmpleCli.run(tmp, command(exp, "adam,eve")).assertOk();
    List<String> names = List.of("adam-s1", "adam-s2", "eve-s1", "eve-s2");

    JsonNode results = JSON.readTree(exp.resolve("results.json").toFile());
    assertEquals("test", results.get("score").asText(), "every run has test episodes");
    String md = Files.readString(exp.resolve("results.md"));
    assertTrue(md.contains("last 10 test episodes"), "the score is defined:\n" + md);
    Map<String, List<Double>> scoresByOptimizer = new HashMap<>();
    for (JsonNode run : results.get("runs")) {
      String name = run.get("run").asText();
      List<JsonNode> metrics = lines(exp.resolve(name).resolve("metrics.jsonl"));
      JsonNode last = metrics.get(metrics.size() - 1);
      assertEquals(1536, last.get("agent_steps").asLong(), name + " reached the budget");
      assertEquals(last.get("agent_steps").asLong(), run.get("agent_steps").asLong());
      assertEquals(last.get("wall_seconds").asDouble(), run.get("wall_seconds").asDouble(), 1e-9);
      assertTrue(run.get("complete").asBoolean());
      List<Double> tests = new ArrayList<>();
      for (JsonNode line : metrics) {
        line.path("eval_returns").forEach(v -> tests.add(v.asDouble()));
      }
      assertEquals(3 * 4, tests.size(), name + ": 3 tests of 4 episodes");
      double score = tests.subList(tests.size() - 10, tests.size()).stream()
          .mapToDouble(Double::doubleValue).average().orElseThrow();
      assertEquals(score, run.get("score").asDouble(), 1e-9, name + " score");
      scoresByOptimizer.computeIfAbsent(run.get("optimizer").asText(), o -> new ArrayList<>())
          .add(score);
      assertTrue(md.contains(String.format(Locale.ROOT, "| [%s](%s/) | %s | %d | %.2f | 1,536 |"
          + " complete |", name, name, run.get("optimizer").asText(), run.get("seed").asLong(),
          score)), "row of " + name + " in:\n" + md);
    }
    assertEquals(names, results.findValuesAsText("run"));
    for (JsonNode group : results.get("optimizers")) {
      List<Double> s = scoresByOptimizer.get(group.get("optimizer").asText());
      double mean = (s.get(0) + s.get(1)) / 2;
      double std = Math.abs(s.get(0) - s.get(1)) / Math.sqrt(2); // sample std of two
      assertEquals(mean, group.get("score_mean").asDouble(), 1e-9);
      assertEquals(std, group.get("score_std").asDouble(), 1e-9);
      assertTrue(md.contains(String.format(Locale.ROOT, "| %s | 2 (2) | %.2f ± %.2f |",
          group.get("optimizer").asText(), mean, std)), "optimizer row in:\n" + md);
    }
    assertEquals(1.0, results.get("optimizers").get(0).get("runtime_vs_adam").asDouble(), 1e-9);

    // The overlaid figures, as ./ample plot draws them, decode as PNGs.
    assertTrue(results.get("figures").size() >= 8, "every figure: " + results.get("figures"));
    for (JsonNode f : results.get("figures")) {
      assertNotNull(ImageIO.read(exp.resolve(f.asText()).toFile()), f + " decodes");
    }

    // The same command again: every run is finished, no child starts, nothing changes.
    Map<String, String> before = new HashMap<>();
    for (String name : names) {
      before.put(name, Files.readString(exp.resolve(name).resolve("metrics.jsonl"))
          + Files.readString(exp.resolve("logs").resolve(name + ".log")));
    }
    AmpleCli.Done again = AmpleCli.run(tmp, command(exp, "adam,eve")).assertOk();
    for (String name : names) {
      assertTrue(again.out().contains(name + ": finished earlier, skipped"), again.out());
      assertEquals(before.get(name), Files.readString(exp.resolve(name).resolve("metrics.jsonl"))
          + Files.readString(exp.resolve("logs").resolve(name + ".log")), name + " untouched");
      assertEquals(1, lines(exp.resolve(name).resolve("invocations.jsonl")).size());
    }

    // Another experiment on the same directory is refused, naming what differs.
    AmpleCli.run(tmp, command(exp, "adam")).assertRefused("holds another experiment",
        "optimizers");
  }

  /**
   * {@code --report} on an experiment as it stands, here one run trained by hand to half its
   * budget under the experiment's naming: the table says partial and not started, and nothing is
   * trained. On a directory holding none of the runs it is refused.
   */
  @Test
  void reportTabulatesTheRunsAsTheyStandAndTrainsNothing() throws Exception {
    Path exp = tmp.resolve("by-hand");
    List<String> report = new ArrayList<>(List.of(command(exp, "adam,eve")));
    report.add("--report");
    AmpleCli.run(tmp, report.toArray(String[]::new)).assertRefused("nothing to report",
        "adam-s1");

    List<String> train = new ArrayList<>(List.of("train", "--run-dir",
        exp.resolve("adam-s1").toString(), "--set", "optimizer.name=adam", "--set",
        "train.seed=1"));
    train.addAll(SMALL);
    train.addAll(List.of("--set", "train.agent-steps=768"));
    AmpleCli.run(tmp, train.toArray(String[]::new)).assertOk();
    String metrics = Files.readString(exp.resolve("adam-s1").resolve("metrics.jsonl"));

    AmpleCli.run(tmp, report.toArray(String[]::new)).assertOk();
    String md = Files.readString(exp.resolve("results.md"));
    String adam = md.lines().filter(l -> l.startsWith("| [adam-s1](adam-s1/) | adam | 1 |"))
        .findFirst().orElseThrow(() -> new AssertionError("no adam-s1 row in:\n" + md));
    assertTrue(adam.contains("| 768 | partial (768 of 1,536 agent steps) |"), adam);
    String eve = md.lines().filter(l -> l.startsWith("| [eve-s2](eve-s2/) | eve | 2 |"))
        .findFirst().orElseThrow(() -> new AssertionError("no eve-s2 row in:\n" + md));
    assertTrue(eve.contains("| not started |"), eve);
    assertEquals(metrics, Files.readString(exp.resolve("adam-s1").resolve("metrics.jsonl")),
        "nothing trained");
    assertEquals(1, lines(exp.resolve("adam-s1").resolve("invocations.jsonl")).size());
    assertFalse(Files.exists(exp.resolve("eve-s1")), "no run started");
    assertFalse(Files.exists(exp.resolve("experiment.json")), "a report claims nothing");
  }

  private static String[] command(Path exp, String optimizers) {
    List<String> args = new ArrayList<>(List.of("experiment", "--optimizers", optimizers,
        "--seeds", "2", "--parallel", "2", "--out", exp.toString()));
    args.addAll(SMALL);
    return args.toArray(String[]::new);
  }
}
