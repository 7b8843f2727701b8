// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Predicate;

/**
 * A JSON-lines log ({@code metrics.jsonl}, {@code gradstats.jsonl}) that only ever holds whole
 * lines: {@link #write} appends a group of lines in one write and, if the write fails (a full disk),
 * cuts the file back to where it was, so a reader never sees a half line. {@link #cutBack} trims a
 * log to what a checkpoint covers before a resumed run appends to it.
 */
public final class JsonLines implements Closeable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final FileChannel channel;

  private JsonLines(Path file, FileChannel channel) {
    this.file = file;
    this.channel = channel;
  }

  /** Opens {@code file} for appending, creating it if needed. */
  public static JsonLines append(Path file) throws IOException {
    try {
      return new JsonLines(file, FileChannel.open(file, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE));
    } catch (IOException e) {
      throw new IOException(Disk.describe("open", file, e), e);
    }
  }

  /**
   * Appends the lines (JSON objects without a newline), all or none of them.
   *
   * @throws IOException one line naming the file and the cause; the file is as it was before
   */
  public void write(List<String> lines) throws IOException {
    StringBuilder text = new StringBuilder();
    for (String line : lines) {
      text.append(line).append('\n');
    }
    long end = channel.size();
    try {
      channel.position(end);
      Disk.write(channel, ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)), file);
    } catch (IOException e) {
      try {
        channel.truncate(end);
      } catch (IOException ignored) {
        // Truncating frees space, so it works even on a full disk; the write's error is the one.
      }
      throw new IOException(Disk.describe("write", file, e), e);
    }
  }

  /** What {@link #cutBack} did to a log. */
  public record Cut(long kept, long dropped, boolean partialLine) {
    public boolean changed() {
      return dropped > 0 || partialLine;
    }
  }

  /**
   * Cuts a log back to its longest prefix of whole lines that parse as JSON and satisfy {@code
   * keep} (a log is ordered, so the first line that does not ends what is kept): a last line
   * without its newline, left by a crash mid-write, and every line after the checkpoint go. The
   * kept prefix is written to {@code <name>.tmp} and renamed over the log in one atomic step; a log
   * with nothing to cut, or none, is left untouched.
   *
   * @throws IOException one line naming the file and the cause
   */
  public static Cut cutBack(Path file, Predicate<JsonNode> keep) throws IOException {
    if (!Files.exists(file)) {
      return new Cut(0, 0, false);
    }
    long kept = 0;
    long keptBytes = 0;
    long dropped = 0;
    boolean partial = false;
    try (InputStream in = Files.newInputStream(file)) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      byte[] chunk = new byte[1 << 16];
      boolean keeping = true;
      long offset = 0;
      int n;
      while ((n = in.read(chunk)) != -1) {
        int start = 0;
        for (int i = 0; i < n; i++) {
          if (chunk[i] != '\n') {
            continue;
          }
          line.write(chunk, start, i - start);
          start = i + 1;
          if (keeping && accepts(line.toByteArray(), keep)) {
            kept++;
            keptBytes = offset + start;
          } else {
            keeping = false;
            dropped++;
          }
          line.reset();
        }
        line.write(chunk, start, n - start);
        offset += n;
      }
      partial = line.size() > 0;
    } catch (IOException e) {
      throw new IOException(Disk.describe("read", file, e), e);
    }
    Cut cut = new Cut(kept, dropped, partial);
    if (cut.changed()) {
      Path tmp = AtomicFile.temporaryOf(file);
      try {
        try (FileChannel from = FileChannel.open(file, StandardOpenOption.READ);
            FileChannel to = FileChannel.open(tmp, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
          ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
          long left = keptBytes;
          while (left > 0) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), left));
            int n = from.read(buffer);
            buffer.flip();
            Disk.write(to, buffer, file);
            left -= n;
          }
          to.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        AtomicFile.deleteQuietly(tmp);
        throw new IOException(Disk.describe("cut back", file, e), e);
      }
      AtomicFile.forceFolder(file);
    }
    return cut;
  }

  private static boolean accepts(byte[] line, Predicate<JsonNode> keep) {
    try {
      JsonNode node = JSON.readTree(line);
      return node != null && node.isObject() && keep.test(node);
    } catch (IOException e) {
      return false; // not JSON: a line damaged mid-file ends what can be trusted
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
