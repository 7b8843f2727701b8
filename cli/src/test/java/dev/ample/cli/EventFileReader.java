// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a TensorBoard event file back for tests, independently of {@link EventFileWriter}: the
 * TFRecord framing with both CRCs of every record checked, and each {@code Event} decoded with
 * protobuf's {@link CodedInputStream} by the field numbers of TensorBoard's event.proto and
 * summary.proto.
 */
final class EventFileReader {

  /** One decoded event: wall_time, step, file_version (or null) and its summary's scalars. */
  record Event(double wallTime, long step, String fileVersion, List<Scalar> scalars) {}

  record Scalar(String tag, float value) {}

  private EventFileReader() {}

  static List<Event> read(Path file) throws IOException {
    ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    List<Event> events = new ArrayList<>();
    while (in.hasRemaining()) {
      byte[] length = new byte[8];
      in.get(length);
      assertEquals(masked(length), in.getInt(), "length CRC of record " + events.size());
      long n = ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getLong();
      assertTrue(n >= 0 && n <= in.remaining() - 4, "record " + events.size() + " length " + n);
      byte[] data = new byte[(int) n];
      in.get(data);
      assertEquals(masked(data), in.getInt(), "data CRC of record " + events.size());
      events.add(decodeEvent(data));
    }
    return events;
  }

  /**
   * TFRecord's masked CRC32C, computed here bit by bit (reflected polynomial 0x82F63B78) rather
   * than with the JDK's CRC32C that the writer uses.
   */
  static int masked(byte[] data) {
    int crc = 0xFFFFFFFF;
    for (byte b : data) {
      crc ^= b & 0xFF;
      for (int k = 0; k < 8; k++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82F63B78 : crc >>> 1;
      }
    }
    crc = ~crc;
    return Integer.rotateRight(crc, 15) + 0xa282ead8;
  }

  private static Event decodeEvent(byte[] data) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(data);
    double wallTime = 0;
    long step = 0;
    String fileVersion = null;
    List<Scalar> scalars = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag >>> 3) {
        case 1 -> wallTime = in.readDouble();
        case 2 -> step = in.readInt64();
        case 3 -> fileVersion = in.readString();
        case 5 -> scalars.addAll(decodeSummary(in.readByteArray()));
        default -> in.skipField(tag);
      }
    }
    return new Event(wallTime, step, fileVersion, scalars);
  }

  private static List<Scalar> decodeSummary(byte[] summary) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(summary);
    List<Scalar> values = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag >>> 3 != 1) { // Summary.value
        in.skipField(tag);
        continue;
      }
      CodedInputStream value = CodedInputStream.newInstance(in.readByteArray());
      String name = null;
      float simpleValue = Float.NaN;
      for (int t = value.readTag(); t != 0; t = value.readTag()) {
        switch (t >>> 3) {
          case 1 -> name = value.readString();
          case 2 -> simpleValue = value.readFloat();
          default -> value.skipField(t);
        }
      }
      values.add(new Scalar(name, simpleValue));
    }
    return values;
  }

  /** The single event file in {@code dir}. */
  static Path onlyFile(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      List<Path> all = files.toList();
      assertEquals(1, all.size(), "event files in " + dir + ": " + all);
      assertTrue(all.get(0).getFileName().toString().startsWith("events.out.tfevents."),
          all.get(0).toString());
      return all.get(0);
    }
  }
}
