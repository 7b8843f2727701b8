// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every byte ample writes into a run directory goes through {@link #write}, so that a full disk can
 * be simulated for the fault tests where no small file system can be mounted: with the system
 * property {@value #FULL_AFTER_PROPERTY}{@code =N} the process's writes fail once N bytes were
 * written, after writing the part that still fits, as {@code write(2)} does on a full disk.
 */
public final class Disk {

  /** The test hook's system property: bytes this process may write before the disk is "full". */
  public static final String FULL_AFTER_PROPERTY = "ample.faults.diskFullAfterBytes";

  private static final long FULL_AFTER = Long.getLong(FULL_AFTER_PROPERTY, Long.MAX_VALUE);
  private static final AtomicLong written = new AtomicLong();

  private Disk() {}

  /** Writes all of {@code bytes} at the channel's position. */
  public static void write(FileChannel channel, ByteBuffer bytes, Path file) throws IOException {
    long room = FULL_AFTER - written.get();
    boolean full = bytes.remaining() > room;
    if (full) {
      bytes.limit(bytes.position() + (int) Math.max(0, room));
    }
    while (bytes.hasRemaining()) {
      written.addAndGet(channel.write(bytes));
    }
    if (full) {
      throw new IOException(file + ": No space left on device (simulated: "
          + FULL_AFTER_PROPERTY + "=" + FULL_AFTER + ")");
    }
  }

  /**
   * One line naming the file and the cause, e.g. {@code cannot write runs/x/metrics.jsonl: No
   * space left on device}, for an I/O error on {@code file}; the JDK's messages name the exception
   * class or repeat the path.
   */
  public static String describe(String verb, Path file, IOException e) {
    String cause;
    if (e instanceof AccessDeniedException) {
      cause = "permission denied (or a read-only file system)";
    } else if (e instanceof NoSuchFileException n) {
      cause = "no such file or folder " + n.getFile();
    } else if (e instanceof FileSystemException f) {
      cause = f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
      if (f.getFile() != null && !f.getFile().equals(file.toString())
          && !f.getFile().equals(file.toAbsolutePath().toString())) {
        cause = f.getFile() + ": " + cause;
      }
    } else {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      cause = message.startsWith(file + ": ") ? message.substring(file.toString().length() + 2)
          : message;
    }
    return "cannot " + verb + " " + file + ": " + cause;
  }
}
