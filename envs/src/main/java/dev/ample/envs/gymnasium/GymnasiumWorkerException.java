// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.gymnasium;

/**
 * A Gymnasium worker could not be started or stopped answering. The message is one line: the
 * cause, then the fix.
 */
public final class GymnasiumWorkerException extends IllegalStateException {

  /** What went wrong. */
  public enum Kind {
    /** The Python interpreter could not be run. */
    MISSING_INTERPRETER,
    /** A Python package (py4j, gymnasium, ale-py, numpy) is not importable. */
    MISSING_PACKAGE,
    /** The env id or its options cannot be served (unknown id, non-discrete actions, ...). */
    BAD_ENV,
    /** The worker did not report ready within the start timeout. */
    START_TIMEOUT,
    /** A call to a running worker did not return within the step timeout. */
    STEP_TIMEOUT,
    /** The worker process exited. */
    CRASHED,
    /** The worker's Python code raised an exception (a bug or bad input, not a lost worker). */
    PYTHON_ERROR
  }

  private final Kind kind;

  public GymnasiumWorkerException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public GymnasiumWorkerException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  /** Whether the worker process is gone (hung and killed, or dead), so a restart could help. */
  public boolean workerLost() {
    return kind == Kind.STEP_TIMEOUT || kind == Kind.CRASHED;
  }
}
