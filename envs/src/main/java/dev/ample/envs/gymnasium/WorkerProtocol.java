// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.gymnasium;

/**
 * The methods of the Python worker ({@code ample_gym_worker.py}, class {@code Worker}) as Java
 * sees them through Py4J. Every argument and reply is a little-endian byte buffer, which Py4J
 * passes as one value; {@link WireFormat} documents the layouts. Public only because Py4J builds a
 * dynamic proxy for it; not an API.
 */
public interface WorkerProtocol {

  /**
   * Resets env i with {@code seeds[i]} (8 bytes each, which the worker reads as an unsigned 64-bit
   * seed because Gymnasium rejects negative ones); returns the N observations.
   */
  byte[] reset(byte[] seeds);

  /** Steps env i with {@code actions[i]} (int32 each), autoresetting; see {@link WireFormat}. */
  byte[] step(byte[] actions);

  /**
   * Resets the listed ALE emulators (int32 ids) with the given 64-bit seeds (read as unsigned, as
   * in {@link #reset}); returns nothing.
   */
  byte[] atariReset(byte[] envIds, byte[] seeds);

  /** Repeats each listed emulator's action up to {@code repeat} frames; see {@link WireFormat}. */
  byte[] atariAct(byte[] envIds, byte[] actions, int repeat);

  /** Lives left (int32 each) of the listed emulators. */
  byte[] lives(byte[] envIds);

  /** Current grayscale screens (H*W bytes each) of the listed ALE emulators. */
  byte[] screens(byte[] envIds);

  /** Returns its argument: the bridge's round trip without any env work (for benchmarks). */
  byte[] echo(byte[] payload);
}
