// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import dev.ample.learner.PpoLearner;
import dev.ample.learner.io.Disk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A run directory's checkpoints, {@code checkpoints/iter-NNNNNN.ckpt} (one {@link Checkpoint}
 * each, written atomically); only the newest {@code keep} are kept.
 */
final class RunFiles {
  private static final Pattern CHECKPOINT_NAME = Pattern.compile("iter-(\\d+)\\.ckpt");
  private final Path dir;
  private final Path checkpoints;
  private final int keep;

  RunFiles(Path dir, int keep) {
    this.dir = dir;
    this.checkpoints = dir.resolve("checkpoints");
    this.keep = keep;
  }

  /** A run's checkpoints to read (nothing is pruned). */
  RunFiles(Path dir) {
    this(dir, Integer.MAX_VALUE);
  }

  /** The iteration a checkpoint was written after, from its name; -1 if it is not named so. */
  static long iterationOf(Path checkpoint) {
    Matcher m = CHECKPOINT_NAME.matcher(checkpoint.getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  Path dir() {
    return dir;
  }

  /** Writes the checkpoint of iteration {@code p.iteration()} and prunes the oldest beyond keep. */
  void writeCheckpoint(PpoLearner learner, NetworkIdentity identity, Progress p)
      throws IOException {
    Checkpoint.write(checkpoints.resolve(String.format("iter-%06d.ckpt", p.iteration())),
        identity, p, learner);
    List<Path> all = list();
    for (int i = 0; i < all.size() - keep; i++) {
      try {
        Files.deleteIfExists(all.get(i));
      } catch (IOException e) {
        throw new IOException(Disk.describe("remove old checkpoint", all.get(i), e), e);
      }
    }
  }

  /** The newest checkpoint by name, or null when there is none. */
  Path newestCheckpointOrNull() {
    try {
      List<Path> all = list();
      return all.isEmpty() ? null : all.get(all.size() - 1);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The newest checkpoint that reads intact, and the damaged ones newer than it.
   *
   * @param intact null when no checkpoint is intact
   * @param damaged the damaged checkpoints newer than it, newest first
   */
  record Newest(Checkpoint intact, List<Checkpoint.Damaged> damaged) {
    boolean newestIsIntact() {
      return damaged.isEmpty();
    }
  }

  /**
   * Reads checkpoints from the newest back until one verifies ({@link Checkpoint#read}).
   *
   * @throws IllegalArgumentException when there is no checkpoint at all, or one that is not
   *     damaged but unreadable (another format, an I/O error)
   */
  Newest newestIntact() {
    List<Path> all;
    try {
      all = list();
    } catch (IOException e) {
      throw new IllegalArgumentException(Disk.describe("list", checkpoints, e), e);
    }
    if (all.isEmpty()) {
      throw new IllegalArgumentException("no checkpoint in " + checkpoints
          + " (iter-NNNNNN.ckpt): the run stopped before its first one");
    }
    List<Checkpoint.Damaged> damaged = new ArrayList<>();
    for (int i = all.size() - 1; i >= 0; i--) {
      try {
        return new Newest(Checkpoint.read(all.get(i)), damaged);
      } catch (Checkpoint.Damaged e) {
        damaged.add(e);
      }
    }
    return new Newest(null, damaged);
  }

  private List<Path> list() throws IOException {
    if (!Files.isDirectory(checkpoints)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(checkpoints)) {
      return s.filter(p -> iterationOf(p) >= 0)
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .toList();
    }
  }
}
