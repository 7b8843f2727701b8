// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes a message into a little-endian buffer of the exact size its codec computed beforehand, so
 * that a message of many megabytes is never copied while it grows.
 */
final class WireWriter {

  private final ByteBuffer buffer;

  WireWriter(long size) {
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "a message of " + size + " bytes does not fit one buffer; send smaller fragments");
    }
    buffer = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Bytes a string takes: its UTF-8 length and the bytes. */
  static long size(String s) {
    return 4L + s.getBytes(StandardCharsets.UTF_8).length;
  }

  void putByte(int b) {
    buffer.put((byte) b);
  }

  void putBoolean(boolean b) {
    buffer.put((byte) (b ? 1 : 0));
  }

  void putInt(int v) {
    buffer.putInt(v);
  }

  void putLong(long v) {
    buffer.putLong(v);
  }

  void putFloat(float v) {
    buffer.putInt(Float.floatToRawIntBits(v));
  }

  void putDouble(double v) {
    buffer.putLong(Double.doubleToRawLongBits(v));
  }

  void putString(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    buffer.putInt(utf8.length);
    buffer.put(utf8);
  }

  void putBytes(byte[] a, int offset, int length) {
    buffer.put(a, offset, length);
  }

  void putBooleans(boolean[] a) {
    for (boolean b : a) {
      putBoolean(b);
    }
  }

  void putInts(int[] a) {
    buffer.asIntBuffer().put(a);
    buffer.position(buffer.position() + 4 * a.length);
  }

  void putLongs(long[] a) {
    buffer.asLongBuffer().put(a);
    buffer.position(buffer.position() + 8 * a.length);
  }

  /** Bulk copy; a float view copies raw bits, so NaN payloads cross unchanged. */
  void putFloats(float[] a) {
    buffer.asFloatBuffer().put(a);
    buffer.position(buffer.position() + 4 * a.length);
  }

  /** The written bytes; fails when the codec's size was not what it wrote. */
  byte[] finish() {
    if (buffer.hasRemaining()) {
      throw new IllegalStateException("encoder sized " + buffer.capacity() + " bytes but wrote "
          + buffer.position());
    }
    return buffer.array();
  }
}
