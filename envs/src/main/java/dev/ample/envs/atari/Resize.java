// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.atari;

import java.util.Locale;

/**
 * Resizes grayscale frames of one fixed size to another, optionally after the pixel-wise max of
 * two frames (the Atari flicker max-pool). An instance may remember the last frame to skip
 * unchanged work, so keep one per emulator; results never depend on what it remembered. Not thread
 * safe.
 */
public sealed interface Resize permits AreaResize, BilinearResize {

  /** Resizes {@code src} (srcH x srcW at srcOff) into {@code dst} (dstH x dstW at dstOff). */
  default void resize(byte[] src, int srcOff, byte[] dst, int dstOff) {
    maxThenResize(src, srcOff, src, srcOff, dst, dstOff);
  }

  /** Resizes the pixel-wise max of {@code a} and {@code b} into {@code dst}. */
  void maxThenResize(byte[] a, int aOff, byte[] b, int bOff, byte[] dst, int dstOff);

  /** The interpolation, as {@code env.atari.resize} names it. */
  enum Method {
    /** Area averaging, OpenCV's {@code INTER_AREA} within one grey level ({@link AreaResize}). */
    AREA,
    /** OpenCV's {@code INTER_LINEAR} on 8-bit frames, bit-exact ({@link BilinearResize}). */
    BILINEAR;

    /** A resize of {@code srcH x srcW} frames to {@code dstH x dstW}. */
    public Resize create(int srcH, int srcW, int dstH, int dstW) {
      return switch (this) {
        case AREA -> new AreaResize(srcH, srcW, dstH, dstW);
        case BILINEAR -> new BilinearResize(srcH, srcW, dstH, dstW);
      };
    }

    /** As {@code env.atari.resize} spells it. */
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The method named {@code area} or {@code bilinear} (any case). */
    public static Method parse(String name) {
      return switch (name.toLowerCase(Locale.ROOT)) {
        case "area" -> AREA;
        case "bilinear" -> BILINEAR;
        default -> throw new IllegalArgumentException("unknown resize '" + name
            + "'; use area (OpenCV INTER_AREA) or bilinear (OpenCV INTER_LINEAR)");
      };
    }
  }
}
