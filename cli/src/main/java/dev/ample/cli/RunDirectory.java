// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ample.learner.io.AtomicFile;
import dev.ample.learner.io.Disk;
import dev.ample.learner.io.JsonLines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A run directory (DESIGN.md §2) as {@code ./ample train} keeps it. It is taken under a {@link
 * RunLock} first and written to only once the run has really started ({@link #beginNew}, {@link
 * #beginResumed}: the env, the network and the checkpoint are loaded), so a start that fails or is
 * interrupted leaves nothing that blocks a retry ({@link #abandon}); and a directory that holds only
 * such a start (no checkpoint) is accepted for a new run. On resume the logs are cut back to what
 * the checkpoint covers, so they read as one uninterrupted run, and {@code config.conf} is
 * rewritten with the configuration the run continues with; {@code invocations.jsonl} gets a line
 * per start.
 */
final class RunDirectory implements AutoCloseable {
  static final String CONFIG = "config.conf";
  static final String METRICS = "metrics.jsonl";
  static final String GRADSTATS = "gradstats.jsonl";
  static final String INVOCATIONS = "invocations.jsonl";
  private static final String CHECKPOINTS = "checkpoints";
  /** TensorBoard's event files ({@link TensorBoardLog}) and the figures drawn at the end. */
  static final String TENSORBOARD = "tb";
  static final String PLOTS = "plots";
  /** What a start writes; a directory holding only these, and no checkpoint, is a failed start. */
  private static final Set<String> RUN_FILES = Set.of(CONFIG, METRICS, GRADSTATS, INVOCATIONS,
      RunLock.FILE, CHECKPOINTS, TENSORBOARD, PLOTS);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final RunFiles files;
  private final boolean createdDir;
  private final boolean createdLock;
  private final boolean failedStartLeft;
  private RunLock lock;

  private RunDirectory(Path dir, int keep, boolean createdDir, boolean createdLock,
      boolean failedStartLeft, RunLock lock) {
    this.dir = dir;
    this.files = new RunFiles(dir, keep);
    this.createdDir = createdDir;
    this.createdLock = createdLock;
    this.failedStartLeft = failedStartLeft;
    this.lock = lock;
  }

  /**
   * Takes {@code dir} for a new run: it may be absent, empty, or hold only a start that never
   * wrote a checkpoint.
   *
   * @throws IllegalArgumentException for a file, a folder holding something else, or a run
   * @throws IllegalStateException when another process holds the lock
   * @throws IOException one line, when the folder cannot be created or written
   */
  static RunDirectory forNewRun(Path dir, int keep) throws IOException {
    boolean exists = Files.exists(dir);
    if (exists && !Files.isDirectory(dir)) {
      throw new IllegalArgumentException("--run-dir " + dir + " is a file, not a directory;"
          + " give the path of a folder to create");
    }
    boolean failedStart = false;
    if (exists) {
      List<String> names = names(dir);
      for (String name : names) {
        if (!RUN_FILES.contains(name) && !isTemporary(name)) {
          throw new IllegalArgumentException("run directory " + dir + " is not empty (it holds "
              + name + "); give another --run-dir, or add --resume to continue a run there");
        }
      }
      Path checkpoint = new RunFiles(dir).newestCheckpointOrNull();
      if (checkpoint != null) {
        throw new IllegalArgumentException("run directory " + dir + " holds a run ("
            + checkpoint.getFileName() + "); add --resume to continue it, or give another"
            + " --run-dir");
      }
      failedStart = names.stream().anyMatch(n -> !n.equals(RunLock.FILE));
    } else {
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new IOException(Disk.describe("create the run directory", dir, e), e);
      }
    }
    return locked(dir, keep, !exists, failedStart);
  }

  /**
   * Takes the directory of an earlier run to resume it.
   *
   * @throws IllegalArgumentException when it is not a run directory or holds no checkpoint
   * @throws IllegalStateException when another process holds the lock
   */
  static RunDirectory forResume(Path dir, int keep) throws IOException {
    if (!Files.isRegularFile(dir.resolve(CONFIG))) {
      throw new IllegalArgumentException("--resume: " + dir + " is not a run directory (no "
          + CONFIG + "); give the --run-dir of an earlier ./ample train");
    }
    RunDirectory run = locked(dir, keep, false, false);
    if (run.files.newestCheckpointOrNull() == null) {
      run.close();
      throw new IllegalArgumentException("--resume: " + dir + " has no checkpoint: its run stopped"
          + " before the first one, so there is nothing to continue; start it afresh by leaving"
          + " out --resume (the same --run-dir is accepted)");
    }
    return run;
  }

  private static RunDirectory locked(Path dir, int keep, boolean createdDir, boolean failedStart)
      throws IOException {
    boolean createdLock = !Files.exists(dir.resolve(RunLock.FILE));
    RunLock lock;
    try {
      lock = RunLock.acquire(dir);
    } catch (IOException | RuntimeException e) {
      if (createdDir) {
        AtomicFile.deleteQuietly(dir.resolve(RunLock.FILE));
        AtomicFile.deleteQuietly(dir);
      }
      throw e;
    }
    return new RunDirectory(dir, keep, createdDir, createdLock, failedStart, lock);
  }

  Path dir() {
    return dir;
  }

  RunFiles files() {
    return files;
  }

  Path file(String name) {
    return dir.resolve(name);
  }

  /** Whether a failed start was found here (its files are replaced by {@link #beginNew}). */
  boolean failedStartLeft() {
    return failedStartLeft;
  }

  /**
   * The new run has started: a failed start's files are removed, then {@code config.conf} and
   * {@code checkpoints/} written and the invocation logged.
   */
  void beginNew(String config, ObjectNode invocation) throws IOException {
    for (String name : List.of(CONFIG, METRICS, GRADSTATS)) {
      delete(dir.resolve(name));
    }
    for (String folder : List.of(TENSORBOARD, PLOTS)) {
      deleteTree(dir.resolve(folder));
    }
    removeTemporaries();
    Path checkpoints = dir.resolve(CHECKPOINTS);
    try {
      Files.createDirectories(checkpoints);
    } catch (IOException e) {
      throw new IOException(Disk.describe("create", checkpoints, e), e);
    }
    writeConfigAndInvocation(config, invocation);
  }

  /**
   * The resumed run has started from {@code from}: damaged checkpoints newer than it are renamed
   * {@code *.damaged}, the logs (TensorBoard's events too) cut back to what it covers, {@code
   * config.conf} replaced by the configuration the run continues with, and the invocation logged.
   *
   * @return one note per file that was changed, for the console
   */
  List<String> beginResumed(Checkpoint from, List<Path> damaged, String config,
      ObjectNode invocation) throws IOException {
    List<String> notes = new ArrayList<>();
    removeTemporaries();
    for (Path file : damaged) {
      Path aside = file.resolveSibling(file.getFileName() + ".damaged");
      try {
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new IOException(Disk.describe("move aside", file, e), e);
      }
      notes.add("moved the damaged " + file.getFileName() + " aside as " + aside.getFileName());
    }
    Progress p = from.progress();
    JsonLines.Cut metrics = JsonLines.cutBack(dir.resolve(METRICS),
        line -> line.path("iteration").asLong(Long.MAX_VALUE) <= p.iteration());
    note(notes, METRICS, metrics, "iteration " + p.iteration());
    JsonLines.Cut gradstats = JsonLines.cutBack(dir.resolve(GRADSTATS),
        line -> line.path("step").asLong(Long.MAX_VALUE) <= p.optimizerSteps());
    note(notes, GRADSTATS, gradstats, "optimizer step " + p.optimizerSteps());
    EventFiles.Cut events = EventFiles.cutBack(dir.resolve(TENSORBOARD), p.agentSteps());
    if (events.changed()) {
      notes.add(TENSORBOARD + "/ events cut back to agent step " + p.agentSteps() + ", the"
          + " checkpoint's (" + events.dropped() + " later event" + (events.dropped() == 1 ? ""
          : "s") + " dropped" + (events.partialRecord() ? ", and a record cut off mid-write" : "")
          + ")");
    }
    writeConfigAndInvocation(config, invocation);
    return notes;
  }

  private static void note(List<String> notes, String log, JsonLines.Cut cut, String upTo) {
    if (cut.changed()) {
      notes.add(log + " cut back to " + upTo + ", the checkpoint's (" + cut.dropped()
          + " later line" + (cut.dropped() == 1 ? "" : "s") + " dropped"
          + (cut.partialLine() ? ", and a last line cut off mid-write" : "") + ")");
    }
  }

  private void writeConfigAndInvocation(String config, ObjectNode invocation) throws IOException {
    AtomicFile.write(dir.resolve(CONFIG), config.getBytes(StandardCharsets.UTF_8));
    try (JsonLines log = JsonLines.append(dir.resolve(INVOCATIONS))) {
      log.write(List.of(JSON.writeValueAsString(invocation)));
    }
  }

  /** Leftovers of a process that died mid-write; the lock says no one else is writing them. */
  private void removeTemporaries() throws IOException {
    for (Path folder : List.of(dir, dir.resolve(CHECKPOINTS), dir.resolve(TENSORBOARD))) {
      if (Files.isDirectory(folder)) {
        for (String name : names(folder)) {
          if (isTemporary(name)) {
            delete(folder.resolve(name));
          }
        }
      }
    }
  }

  /**
   * A start that failed or was interrupted: the lock is released, and what this start created
   * (the directory, or the lock file in a directory that had none) is removed, so the directory
   * is as it was.
   */
  void abandon() {
    try {
      close();
    } catch (IOException ignored) {
      // The OS releases the lock with the process anyway.
    }
    if (createdDir || createdLock) {
      AtomicFile.deleteQuietly(dir.resolve(RunLock.FILE));
    }
    if (createdDir) {
      AtomicFile.deleteQuietly(dir);
    }
  }

  /** Whether {@link #abandon} removes the directory (this start created it). */
  boolean createdByThisStart() {
    return createdDir;
  }

  private static boolean isTemporary(String name) {
    return name.endsWith(".tmp");
  }

  private static List<String> names(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new IOException(Disk.describe("list", folder, e), e);
    }
  }

  private static void deleteTree(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return;
    }
    try (Stream<Path> s = Files.walk(folder)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        delete(p);
      }
    } catch (IOException e) {
      throw new IOException(Disk.describe("remove", folder, e), e);
    }
  }

  private static void delete(Path file) throws IOException {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new IOException(Disk.describe("remove", file, e), e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (lock != null) {
      RunLock held = lock;
      lock = null;
      held.close();
    }
  }
}
