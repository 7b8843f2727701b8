// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.gymnasium;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Python set-up for the Gymnasium tests. Tests that need {@code py4j} + {@code gymnasium} (and
 * {@code ale-py} for Atari) run when the interpreter ({@code AMPLE_PYTHON}, default {@code
 * python3}) can import them, with the extra entries of {@code AMPLE_TEST_PYTHONPATH}
 * (path-separated) in front of its {@code PYTHONPATH}; otherwise they are skipped and the reason is
 * printed on stderr.
 */
final class TestPython {

  private static final ConcurrentHashMap<Boolean, Optional<String>> PROBES =
      new ConcurrentHashMap<>();

  private TestPython() {}

  /** Settings with the test PYTHONPATH and short timeouts. */
  static GymnasiumSettings settings() {
    String extra = System.getenv("AMPLE_TEST_PYTHONPATH");
    List<Path> path =
        extra == null || extra.isBlank()
            ? List.of()
            : Arrays.stream(extra.split(java.io.File.pathSeparator)).map(Path::of).toList();
    return GymnasiumSettings.defaults()
        .withPythonPath(path)
        .withStartTimeout(java.time.Duration.ofSeconds(60))
        .withStepTimeout(java.time.Duration.ofSeconds(20));
  }

  /** Why the Python packages are unusable, or empty when they import. Printed once. */
  static Optional<String> missing(boolean ale) {
    return PROBES.computeIfAbsent(
        ale,
        a -> {
          Optional<String> problem = GymnasiumWorker.probe(settings(), a);
          problem.ifPresent(
              p ->
                  System.err.println(
                      "[gymnasium tests] skipping tests that need "
                          + (a ? "py4j + gymnasium + ale-py" : "py4j + gymnasium")
                          + ": "
                          + p
                          + " (to run them: AMPLE_TEST_PYTHONPATH=<dir with the packages> or"
                          + " AMPLE_PYTHON=<interpreter that has them>)"));
          return problem;
        });
  }

  /** Whether a plain {@code python3} runs at all (for the fake-worker tests). */
  static boolean hasPython3() {
    try {
      Process p = new ProcessBuilder("python3", "-c", "pass").start();
      return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }
}
