// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout.wire;

import java.io.NotSerializableException;

/**
 * A buffer that does not decode as the message its manifest names: truncated, oversized, from
 * another format version, or holding impossible lengths. It is a {@link NotSerializableException}
 * because that is what Akka expects a serializer to throw for a message it cannot read.
 */
public final class WireFormatException extends NotSerializableException {

  private static final long serialVersionUID = 1L;

  WireFormatException(String message) {
    super(message);
  }
}
