// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Appending whole lines, and cutting a log back to what a checkpoint covers. */
class JsonLinesTest {

  @TempDir Path dir;

  private Path log(String text) throws IOException {
    Path file = dir.resolve("metrics.jsonl");
    Files.writeString(file, text);
    return file;
  }

  private List<String> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writeAppendsWholeLines() throws IOException {
    Path file = log("{\"iteration\":1}\n");
    try (JsonLines out = JsonLines.append(file)) {
      out.write(List.of("{\"iteration\":2}", "{\"iteration\":3}"));
    }
    assertEquals(List.of("{\"iteration\":1}", "{\"iteration\":2}", "{\"iteration\":3}"),
        Files.readAllLines(file));
  }

  @Test
  void cutBackDropsLinesAfterTheCheckpointAndAPartialLastLine() throws IOException {
    Path file = log("{\"iteration\":0}\n{\"iteration\":1}\n{\"iteration\":2}\n{\"iteration\":3}\n"
        + "{\"iteration\":4,\"agent_st");
    JsonLines.Cut cut = JsonLines.cutBack(file, l -> l.get("iteration").asLong() <= 2);
    assertEquals(new JsonLines.Cut(3, 1, true), cut);
    assertEquals("{\"iteration\":0}\n{\"iteration\":1}\n{\"iteration\":2}\n",
        Files.readString(file));
    assertEquals(List.of("metrics.jsonl"), files(), "no .tmp left");
  }

  /** What a resume after kill -9 met before: lines past the checkpoint, some twice. */
  @Test
  void cutBackKeepsOnlyThePrefixUpToTheFirstLineBeyond() throws IOException {
    Path file = log("{\"iteration\":1}\n{\"iteration\":2}\n{\"iteration\":1}\n");
    JsonLines.Cut cut = JsonLines.cutBack(file, l -> l.get("iteration").asLong() <= 1);
    assertEquals(new JsonLines.Cut(1, 2, false), cut);
    assertEquals("{\"iteration\":1}\n", Files.readString(file));
  }

  @Test
  void aLineThatIsNotJsonEndsWhatIsKept() throws IOException {
    Path file = log("{\"step\":1}\nnot json\n{\"step\":2}\n");
    JsonLines.Cut cut = JsonLines.cutBack(file, l -> true);
    assertEquals(new JsonLines.Cut(1, 2, false), cut);
    assertEquals("{\"step\":1}\n", Files.readString(file));
  }

  @Test
  void aLogWithNothingToCutIsLeftAsItIs() throws IOException {
    Path file = log("{\"iteration\":1}\n{\"iteration\":2}\n");
    var before = Files.getLastModifiedTime(file);
    JsonLines.Cut cut = JsonLines.cutBack(file, l -> true);
    assertFalse(cut.changed());
    assertEquals(before, Files.getLastModifiedTime(file));
    assertFalse(JsonLines.cutBack(dir.resolve("none.jsonl"), l -> true).changed(), "no log");
    assertTrue(Files.notExists(dir.resolve("none.jsonl")));
  }

  /** Longer than the read buffer, so lines cross chunk boundaries. */
  @Test
  void cutBackOfALongLog() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      text.append("{\"step\":").append(i).append(",\"pad\":\"xxxxxxxxxxxxxxxx\"}\n");
    }
    Path file = log(text.toString());
    JsonLines.Cut cut = JsonLines.cutBack(file, l -> l.get("step").asLong() < 12_345);
    assertEquals(new JsonLines.Cut(12_345, 20_000 - 12_345, false), cut);
    List<String> lines = Files.readAllLines(file);
    assertEquals(12_345, lines.size());
    assertTrue(lines.get(12_344).startsWith("{\"step\":12344,"));
  }
}
