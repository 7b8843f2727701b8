// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ample.learner.PpoLearner;
import dev.ample.learner.io.AtomicFile;
import dev.ample.learner.io.Disk;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * One checkpoint, one file ({@code checkpoints/iter-NNNNNN.ckpt}): everything a run needs to
 * continue exactly, which is the learner's state ({@link PpoLearner#saveState}: parameters,
 * optimizer state, iteration and step counts), the run's {@link Progress} (counters, wall time,
 * the last 100 episodes, the decay clock) and the {@link NetworkIdentity} the parameters fit. The
 * random streams need no state: the minibatch shuffles are a function of the seed and the
 * iteration, and a resumed rollout is seeded from the seed and the agent steps taken.
 *
 * <p>Format version 2, big-endian:
 *
 * <pre>
 *   16 bytes  "AMPLE-CHECKPOINT"
 *   int       format version (2)
 *   long      content length in bytes
 *   int       CRC32C of the content
 *   content   int n, then n bytes of UTF-8 JSON {"identity": {...}, "progress": {...}},
 *             then the learner's state to the end
 * </pre>
 *
 * <p>{@link #read} checks the length and the checksum before decoding anything, so a truncated,
 * empty or altered file is one line naming it ({@link Damaged}), never a half-loaded learner.
 * Version 1 files (ample before this format: {@code iter-N.ckpt} with {@code iter-N.json} beside
 * it) are refused with a message saying so.
 */
final class Checkpoint {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] MAGIC = "AMPLE-CHECKPOINT".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 2;
  private static final int HEADER_BYTES = MAGIC.length + 4 + 8 + 4;
  /** How version 1's learner state began: DataOutputStream.writeUTF("ample-ppo-learner"). */
  private static final byte[] VERSION_1_START = "\0\u0011ample-ppo-learner".getBytes(
      StandardCharsets.US_ASCII);

  /** A checkpoint file that cannot be trusted: truncated, altered, or not a checkpoint. */
  static final class Damaged extends IllegalArgumentException {
    private final transient Path file;

    Damaged(Path file, String why) {
      super("checkpoint " + file + " is damaged: " + why);
      this.file = file;
    }

    Path file() {
      return file;
    }
  }

  private final Path file;
  private final NetworkIdentity identity;
  private final Progress progress;
  private final byte[] bytes;
  private final int learnerStart;

  private Checkpoint(Path file, NetworkIdentity identity, Progress progress, byte[] bytes,
      int learnerStart) {
    this.file = file;
    this.identity = identity;
    this.progress = progress;
    this.bytes = bytes;
    this.learnerStart = learnerStart;
  }

  Path file() {
    return file;
  }

  NetworkIdentity identity() {
    return identity;
  }

  Progress progress() {
    return progress;
  }

  /**
   * Writes a checkpoint of the learner as it stands, replacing {@code file} atomically ({@link
   * AtomicFile}).
   *
   * @throws IOException one line naming the file and the cause; no {@code .tmp} is left
   */
  static void write(Path file, NetworkIdentity identity, Progress progress, PpoLearner learner)
      throws IOException {
    ObjectNode header = JSON.createObjectNode();
    identity.write(header.putObject("identity"));
    progress.write(header.putObject("progress"));
    byte[] json = JSON.writeValueAsBytes(header);
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(HEADER_BYTES + json.length + 4096);
    buffer.write(new byte[HEADER_BYTES]); // filled in below, once the content is known
    DataOutputStream content = new DataOutputStream(buffer);
    content.writeInt(json.length);
    content.write(json);
    learner.saveState(content);
    byte[] bytes = buffer.toByteArray();
    int length = bytes.length - HEADER_BYTES;
    CRC32C crc = new CRC32C();
    crc.update(bytes, HEADER_BYTES, length);
    ByteBuffer.wrap(bytes).put(MAGIC).putInt(VERSION).putLong(length).putInt((int) crc.getValue());
    AtomicFile.write(file, bytes);
  }

  /**
   * Reads and verifies a checkpoint; the learner's state is decoded only by {@link #restore}.
   *
   * @throws Damaged for a file that is truncated, altered or not a checkpoint of this format
   * @throws IllegalArgumentException (one line) for a file that cannot be read
   */
  static Checkpoint read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(Disk.describe("read", file, e), e);
    }
    if (startsWith(bytes, VERSION_1_START)) {
      throw new IllegalArgumentException("checkpoint " + file + " is in the format of an earlier"
          + " ample (iter-N.ckpt with iter-N.json beside it), which this version does not read:"
          + " finish that run with the ample that started it, or start a new run");
    }
    if (bytes.length < HEADER_BYTES) {
      throw new Damaged(file, bytes.length == 0 ? "the file is empty"
          : "it holds " + bytes.length + " bytes, less than a checkpoint's header");
    }
    if (!startsWith(bytes, MAGIC)) {
      throw new Damaged(file, "it does not start as an ample checkpoint");
    }
    ByteBuffer header = ByteBuffer.wrap(bytes, MAGIC.length, HEADER_BYTES - MAGIC.length);
    int version = header.getInt();
    if (version != VERSION) {
      throw new Damaged(file, "its format version is " + version + ", this ample reads version "
          + VERSION + " (altered on disk, or written by a newer ample)");
    }
    long length = header.getLong();
    int checksum = header.getInt();
    if (length != bytes.length - HEADER_BYTES) {
      throw new Damaged(file, "its content is " + (bytes.length - HEADER_BYTES) + " bytes, the"
          + " header says " + length + " (cut short or appended to)");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, HEADER_BYTES, (int) length);
    if ((int) crc.getValue() != checksum) {
      throw new Damaged(file, "its checksum does not match its content (altered on disk)");
    }
    ByteBuffer content = ByteBuffer.wrap(bytes, HEADER_BYTES, (int) length);
    int jsonLength = content.getInt();
    JsonNode json;
    try {
      json = JSON.readTree(bytes, content.position(), jsonLength);
      return new Checkpoint(file, NetworkIdentity.read(json.get("identity")),
          Progress.read(json.get("progress")), bytes, content.position() + jsonLength);
    } catch (IOException | RuntimeException e) {
      // The checksum matched, so this file was written so: by a build with another layout.
      throw new IllegalArgumentException("checkpoint " + file + " has a header this ample cannot"
          + " read (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Loads the learner's state into {@code learner}, after checking that the checkpoint fits
   * {@code config}'s env and network ({@link NetworkIdentity#requireFits}).
   */
  void restore(PpoLearner learner, NetworkIdentity config) {
    identity.requireFits(config, file);
    try {
      learner.loadState(new ByteArrayInputStream(bytes, learnerStart, bytes.length - learnerStart));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot load checkpoint " + file + ": " + e.getMessage(),
          e);
    }
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
