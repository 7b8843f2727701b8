// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import com.google.protobuf.CodedOutputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A TensorBoard event file: TFRecord records (little-endian uint64 length, masked CRC32C of those
 * 8 bytes, the data, masked CRC32C of the data) around serialized {@code tensorboard.Event}
 * protos, the first holding {@code file_version = "brain.Event:2"}.
 *
 * <p>The protos are written field by field (no protoc step), with the field numbers of
 * TensorBoard's {@code tensorboard/compat/proto/event.proto} and {@code summary.proto}:
 * {@code Event} wall_time = 1 (double), step = 2 (int64), file_version = 3 (string), summary = 5;
 * {@code Summary} value = 1 (repeated); {@code Summary.Value} tag = 1 (string), simple_value = 2
 * (float).
 */
final class EventFileWriter implements Closeable {
  static final String FILE_VERSION = "brain.Event:2";

  private static final int EVENT_WALL_TIME = 1;
  private static final int EVENT_STEP = 2;
  private static final int EVENT_FILE_VERSION = 3;
  private static final int EVENT_SUMMARY = 5;
  private static final int SUMMARY_VALUE = 1;
  private static final int VALUE_TAG = 1;
  private static final int VALUE_SIMPLE_VALUE = 2;
  /** TFRecord's CRC mask constant (tensorflow/core/lib/hash/crc32c.h). */
  private static final int MASK_DELTA = 0xa282ead8;

  private final Path file;
  private final OutputStream out;

  /** Creates {@code file} (it must not exist) and writes the file-version record. */
  EventFileWriter(Path file) throws IOException {
    this.file = file;
    this.out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE));
    writeRecord(event(nowSeconds(), 0, (fields) -> fields.writeString(EVENT_FILE_VERSION,
        FILE_VERSION)));
  }

  Path file() {
    return file;
  }

  /** One event at {@code step} holding a scalar ({@code simple_value}) per tag. */
  void writeScalars(long step, Map<String, Double> valuesByTag) throws IOException {
    ByteArrayOutputStream summary = new ByteArrayOutputStream();
    CodedOutputStream s = CodedOutputStream.newInstance(summary);
    for (Map.Entry<String, Double> e : valuesByTag.entrySet()) {
      s.writeByteArray(SUMMARY_VALUE, message((v) -> {
        v.writeString(VALUE_TAG, e.getKey());
        v.writeFloat(VALUE_SIMPLE_VALUE, e.getValue().floatValue());
      }));
    }
    s.flush();
    writeRecord(event(nowSeconds(), step,
        (fields) -> fields.writeByteArray(EVENT_SUMMARY, summary.toByteArray())));
  }

  void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  /** TensorBoard's masked CRC32C: rotate right by 15 bits, then add {@link #MASK_DELTA}. */
  static int maskedCrc32c(byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + MASK_DELTA;
  }

  private void writeRecord(byte[] data) throws IOException {
    out.write(frame(data));
  }

  /** One TFRecord: the length, its masked CRC, the data, its masked CRC. */
  static byte[] frame(byte[] data) {
    byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(data.length).array();
    return ByteBuffer.allocate(16 + data.length).order(ByteOrder.LITTLE_ENDIAN)
        .put(length).putInt(maskedCrc32c(length)).put(data).putInt(maskedCrc32c(data)).array();
  }

  private static byte[] event(double wallTime, long step, Fields what) throws IOException {
    return message((e) -> {
      e.writeDouble(EVENT_WALL_TIME, wallTime);
      e.writeInt64(EVENT_STEP, step);
      what.write(e);
    });
  }

  private static byte[] message(Fields fields) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream c = CodedOutputStream.newInstance(bytes);
    fields.write(c);
    c.flush();
    return bytes.toByteArray();
  }

  private static double nowSeconds() {
    return System.currentTimeMillis() / 1000.0;
  }

  @FunctionalInterface
  private interface Fields {
    void write(CodedOutputStream out) throws IOException;
  }
}
