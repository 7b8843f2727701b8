// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.gymnasium;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the Gymnasium backend runs its Python worker processes ({@code env.backend = gymnasium}).
 *
 * @param python Python interpreter: a command on the PATH or a path. Default {@code python3}, or
 *     the {@code AMPLE_PYTHON} environment variable when set. It needs the packages {@code py4j},
 *     {@code gymnasium} and, for {@code ALE/...} ids, {@code ale-py}.
 * @param pythonPath extra entries put in front of the worker's {@code PYTHONPATH} (for packages
 *     outside the interpreter's site-packages); may be empty
 * @param startTimeout longest wait for a worker to import its packages, make its envs and report
 *     ready; a slower worker is killed and reported
 * @param stepTimeout longest wait for any one call to a running worker (reset, one vector step);
 *     a worker that takes longer is considered hung and killed
 * @param onFailure what to do when a worker hangs or dies: {@link FailurePolicy#RESTART} or {@link
 *     FailurePolicy#FAIL}
 * @param maxRestarts restarts allowed per vector env over its lifetime under {@code RESTART}; the
 *     next failure after that is reported as under {@code FAIL}
 * @param workerScript the worker script to run instead of the bundled {@code ample_gym_worker.py}
 *     (for development and tests), or null for the bundled one
 */
public record GymnasiumSettings(
    String python,
    List<Path> pythonPath,
    Duration startTimeout,
    Duration stepTimeout,
    FailurePolicy onFailure,
    int maxRestarts,
    Path workerScript) {

  /** What to do when a worker process hangs (no answer within the step timeout) or dies. */
  public enum FailurePolicy {
    /**
     * Kill it, start a new worker, make the envs again and reset them with the seeds of the last
     * {@code reset}; every env's episode is reported as truncated on that step.
     */
    RESTART,
    /** Kill it and throw an {@link IllegalStateException} that names the cause. */
    FAIL
  }

  public GymnasiumSettings {
    Objects.requireNonNull(python, "python");
    pythonPath = List.copyOf(pythonPath);
    Objects.requireNonNull(startTimeout, "startTimeout");
    Objects.requireNonNull(stepTimeout, "stepTimeout");
    Objects.requireNonNull(onFailure, "onFailure");
    if (startTimeout.isNegative() || startTimeout.isZero() || stepTimeout.isNegative()
        || stepTimeout.isZero()) {
      throw new IllegalArgumentException("Gymnasium timeouts must be positive");
    }
    if (maxRestarts < 0) {
      throw new IllegalArgumentException("maxRestarts must be >= 0, got " + maxRestarts);
    }
  }

  /**
   * Defaults: interpreter from {@code AMPLE_PYTHON} or {@code python3}, no extra path, start
   * timeout 120 s, step timeout 60 s, RESTART up to 3 times.
   */
  public static GymnasiumSettings defaults() {
    String fromEnv = System.getenv("AMPLE_PYTHON");
    String python = fromEnv == null || fromEnv.isBlank() ? "python3" : fromEnv;
    return new GymnasiumSettings(
        python,
        List.of(),
        Duration.ofSeconds(120),
        Duration.ofSeconds(60),
        FailurePolicy.RESTART,
        3,
        null);
  }

  public GymnasiumSettings withPython(String value) {
    return new GymnasiumSettings(
        value, pythonPath, startTimeout, stepTimeout, onFailure, maxRestarts, workerScript);
  }

  public GymnasiumSettings withPythonPath(List<Path> value) {
    return new GymnasiumSettings(
        python, value, startTimeout, stepTimeout, onFailure, maxRestarts, workerScript);
  }

  public GymnasiumSettings withStartTimeout(Duration value) {
    return new GymnasiumSettings(
        python, pythonPath, value, stepTimeout, onFailure, maxRestarts, workerScript);
  }

  public GymnasiumSettings withStepTimeout(Duration value) {
    return new GymnasiumSettings(
        python, pythonPath, startTimeout, value, onFailure, maxRestarts, workerScript);
  }

  public GymnasiumSettings withOnFailure(FailurePolicy value) {
    return new GymnasiumSettings(
        python, pythonPath, startTimeout, stepTimeout, value, maxRestarts, workerScript);
  }

  public GymnasiumSettings withMaxRestarts(int value) {
    return new GymnasiumSettings(
        python, pythonPath, startTimeout, stepTimeout, onFailure, value, workerScript);
  }

  public GymnasiumSettings withWorkerScript(Path value) {
    return new GymnasiumSettings(
        python, pythonPath, startTimeout, stepTimeout, onFailure, maxRestarts, value);
  }

  /**
   * Whether a worker failure may be answered by restarting the worker: only a lost worker (crashed
   * or hung, not an exception inside the env), only under {@link FailurePolicy#RESTART}, and only
   * while fewer than {@code maxRestarts} restarts have been made.
   */
  boolean mayRestartAfter(GymnasiumWorkerException failure, int restartsSoFar) {
    return failure.workerLost() && onFailure == FailurePolicy.RESTART && restartsSoFar < maxRestarts;
  }
}
