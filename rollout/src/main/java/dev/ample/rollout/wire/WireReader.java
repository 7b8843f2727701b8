// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads a little-endian message and checks every length against the bytes left before it
 * allocates, so that a truncated or corrupt buffer fails with one {@link WireFormatException}
 * naming the message and field, never an OutOfMemoryError or a silent misread.
 */
final class WireReader {

  private final ByteBuffer buffer;
  private final String message;

  WireReader(byte[] bytes, int offset, String message) {
    this.buffer = ByteBuffer.wrap(bytes, offset, bytes.length - offset)
        .slice().order(ByteOrder.LITTLE_ENDIAN);
    this.message = message;
  }

  /** Fails unless {@code bytes} more bytes are left, for {@code field}. */
  void need(long bytes, String field) throws WireFormatException {
    if (bytes > buffer.remaining()) {
      throw new WireFormatException(message + " is truncated: " + field + " needs " + bytes
          + " bytes, " + buffer.remaining() + " are left of " + buffer.capacity());
    }
  }

  /** A count in {@code min..max}; a corrupt count fails here, before anything is allocated. */
  int count(String field, int min, long max) throws WireFormatException {
    int n = getInt(field);
    if (n < min || n > max) {
      throw new WireFormatException(message + " has " + field + " = " + n + ", outside " + min
          + ".." + max + "; the buffer is corrupt");
    }
    return n;
  }

  byte getByte(String field) throws WireFormatException {
    need(1, field);
    return buffer.get();
  }

  boolean getBoolean(String field) throws WireFormatException {
    byte b = getByte(field);
    if (b != 0 && b != 1) {
      throw new WireFormatException(message + " has " + field + " = " + b + ", not a boolean");
    }
    return b == 1;
  }

  int getInt(String field) throws WireFormatException {
    need(4, field);
    return buffer.getInt();
  }

  long getLong(String field) throws WireFormatException {
    need(8, field);
    return buffer.getLong();
  }

  float getFloat(String field) throws WireFormatException {
    return Float.intBitsToFloat(getInt(field));
  }

  double getDouble(String field) throws WireFormatException {
    return Double.longBitsToDouble(getLong(field));
  }

  String getString(String field) throws WireFormatException {
    int n = count(field + " length", 0, Integer.MAX_VALUE);
    need(n, field);
    byte[] utf8 = new byte[n];
    buffer.get(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }

  void getBytes(byte[] target, int offset, int length, String field) throws WireFormatException {
    need(length, field);
    buffer.get(target, offset, length);
  }

  boolean[] getBooleans(int n, String field) throws WireFormatException {
    need(n, field);
    boolean[] a = new boolean[n];
    for (int k = 0; k < n; k++) {
      a[k] = getBoolean(field);
    }
    return a;
  }

  int[] getInts(int n, String field) throws WireFormatException {
    need(4L * n, field);
    int[] a = new int[n];
    buffer.asIntBuffer().get(a);
    buffer.position(buffer.position() + 4 * n);
    return a;
  }

  long[] getLongs(int n, String field) throws WireFormatException {
    need(8L * n, field);
    long[] a = new long[n];
    buffer.asLongBuffer().get(a);
    buffer.position(buffer.position() + 8 * n);
    return a;
  }

  float[] getFloats(int n, String field) throws WireFormatException {
    need(4L * n, field);
    float[] a = new float[n];
    buffer.asFloatBuffer().get(a);
    buffer.position(buffer.position() + 4 * n);
    return a;
  }

  int remaining() {
    return buffer.remaining();
  }

  /** Fails when bytes are left over: the buffer is longer than the message it claims to hold. */
  void finish() throws WireFormatException {
    if (buffer.hasRemaining()) {
      throw new WireFormatException(message + " is oversized: " + buffer.remaining()
          + " bytes are left after the message's " + buffer.position());
    }
  }
}
