// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.learner.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file as a whole or not at all: the bytes go to {@code <name>.tmp} beside it, are
 * forced to the disk and renamed over the file in one atomic step. On any failure the temporary
 * file is removed, so a full disk leaves neither a half file nor a {@code .tmp} holding the space.
 */
public final class AtomicFile {
  private AtomicFile() {}

  /** The temporary name {@link #write} uses for {@code file}. */
  public static Path temporaryOf(Path file) {
    return file.resolveSibling(file.getFileName() + ".tmp");
  }

  /**
   * Writes {@code bytes} as {@code file}.
   *
   * @throws IOException one line naming the file and the cause ({@link Disk#describe})
   */
  public static void write(Path file, byte[] bytes) throws IOException {
    Path tmp = temporaryOf(file);
    try {
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        Disk.write(out, ByteBuffer.wrap(bytes), file);
        out.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new IOException(Disk.describe("write", file, e), e);
    }
    forceFolder(file);
  }

  /** Removes a temporary file after a failed write, whose own error is the one to report. */
  public static void deleteQuietly(Path tmp) {
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException ignored) {
      // The failed write's error is reported; a leftover is removed at the next start.
    }
  }

  /** So that the rename itself survives a power loss; not every file system allows it. */
  static void forceFolder(Path file) {
    Path folder = file.toAbsolutePath().getParent();
    try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException ignored) {
      // The rename is done; only its durability across a power loss is not guaranteed.
    }
  }
}
