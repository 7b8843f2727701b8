// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ample.learner.io.Disk;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The lock on a run directory, so that two processes never train into one: {@code run.lock}
 * holds the holder's pid, host and start time, and the holder keeps an OS lock on it ({@link
 * FileChannel#tryLock}) while it lives. A second {@code ./ample train} on the directory is refused
 * naming the holder. The OS drops the lock when its process ends however it ends ({@code kill -9}
 * included), so a file left by a dead holder is stale and simply taken over. The file stays after
 * the run: deleting it would race a process that opens it at that moment.
 */
final class RunLock implements AutoCloseable {
  static final String FILE = "run.lock";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileChannel channel;
  private final FileLock lock;

  private RunLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock on {@code dir}, which must exist, and writes this process into it (which also
   * probes that the directory is writable).
   *
   * @throws IllegalStateException naming the holder when another live process has it
   * @throws IOException one line naming the file and the cause (unwritable, full)
   */
  static RunLock acquire(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new IOException(Disk.describe("create the lock", file, e), e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // this JVM holds it already
    } catch (IOException e) {
      channel.close();
      throw new IOException(Disk.describe("lock", file, e), e);
    }
    if (lock == null) {
      channel.close();
      throw new IllegalStateException("run directory " + dir + " is in use by another ./ample"
          + " train (" + holder(file) + "): wait for it to end or stop it; a run directory"
          + " takes one run at a time");
    }
    ObjectNode me = JSON.createObjectNode();
    me.put("pid", ProcessHandle.current().pid());
    me.put("host", host());
    me.put("since", Instant.now().toString());
    try {
      channel.truncate(0);
      Disk.write(channel, ByteBuffer.wrap(JSON.writeValueAsBytes(me)), file);
      channel.force(true);
    } catch (IOException e) {
      lock.release();
      channel.close();
      throw new IOException(Disk.describe("write", file, e), e);
    }
    return new RunLock(channel, lock);
  }

  /** E.g. {@code pid 4242 on host box, since 2026-12-03T10:00:00Z}, as far as the file tells. */
  private static String holder(Path file) {
    try {
      JsonNode h = JSON.readTree(Files.readString(file));
      return "pid " + h.get("pid").asLong() + " on host " + h.get("host").asText() + ", since "
          + h.get("since").asText();
    } catch (IOException | RuntimeException e) {
      return "its " + FILE + " does not say which; it is starting";
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
  }
}
