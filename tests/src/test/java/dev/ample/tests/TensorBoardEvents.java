// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A run's {@code tb/} event files read back independently of the writer: TFRecord framing (the
 * length and data each followed by a 4-byte CRC, not checked here: a bad frame shows as a parse
 * failure) around {@code tensorboard.Event} protos, decoded with the field numbers of
 * TensorBoard's {@code event.proto} and {@code summary.proto}. As TensorBoard does, the files are
 * read in name order, each scalar's points concatenated.
 */
final class TensorBoardEvents {
  private TensorBoardEvents() {}

  /** One scalar point. */
  record Point(long step, float value) {}

  /** Every scalar tag's points over all event files in {@code tb}, in reading order. */
  static Map<String, List<Point>> scalars(Path tb) throws IOException {
    Map<String, List<Point>> byTag = new LinkedHashMap<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(tb)) {
      files = s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents."))
          .sorted().toList();
    }
    for (Path file : files) {
      ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
      while (b.hasRemaining()) {
        int length = (int) b.getLong();
        b.getInt();
        byte[] event = new byte[length];
        b.get(event);
        b.getInt();
        readEvent(event, byTag);
      }
    }
    return byTag;
  }

  /** Asserts that every tag's steps strictly increase: no point twice, none out of order. */
  static void assertOneCurvePerTag(Map<String, List<Point>> scalars) {
    assertTrue(!scalars.isEmpty(), "some scalars");
    scalars.forEach((tag, points) -> {
      for (int i = 1; i < points.size(); i++) {
        assertTrue(points.get(i).step() > points.get(i - 1).step(),
            tag + ": steps strictly increasing, got " + points.get(i - 1).step() + " then "
                + points.get(i).step());
      }
    });
  }

  /** The values of {@code tag}, e.g. {@code time/iteration}. */
  static List<Float> values(Map<String, List<Point>> scalars, String tag) {
    List<Float> out = new ArrayList<>();
    scalars.getOrDefault(tag, List.of()).forEach(p -> out.add(p.value()));
    return out;
  }

  private static void readEvent(byte[] event, Map<String, List<Point>> byTag) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(event);
    long step = 0;
    List<byte[]> values = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 2 -> step = in.readInt64();
        case 5 -> {
          CodedInputStream summary = CodedInputStream.newInstance(in.readByteArray());
          for (int t = summary.readTag(); t != 0; t = summary.readTag()) {
            if (WireFormat.getTagFieldNumber(t) == 1) {
              values.add(summary.readByteArray());
            } else {
              summary.skipField(t);
            }
          }
        }
        default -> in.skipField(tag);
      }
    }
    for (byte[] v : values) {
      CodedInputStream value = CodedInputStream.newInstance(v);
      String name = null;
      float simple = Float.NaN;
      for (int t = value.readTag(); t != 0; t = value.readTag()) {
        switch (WireFormat.getTagFieldNumber(t)) {
          case 1 -> name = value.readString();
          case 2 -> simple = value.readFloat();
          default -> value.skipField(t);
        }
      }
      assertEquals(false, name == null, "a Summary.Value has a tag");
      byTag.computeIfAbsent(name, k -> new ArrayList<>()).add(new Point(step, simple));
    }
  }
}
