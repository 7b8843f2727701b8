// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.gymnasium;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ample.envs.gymnasium.GymnasiumSettings.FailurePolicy;
import dev.ample.envs.gymnasium.GymnasiumWorkerException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge's Java side without any Python package: interpreter and package errors, start and
 * call timeouts, crashes, failure policy, and no orphan processes. Fake workers are small stdlib
 * Python scripts that speak the ready-line handshake but not Py4J.
 */
class GymnasiumWorkerLifecycleTest {

  @TempDir Path dir;

  @AfterEach
  void clearHooks() {
    GymnasiumWorker.EXTRA_ENV.clear();
  }

  private static GymnasiumSettings fast() {
    return GymnasiumSettings.defaults()
        .withPython("python3")
        .withPythonPath(List.of())
        .withStartTimeout(Duration.ofSeconds(20))
        .withStepTimeout(Duration.ofSeconds(1))
        .withOnFailure(FailurePolicy.FAIL);
  }

  private Path fake(String name, String body) throws IOException {
    Path p = dir.resolve(name + ".py");
    Files.writeString(p, body);
    return p;
  }

  /** A fake worker that reports ready on a plain socket, then {@code onConnect} runs. */
  private Path listeningFake(String onConnect) throws IOException {
    return fake(
        "listening",
        String.join(
            "\n",
            "import os, socket, sys, time",
            "with open(os.path.join(os.path.dirname(__file__), 'launches'), 'a') as f:",
            "    f.write('%d\\n' % os.getpid())",
            "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1)",
            "print('AMPLE_WORKER_READY port=%d pid=%d dtype=FLOAT32 shape=4 actions=2"
                + " action_set=0,1' % (s.getsockname()[1], os.getpid()), flush=True)",
            "c, _ = s.accept()",
            onConnect,
            ""));
  }

  private List<Long> launches() throws IOException {
    return Files.readAllLines(dir.resolve("launches")).stream().map(Long::parseLong).toList();
  }

  private static void assertGone(long pid) {
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isPresent()) {
      try {
        // A bound, not an expected time: under load the worker's Python start-up (before its
        // stdin watch runs) took over 5 s here.
        h.get().onExit().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        // checked below
      }
    }
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " is still alive");
  }

  @Test
  void missingInterpreterNamesItAndTheFix() {
    GymnasiumWorkerException e =
        assertThrows(
            GymnasiumWorkerException.class,
            () ->
                GymnasiumVectorEnv.create(fast().withPython("/nonexistent/python"), "CartPole-v1", 2));
    assertEquals(Kind.MISSING_INTERPRETER, e.kind());
    assertTrue(e.getMessage().contains("'/nonexistent/python'"), e.getMessage());
    assertTrue(e.getMessage().contains("AMPLE_PYTHON"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    System.err.println("[gymnasium tests] missing interpreter -> " + e.getMessage());
  }

  @Test
  void interpreterWithoutPy4jNamesThePackageAndHowToInstall() {
    assumeTrue(TestPython.hasPython3(), "no python3 on the PATH");
    Optional<String> problem = GymnasiumWorker.probe(fast(), false);
    assumeTrue(
        problem.isPresent() && problem.get().contains("'py4j'"),
        "plain python3 here already has py4j");
    GymnasiumWorkerException e =
        assertThrows(
            GymnasiumWorkerException.class,
            () -> GymnasiumVectorEnv.create(fast(), "CartPole-v1", 2));
    assertEquals(Kind.MISSING_PACKAGE, e.kind());
    assertTrue(e.getMessage().contains("'py4j'"), e.getMessage());
    assertTrue(e.getMessage().contains("pip install gymnasium ale-py py4j"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    System.err.println("[gymnasium tests] missing package -> " + e.getMessage());
  }

  @Test
  void workerThatNeverGetsReadyIsKilledAfterTheStartTimeout() {
    assumeTrue(TestPython.hasPython3(), "no python3 on the PATH");
    GymnasiumWorker.EXTRA_ENV.put("AMPLE_WORKER_FAULT", "hang_at_start");
    long before = System.nanoTime();
    GymnasiumWorkerException e =
        assertThrows(
            GymnasiumWorkerException.class,
            () ->
                GymnasiumVectorEnv.create(
                    fast().withStartTimeout(Duration.ofMillis(1500)), "CartPole-v1", 1));
    assertEquals(Kind.START_TIMEOUT, e.kind());
    assertTrue(e.getMessage().contains("was not ready within 1.5s"), e.getMessage());
    assertTrue((System.nanoTime() - before) / 1e9 < 10);
    long pid = Long.parseLong(e.getMessage().replaceAll(".*\\(pid (\\d+)\\).*", "$1"));
    assertGone(pid);
  }

  @Test
  void workerThatDiesBeforeReadyIsReportedWithItsStderr() throws IOException {
    assumeTrue(TestPython.hasPython3(), "no python3 on the PATH");
    Path script =
        fake("dies", "import sys\nsys.stderr.write('RuntimeError: simulated failure\\n')\nsys.exit(5)\n");
    GymnasiumWorkerException e =
        assertThrows(
            GymnasiumWorkerException.class,
            () -> GymnasiumVectorEnv.create(fast().withWorkerScript(script), "CartPole-v1", 1));
    assertEquals(Kind.CRASHED, e.kind());
    assertTrue(e.getMessage().contains("exited with code 5 before it was ready"), e.getMessage());
    assertTrue(e.getMessage().contains("simulated failure"), e.getMessage());
  }

  @Test
  void badEnvExitCodeBecomesBadEnv() throws IOException {
    assumeTrue(TestPython.hasPython3(), "no python3 on the PATH");
    Path script =
        fake(
            "badenv",
            "import sys\nsys.stderr.write(\"ample-worker: cannot serve Gymnasium env 'Nope-v0':"
                + " NameNotFound: Environment `Nope` doesn't exist.\\n\")\nsys.exit(4)\n");
    GymnasiumWorkerException e =
        assertThrows(
            GymnasiumWorkerException.class,
            () -> GymnasiumVectorEnv.create(fast().withWorkerScript(script), "Nope-v0", 1));
    assertEquals(Kind.BAD_ENV, e.kind());
    assertTrue(e.getMessage().startsWith("cannot serve Gymnasium env 'Nope-v0'"), e.getMessage());
  }

  @Test
  void hungCallIsDetectedAndTheWorkerKilledUnderFail() throws IOException {
    assumeTrue(TestPython.hasPython3(), "no python3 on the PATH");
    Path script = listeningFake("time.sleep(1e6)");
    GymnasiumVectorEnv env =
        GymnasiumVectorEnv.create(fast().withWorkerScript(script), "CartPole-v1", 2);
    long pid = env.workerPid();
    GymnasiumWorkerException e = assertThrows(GymnasiumWorkerException.class, () -> env.reset(0));
    assertEquals(Kind.STEP_TIMEOUT, e.kind());
    assertTrue(
        e.getMessage().contains("(pid " + pid + ") did not answer reset within 1s"), e.getMessage());
    assertGone(pid);
    env.close();
    System.err.println("[gymnasium tests] hung worker -> " + e.getMessage());
  }

  @Test
  void hungWorkerIsRestartedUnderRestartUntilMaxRestarts() throws IOException {
    assumeTrue(TestPython.hasPython3(), "no python3 on the PATH");
    Path script = listeningFake("time.sleep(1e6)");
    GymnasiumSettings settings =
        fast().withWorkerScript(script).withOnFailure(FailurePolicy.RESTART).withMaxRestarts(1);
    GymnasiumVectorEnv env = GymnasiumVectorEnv.create(settings, "CartPole-v1", 2);
    GymnasiumWorkerException e = assertThrows(GymnasiumWorkerException.class, () -> env.reset(0));
    assertEquals(Kind.STEP_TIMEOUT, e.kind());
    assertEquals(1, env.restarts());
    env.close();
    List<Long> pids = launches();
    assertEquals(2, pids.size(), "one start and one restart");
    pids.forEach(GymnasiumWorkerLifecycleTest::assertGone);
  }

  @Test
  void workerThatDiesDuringACallIsReportedWithExitCodeAndStderr() throws IOException {
    assumeTrue(TestPython.hasPython3(), "no python3 on the PATH");
    Path script =
        listeningFake("sys.stderr.write('MemoryError: simulated crash\\n'); sys.stderr.flush(); os._exit(9)");
    GymnasiumVectorEnv env =
        GymnasiumVectorEnv.create(
            fast().withWorkerScript(script).withStepTimeout(Duration.ofSeconds(10)),
            "CartPole-v1",
            2);
    long pid = env.workerPid();
    GymnasiumWorkerException e = assertThrows(GymnasiumWorkerException.class, () -> env.reset(0));
    assertEquals(Kind.CRASHED, e.kind());
    assertTrue(e.getMessage().contains("(pid " + pid + ") exited with code 9 during reset"), e.getMessage());
    assertTrue(e.getMessage().contains("simulated crash"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    env.close();
    System.err.println("[gymnasium tests] dead worker -> " + e.getMessage());
  }

  @Test
  void closeKillsTheWorker() throws IOException {
    assumeTrue(TestPython.hasPython3(), "no python3 on the PATH");
    Path script = listeningFake("time.sleep(1e6)");
    GymnasiumVectorEnv env =
        GymnasiumVectorEnv.create(fast().withWorkerScript(script), "CartPole-v1", 2);
    long pid = env.workerPid();
    assertTrue(ProcessHandle.of(pid).isPresent());
    env.close();
    env.close();
    assertGone(pid);
  }

  /** The real worker script, hung before its imports, in a child JVM that then dies. */
  private void childJvmDiesAndWorkerFollows(boolean sigkill) throws Exception {
    assumeTrue(TestPython.hasPython3(), "no python3 on the PATH");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java, "-cp", System.getProperty("java.class.path"), OrphanProbeMain.class.getName())
            .redirectErrorStream(true)
            .start();
    try {
      ProcessHandle worker = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (worker == null && System.nanoTime() < deadline) {
        worker = child.descendants().filter(ProcessHandle::isAlive).findFirst().orElse(null);
        Thread.sleep(100);
      }
      assertTrue(worker != null, "the child JVM started no worker");
      Thread.sleep(500); // let the worker reach its hang
      if (sigkill) {
        child.destroyForcibly(); // no shutdown hook runs: the worker sees stdin EOF
      } else {
        child.destroy(); // SIGTERM: the JVM's shutdown hook kills the worker
      }
      assertTrue(child.waitFor(20, TimeUnit.SECONDS));
      assertGone(worker.pid());
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void noOrphanWhenTheJvmIsKilled() throws Exception {
    childJvmDiesAndWorkerFollows(true);
  }

  @Test
  void noOrphanWhenTheJvmIsTerminated() throws Exception {
    childJvmDiesAndWorkerFollows(false);
  }
}
