// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.ample.learner.io.AtomicFile;
import dev.ample.learner.io.Disk;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reading back the event files {@link EventFileWriter} writes, and cutting a run's {@code tb/}
 * back to a checkpoint on resume.
 *
 * <p>Why cut rather than leave it to TensorBoard: TensorBoard drops the events a restart replays
 * only when the new file carries a {@code SessionLog.START} event ("purge orphaned data", on by
 * default), under its own rules (the first START of a run is ignored, tensorboard#4763; only
 * tensor data is purged), and other readers of event files do not purge at all. Rewriting the
 * files with only the events the checkpoint covers makes {@code tensorboard --logdir} show one
 * uninterrupted curve with any reader, as {@code metrics.jsonl} is cut back.
 */
final class EventFiles {
  private static final String PREFIX = "events.out.tfevents.";

  private EventFiles() {}

  /** One record of an event file: its {@code Event} proto and the step it holds. */
  record Event(byte[] data, long step) {}

  /** What {@link #cutBack} did: events kept, dropped, and whether a file ended mid-record. */
  record Cut(long kept, long dropped, boolean partialRecord) {
    boolean changed() {
      return dropped > 0 || partialRecord;
    }
  }

  /**
   * The whole records of an event file in order; a last record cut off mid-write (a killed run)
   * or one whose checksum does not match ends the list.
   */
  static List<Event> read(Path file) throws IOException {
    return parse(Files.readAllBytes(file)).events();
  }

  /** The event files in {@code dir}, oldest first (their names start with the start time). */
  static List<Path> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith(PREFIX)
              && !p.getFileName().toString().endsWith(".tmp"))
          .sorted().toList();
    }
  }

  /**
   * Rewrites every event file in {@code dir} (atomically, each through a {@code .tmp}) keeping
   * only events at steps up to {@code maxStep}, and the file-version record; files left with
   * nothing but that record are removed.
   */
  static Cut cutBack(Path dir, long maxStep) throws IOException {
    long kept = 0;
    long dropped = 0;
    boolean partial = false;
    for (Path file : list(dir)) {
      Parsed parsed = parse(Files.readAllBytes(file));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int keptHere = 0;
      int scalarsKept = 0;
      for (Event e : parsed.events()) {
        if (e.step() <= maxStep) {
          out.writeBytes(EventFileWriter.frame(e.data()));
          keptHere++;
          scalarsKept += e.step() == 0 && isFileVersion(e.data()) ? 0 : 1;
        }
      }
      long droppedHere = parsed.events().size() - keptHere;
      if (droppedHere == 0 && !parsed.partial()) {
        kept += scalarsKept;
        continue;
      }
      dropped += droppedHere;
      partial |= parsed.partial();
      kept += scalarsKept;
      if (scalarsKept == 0) {
        try {
          Files.delete(file);
        } catch (IOException e) {
          throw new IOException(Disk.describe("remove", file, e), e);
        }
      } else {
        AtomicFile.write(file, out.toByteArray());
      }
    }
    return new Cut(kept, dropped, partial);
  }

  private record Parsed(List<Event> events, boolean partial) {}

  private static Parsed parse(byte[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    List<Event> events = new ArrayList<>();
    while (b.remaining() > 0) {
      if (b.remaining() < 12) {
        return new Parsed(events, true);
      }
      byte[] length = new byte[8];
      b.get(length);
      int lengthCrc = b.getInt();
      long n = ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getLong();
      if (lengthCrc != EventFileWriter.maskedCrc32c(length) || n < 0 || n > b.remaining() - 4) {
        return new Parsed(events, true);
      }
      byte[] data = new byte[(int) n];
      b.get(data);
      if (b.getInt() != EventFileWriter.maskedCrc32c(data)) {
        return new Parsed(events, true);
      }
      events.add(new Event(data, stepOf(data)));
    }
    return new Parsed(events, false);
  }

  /** The {@code step} field (2) of an {@code Event} proto; 0 when absent, as proto3 reads it. */
  private static long stepOf(byte[] event) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(event);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (WireFormat.getTagFieldNumber(tag) == 2
          && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
        return in.readInt64();
      }
      in.skipField(tag);
    }
    return 0;
  }

  private static boolean isFileVersion(byte[] event) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(event);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (WireFormat.getTagFieldNumber(tag) == 3) {
        return true;
      }
      in.skipField(tag);
    }
    return false;
  }


}
