// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout;

/**
 * A rollout failed: an env threw (for example a dead Python worker), inference failed, or a batch
 * did not arrive in time. The message is one line naming the runner and its envs and the cause;
 * the rollout that threw it is unusable afterwards (close it).
 */
public final class RolloutException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RolloutException(String message, Throwable cause) {
    super(message, cause);
  }

  public RolloutException(String message) {
    super(message);
  }

  /** {@code Class: first line of the message} of a throwable, for one-line reports. */
  public static String describe(Throwable t) {
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      return t.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    return t.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl)).trim();
  }
}
