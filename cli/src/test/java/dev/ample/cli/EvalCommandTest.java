// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Test episodes in {@code ./ample train} and {@code ./ample eval} on the built-in Catch: the
 * evaluation of a trained checkpoint replays what training logged, the GIF of an episode, training
 * unchanged by its test episodes, and one-line errors for bad input.
 */
class EvalCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern EPISODE =
      Pattern.compile("episode \\d+: return (\\S+), length (\\d+)");

  @TempDir static Path shared;
  @TempDir Path tmp;

  /** A Catch run trained for 40 iterations (40,960 agent steps), tested every 20 on 5 episodes. */
  private static Path trained;

  private static Outcome run(String... args) {
    return Outcome.run(args);
  }

  private static List<JsonNode> metrics(Path dir) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("metrics.jsonl"))) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  private static List<Double> returnsPrinted(String out) {
    List<Double> returns = new ArrayList<>();
    Matcher m = EPISODE.matcher(out);
    while (m.find()) {
      returns.add(Double.parseDouble(m.group(1)));
    }
    return returns;
  }

  @BeforeAll
  static void trainCatch() {
    trained = shared.resolve("catch");
    Outcome train = run("train", "--run-dir", trained.toString(),
        "--set", "train.agent-steps=40960", "--set", "train.gradstats-every=0",
        "--set", "train.eval-every=20", "--set", "train.eval-episodes=5");
    assertEquals(0, train.code(), train.err());
  }

  @Test
  void trainingLogsTestEpisodesFromIterationZero() throws IOException {
    List<JsonNode> lines = metrics(trained);
    assertEquals(41, lines.size(), "iteration 0's test, then 40 iterations");
    JsonNode first = lines.get(0);
    assertEquals(0, first.get("iteration").asLong());
    assertEquals(0, first.get("agent_steps").asLong());
    assertFalse(first.has("loss_policy"), "no update before iteration 1: " + first);
    for (JsonNode line : lines) {
      long iteration = line.get("iteration").asLong();
      assertEquals(iteration % 20 == 0, line.has("eval_return"), "tested iff due: " + line);
      if (line.has("eval_return")) {
        JsonNode returns = line.get("eval_returns");
        assertEquals(5, returns.size());
        double sum = 0;
        for (JsonNode r : returns) {
          assertTrue(r.asDouble() == 1 || r.asDouble() == -1, "raw Catch returns: " + line);
          sum += r.asDouble();
        }
        assertEquals(sum / 5, line.get("eval_return").asDouble(), 1e-12);
        assertEquals(9, line.get("eval_length").asDouble(), "a Catch game is 9 steps");
        assertEquals(0, line.get("eval_truncated").asInt());
        assertEquals(iteration * 1024, line.get("agent_steps").asLong());
      }
    }
  }

  /**
   * The default seed replays the test training logged at the checkpoint's iteration (40), episode
   * by episode; more episodes say the trained agent wins. Measured with seed 1: the five logged
   * returns were all 1; with seed 7, 20 sampled episodes averaged 0.60 and 20 greedy ones 1.00
   * (random play scores about -0.6; training's last 100 episodes 0.82).
   */
  @Test
  void evalOfTheTrainedRunReplaysTheLoggedTestAndWins() throws IOException {
    JsonNode logged = metrics(trained).get(40);
    assertEquals(40, logged.get("iteration").asLong());
    Outcome replay = run("eval", trained.toString(), "--episodes", "5");
    assertEquals(0, replay.code(), replay.err());
    assertTrue(replay.out().contains("iteration 40"), replay.out());
    List<Double> expected = new ArrayList<>();
    logged.get("eval_returns").forEach(r -> expected.add(r.asDouble()));
    assertEquals(expected, returnsPrinted(replay.out()), replay.out());
    assertTrue(replay.out().contains(String.format("return %.2f ±",
        logged.get("eval_return").asDouble())), replay.out());

    String checkpoint = trained.resolve("checkpoints/iter-000040.ckpt").toString();
    double sampled = meanReturn(run("eval", checkpoint, "--episodes", "20", "--seed", "7"));
    Outcome greedy = run("eval", checkpoint, "--episodes", "20", "--seed", "7", "--greedy");
    assertTrue(greedy.out().contains("greedy actions"), greedy.out());
    double greedyMean = meanReturn(greedy);
    System.out.printf("catch eval at iteration 40: logged %s; 20 episodes with seed 7: sampled"
        + " %.2f, greedy %.2f%n", expected, sampled, greedyMean);
    assertTrue(sampled > 0, "better than random play: " + sampled);
    assertTrue(greedyMean > 0.5, "a trained Catch agent catches most balls: " + greedy.out());
  }

  private static double meanReturn(Outcome eval) {
    assertEquals(0, eval.code(), eval.err());
    List<Double> returns = returnsPrinted(eval.out());
    assertEquals(20, returns.size(), eval.out());
    return returns.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  /** The GIF holds the first episode: its reset observation and one after each of its 9 steps. */
  @Test
  void recordWritesAnAnimatedGifOfTheFirstEpisode() throws IOException {
    Path gif = tmp.resolve("catch.gif");
    Outcome eval = run("eval", trained.toString(), "--episodes", "2", "--record", gif.toString());
    assertEquals(0, eval.code(), eval.err());
    try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
      ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
      reader.setInput(in);
      assertEquals(10, reader.getNumImages(true), "episode length 9 + the first observation");
      BufferedImage last = reader.read(9);
      // Catch's 10x5 grid scaled by 24: the ball and the paddle are 24x24 squares.
      assertEquals(120, last.getWidth());
      assertEquals(240, last.getHeight());
      int litInBottomRow = 0;
      for (int col = 0; col < 5; col++) {
        litInBottomRow += (last.getRGB(col * 24 + 12, 9 * 24 + 12) & 0xff) == 255 ? 1 : 0;
      }
      assertTrue(litInBottomRow == 1 || litInBottomRow == 2, "ball and paddle in the last row");
      IIOMetadataNode frame = (IIOMetadataNode) reader.getImageMetadata(3)
          .getAsTree("javax_imageio_gif_image_1.0");
      assertEquals("20", ((IIOMetadataNode) frame.getElementsByTagName("GraphicControlExtension")
          .item(0)).getAttribute("delayTime"), "5 Catch steps per second");
      IIOMetadataNode start = (IIOMetadataNode) reader.getImageMetadata(0)
          .getAsTree("javax_imageio_gif_image_1.0");
      assertEquals("NETSCAPE", ((IIOMetadataNode) start.getElementsByTagName(
          "ApplicationExtension").item(0)).getAttribute("applicationID"), "loops");
    }
    System.out.printf("catch gif: %d bytes%n", Files.size(gif));
    try (Stream<Path> files = Files.list(tmp)) {
      assertEquals(List.of(gif), files.toList(), "no temporary file left behind");
    }
  }

  /**
   * Test episodes play in envs and on a random stream of their own: the training metrics with
   * them are bit-identical to those without, apart from the eval fields and timings. A resumed run
   * tests on schedule (iteration 4, 6) without testing iteration 0 again.
   */
  @Test
  void testEpisodesLeaveTrainingBitIdentical() throws IOException {
    Path off = tmp.resolve("off");
    Path on = tmp.resolve("on");
    List<String> common = List.of("--set", "ppo.rollout-steps=32", "--set", "ppo.minibatch-size=64",
        "--set", "train.gradstats-every=0", "--set", "train.checkpoint-every=100");
    assertEquals(0, train(off, common, "train.agent-steps=1536", "train.eval-every=0").code());
    assertEquals(0, train(on, common, "train.agent-steps=1536", "train.eval-every=2",
        "train.eval-episodes=3").code());
    List<JsonNode> without = metrics(off);
    List<JsonNode> with = metrics(on);
    assertEquals(6, without.size());
    assertEquals(7, with.size(), "iteration 0's test line first");
    for (int k = 0; k < 6; k++) {
      assertFalse(without.get(k).has("eval_return"));
      assertEquals(k % 2 == 1, with.get(k + 1).has("eval_return"), "after iterations 2, 4, 6");
      assertEquals(trainingFields(without.get(k)), trainingFields(with.get(k + 1)),
          "iteration " + (k + 1));
    }

    Path resumed = tmp.resolve("resumed");
    assertEquals(0, train(resumed, common, "train.agent-steps=768", "train.eval-every=2").code());
    Outcome more = run("train", "--run-dir", resumed.toString(), "--resume",
        "--set", "train.agent-steps=1536");
    assertEquals(0, more.code(), more.err());
    List<Long> tested = new ArrayList<>();
    for (JsonNode line : metrics(resumed)) {
      if (line.has("eval_return")) {
        tested.add(line.get("iteration").asLong());
      }
    }
    assertEquals(List.of(0L, 2L, 4L, 6L), tested);
  }

  private static Outcome train(Path dir, List<String> common, String... settings) {
    List<String> args = new ArrayList<>(List.of("train", "--run-dir", dir.toString()));
    args.addAll(common);
    for (String s : settings) {
      args.addAll(List.of("--set", s));
    }
    return run(args.toArray(String[]::new));
  }

  /** A metrics line without its test fields and timings (which differ from run to run). */
  private static JsonNode trainingFields(JsonNode line) {
    ObjectNode copy = line.deepCopy();
    for (Iterator<String> names = line.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (name.startsWith("eval_") || name.endsWith("_seconds") || name.endsWith("_ms")
          || name.equals("fps")) {
        copy.remove(name);
      }
    }
    return copy;
  }

  @Test
  void badInputIsOneLineNamingTheFix() throws IOException {
    Outcome missing = run("eval", tmp.resolve("nowhere").toString());
    assertEquals(2, missing.code());
    assertOneLine(missing.err(), "does not exist");

    Outcome notARun = run("eval", tmp.toString());
    assertEquals(2, notARun.code());
    assertOneLine(notARun.err(), "not a run directory");

    Path run = tmp.resolve("run");
    Files.createDirectories(run.resolve("checkpoints"));
    Files.copy(trained.resolve("config.conf"), run.resolve("config.conf"));
    Outcome none = run("eval", run.toString());
    assertEquals(2, none.code());
    assertOneLine(none.err(), "no checkpoint in");

    byte[] good = Files.readAllBytes(trained.resolve("checkpoints/iter-000040.ckpt"));
    Path truncated = run.resolve("checkpoints/iter-000040.ckpt");
    Files.write(truncated, Arrays.copyOf(good, good.length / 2));
    Outcome corrupt = run("eval", run.toString());
    assertEquals(2, corrupt.code());
    assertOneLine(corrupt.err(), "checkpoint " + truncated + " is damaged");
    assertTrue(corrupt.err().contains("cut short"), corrupt.err());

    Files.write(truncated, new byte[] {0, 5, 'h', 'e', 'l', 'l', 'o', 0, 0, 0, 1});
    Outcome garbage = run("eval", truncated.toString());
    assertEquals(2, garbage.code());
    assertOneLine(garbage.err(), "less than a checkpoint's header");

    Outcome badOption = run("eval", trained.toString(), "--episodes", "0");
    assertEquals(2, badOption.code());
    assertOneLine(badOption.err(), "--episodes must be at least 1");

    Outcome noFolder = run("eval", trained.toString(), "--record",
        tmp.resolve("no/such/folder.gif").toString());
    assertEquals(2, noFolder.code());
    assertOneLine(noFolder.err(), "does not exist");
  }

  private static void assertOneLine(String err, String expected) {
    assertTrue(err.contains(expected), err);
    assertEquals(1, err.strip().lines().count(), err);
  }
}
