// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ample.learner.PpoLearner;
import dev.ample.optim.RunDecay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A run directory's checkpoints: {@code checkpoints/iter-NNNNNN.ckpt} (parameters and optimizer
 * state, {@link PpoLearner#saveState}) with {@code iter-NNNNNN.json} beside it (the run's {@link
 * Progress}). Both are written to a temporary name and moved into place, checkpoint last, so a
 * crash mid-write never leaves a half checkpoint that looks complete; only the newest {@code keep}
 * are kept.
 */
final class RunFiles {
  private static final ObjectMapper JSON = new ObjectMapper();
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

  void writeCheckpoint(PpoLearner learner, Progress p) throws IOException {
    String stem = String.format("iter-%06d", p.iteration());
    Path json = checkpoints.resolve(stem + ".json");
    Path ckpt = checkpoints.resolve(stem + ".ckpt");
    Path tmpJson = checkpoints.resolve(stem + ".json.tmp");
    Path tmpCkpt = checkpoints.resolve(stem + ".ckpt.tmp");
    ObjectNode node = JSON.createObjectNode();
    node.put("iteration", p.iteration());
    node.put("agent_steps", p.agentSteps());
    node.put("frames", p.frames());
    node.put("episodes", p.episodes());
    node.put("wall_seconds", p.wallSeconds());
    node.putPOJO("recent_returns", p.recentReturns());
    node.putPOJO("recent_lengths", p.recentLengths());
    node.put("optimizer_steps", p.optimizerSteps());
    ObjectNode decay = node.putObject("decay");
    decay.put("from_step", p.decay().fromStep());
    decay.put("from_value", p.decay().fromValue());
    decay.put("end_step", p.decay().endStep());
    Files.writeString(tmpJson, JSON.writeValueAsString(node));
    learner.saveState(tmpCkpt);
    Files.move(tmpJson, json, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Files.move(tmpCkpt, ckpt, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    List<Path> all = list();
    for (int i = 0; i < all.size() - keep; i++) {
      Files.deleteIfExists(all.get(i));
      Files.deleteIfExists(progressFile(all.get(i)));
    }
  }

  /** The newest complete checkpoint, or null when there is none. */
  Path newestCheckpointOrNull() {
    try {
      List<Path> all = list();
      return all.isEmpty() ? null : all.get(all.size() - 1);
    } catch (IOException e) {
      return null;
    }
  }

  Path newestCheckpoint() {
    Path p = newestCheckpointOrNull();
    if (p == null) {
      throw new IllegalArgumentException("no checkpoint in " + checkpoints
          + " (iter-NNNNNN.ckpt); the run stopped before its first one");
    }
    return p;
  }

  Progress readProgress(Path checkpoint) throws IOException {
    Path json = progressFile(checkpoint);
    if (!Files.isRegularFile(json)) {
      throw new IllegalArgumentException("checkpoint " + checkpoint + " has no " + json.getFileName()
          + " beside it; cannot tell where the run stood");
    }
    var node = JSON.readTree(json.toFile());
    List<Double> returns = new ArrayList<>();
    node.get("recent_returns").forEach(v -> returns.add(v.asDouble()));
    List<Integer> lengths = new ArrayList<>();
    node.get("recent_lengths").forEach(v -> lengths.add(v.asInt()));
    var decay = node.get("decay");
    return new Progress(node.get("iteration").asLong(), node.get("agent_steps").asLong(),
        node.get("frames").asLong(), node.get("episodes").asLong(),
        node.get("wall_seconds").asDouble(), returns, lengths,
        node.get("optimizer_steps").asLong(), new RunDecay(decay.get("from_step").asLong(),
            decay.get("from_value").asDouble(), decay.get("end_step").asLong()));
  }

  private static Path progressFile(Path checkpoint) {
    return checkpoint.resolveSibling(
        checkpoint.getFileName().toString().replaceFirst("\\.ckpt$", ".json"));
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
