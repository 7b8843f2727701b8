// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.gymnasium;

import dev.ample.envs.ObservationSpace;
import dev.ample.envs.gymnasium.GymnasiumWorkerException.Kind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import py4j.ClientServer;

/**
 * One Python worker process serving N Gymnasium envs, and the Py4J link to it.
 *
 * <p>Start-up: the JVM runs {@code python -u ample_gym_worker.py} (extracted from the classpath,
 * see {@link #bundledScript()}) with the env spec and a random Py4J auth token in its environment.
 * The worker imports its packages, makes the envs, starts a Py4J {@code ClientServer} whose Python
 * server listens on an ephemeral port on 127.0.0.1 only, and prints that port on one stdout line
 * once the server listens (not merely binds), so the first call cannot be refused.
 * Java then builds a Py4J {@link ClientServer} pointing at that port (its own Java server is never
 * started: Python does not call Java) and calls the worker's methods through a {@link
 * WorkerProtocol} proxy.
 *
 * <p>Failure handling: every call runs under a watchdog that kills the process tree when the step
 * timeout passes; a call that fails because the process is gone becomes a {@link
 * GymnasiumWorkerException} naming the pid, the cause, the last stderr lines and the fix. Whether
 * to restart is decided by the env that owns the worker.
 *
 * <p>No orphans: the worker exits by itself when its stdin pipe from the JVM closes (any JVM exit,
 * even SIGKILL) or its parent changes; the JVM also kills every live worker in {@link #close()}
 * and in a shutdown hook (Ctrl-C, SIGTERM). The worker ignores SIGINT, so Ctrl-C in a terminal
 * leaves the shutdown to the JVM.
 */
final class GymnasiumWorker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GymnasiumWorker.class);

  static final int EXIT_MISSING_PACKAGE = 3;
  static final int EXIT_BAD_SPEC = 4;
  static final String READY = "AMPLE_WORKER_READY";
  private static final String SCRIPT = "ample_gym_worker.py";
  private static final int STDERR_LINES = 20;

  private static final Set<GymnasiumWorker> LIVE = ConcurrentHashMap.newKeySet();
  private static final ScheduledExecutorService WATCHDOG =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "ample-gymnasium-watchdog");
            t.setDaemon(true);
            return t;
          });
  private static Path extractedScript;

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> LIVE.forEach(GymnasiumWorker::killTree), "ample-gymnasium-reaper"));
  }

  /** Which worker class serves the envs. */
  enum Mode {
    VECTOR,
    ATARI
  }

  /**
   * What a worker serves.
   *
   * @param mode plain vector env or raw Atari emulators
   * @param envId Gymnasium id
   * @param numEnvs N
   * @param kwargs keyword arguments for {@code gymnasium.make} (String, Number or Boolean values)
   */
  record Spec(Mode mode, String envId, int numEnvs, Map<String, Object> kwargs) {
    Spec {
      if (numEnvs < 1) {
        throw new IllegalArgumentException("numEnvs must be >= 1, got " + numEnvs);
      }
      kwargs = new LinkedHashMap<>(kwargs);
    }

    String json() {
      String args =
          kwargs.entrySet().stream()
              .map(e -> quote(e.getKey()) + ": " + jsonValue(e.getValue()))
              .collect(Collectors.joining(", ", "{", "}"));
      return "{\"mode\": "
          + quote(mode.name().toLowerCase())
          + ", \"env_id\": "
          + quote(envId)
          + ", \"num_envs\": "
          + numEnvs
          + ", \"kwargs\": "
          + args
          + "}";
    }

    private static String jsonValue(Object v) {
      if (v == null) {
        return "null";
      }
      if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
        return v.toString();
      }
      if (v instanceof Number n) {
        double d = n.doubleValue();
        if (!Double.isFinite(d)) {
          throw new IllegalArgumentException("gymnasium.make argument is not finite: " + v);
        }
        return Double.toString(d);
      }
      if (v instanceof String s) {
        return quote(s);
      }
      throw new IllegalArgumentException(
          "gymnasium.make arguments must be String, Number or Boolean, got " + v.getClass());
    }

    private static String quote(String s) {
      StringBuilder b = new StringBuilder("\"");
      for (char c : s.toCharArray()) {
        if (c == '"' || c == '\\') {
          b.append('\\').append(c);
        } else if (c < 0x20) {
          b.append(String.format("\\u%04x", (int) c));
        } else {
          b.append(c);
        }
      }
      return b.append('"').toString();
    }
  }

  /**
   * The worker's ready line.
   *
   * @param port the worker's Py4J port on 127.0.0.1
   * @param space observation space of one env (one screen H x W for Atari)
   * @param numActions number of discrete actions
   * @param actionSet ALE action ids for Atari, else {@code 0..numActions-1}
   */
  record Ready(int port, ObservationSpace space, int numActions, int[] actionSet) {

    static Ready parse(String line) {
      Map<String, String> f = new LinkedHashMap<>();
      for (String token : line.trim().split("\\s+")) {
        int eq = token.indexOf('=');
        if (eq > 0) {
          f.put(token.substring(0, eq), token.substring(eq + 1));
        }
      }
      try {
        int[] shape = ints(f.get("shape"));
        ObservationSpace.Dtype dtype = ObservationSpace.Dtype.valueOf(f.get("dtype"));
        return new Ready(
            Integer.parseInt(f.get("port")),
            new ObservationSpace(shape, dtype),
            Integer.parseInt(f.get("actions")),
            ints(f.get("action_set")));
      } catch (RuntimeException e) {
        throw new IllegalStateException("Gymnasium worker sent a malformed ready line: " + line, e);
      }
    }

    private static int[] ints(String csv) {
      if (csv == null || csv.isEmpty()) {
        return new int[0];
      }
      return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }
  }

  private final GymnasiumSettings settings;
  private final Spec spec;
  private final Process process;
  private final ArrayDeque<String> stderrTail = new ArrayDeque<>();
  private final Thread stderrReader;
  private final Ready ready;
  private final ClientServer clientServer;
  private final WorkerProtocol proxy;
  private volatile GymnasiumWorkerException lost;
  private volatile boolean closed;

  private GymnasiumWorker(GymnasiumSettings settings, Spec spec) {
    this.settings = settings;
    this.spec = spec;
    String token = HexFormat.of().formatHex(token());
    ProcessBuilder pb = command(settings, List.of());
    pb.environment().put("AMPLE_WORKER_SPEC", spec.json());
    pb.environment().put("AMPLE_PY4J_TOKEN", token);
    this.process = launch(pb, settings);
    LIVE.add(this);
    CompletableFuture<String> readyLine = new CompletableFuture<>();
    this.stderrReader = drain(process.getErrorStream(), "stderr", this::onStderr);
    drain(
        process.getInputStream(),
        "stdout",
        line -> {
          if (line.startsWith(READY)) {
            readyLine.complete(line);
          } else {
            LOG.info("gymnasium worker {}: {}", process.pid(), line);
          }
        });
    process.onExit().thenRun(() -> readyLine.completeExceptionally(new IOException("exited")));
    try {
      this.ready = awaitReady(readyLine);
      this.clientServer =
          new ClientServer.ClientServerBuilder()
              .pythonAddress(InetAddress.getLoopbackAddress())
              .pythonPort(ready.port())
              .javaAddress(InetAddress.getLoopbackAddress())
              .javaPort(0)
              .autoStartJavaServer(false)
              .enableMemoryManagement(false)
              .authToken(token)
              .socketFactory(NoDelaySocketFactory.INSTANCE)
              .build();
      this.proxy =
          (WorkerProtocol)
              clientServer.getPythonServerEntryPoint(new Class<?>[] {WorkerProtocol.class});
    } catch (RuntimeException e) {
      killTree();
      LIVE.remove(this);
      throw e;
    }
    LOG.debug("gymnasium worker {} ready on 127.0.0.1:{} for {}", pid(), ready.port(), spec);
  }

  /** Starts a worker and waits until it is ready (at most the start timeout). */
  static GymnasiumWorker start(GymnasiumSettings settings, Spec spec) {
    return new GymnasiumWorker(settings, spec);
  }

  /**
   * Checks that the interpreter can import what the backend needs, without making any env.
   *
   * @param ale also require {@code ale-py}
   * @return empty when everything imports, else the one-line problem and its fix
   */
  static Optional<String> probe(GymnasiumSettings settings, boolean ale) {
    ProcessBuilder pb = command(settings, ale ? List.of("--check", "ale") : List.of("--check"));
    pb.redirectErrorStream(true);
    Process p;
    try {
      p = launch(pb, settings);
    } catch (GymnasiumWorkerException e) {
      return Optional.of(e.getMessage());
    }
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(settings.startTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return Optional.of("Python interpreter '" + settings.python() + "' hung importing packages");
      }
      if (p.exitValue() == 0) {
        return Optional.empty();
      }
      String[] lines = out.split("\n");
      return Optional.of(strip(lines[lines.length - 1].trim()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return Optional.of("interrupted while checking the Python interpreter");
    }
  }

  Ready ready() {
    return ready;
  }

  long pid() {
    return process.pid();
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  Spec spec() {
    return spec;
  }

  /**
   * Calls the worker under the step timeout.
   *
   * @param what what the call does, for messages ("step", "reset")
   */
  <T> T call(String what, Function<WorkerProtocol, T> body) {
    GymnasiumWorkerException gone = lost;
    if (gone != null) {
      throw gone;
    }
    if (closed) {
      throw new IllegalStateException("Gymnasium worker is closed");
    }
    Duration timeout = settings.stepTimeout();
    AtomicBoolean fired = new AtomicBoolean();
    ScheduledFuture<?> alarm =
        WATCHDOG.schedule(
            () -> {
              fired.set(true);
              killTree();
            },
            timeout.toNanos(),
            TimeUnit.NANOSECONDS);
    try {
      return body.apply(proxy);
    } catch (RuntimeException e) {
      throw failure(what, e, fired.get());
    } finally {
      alarm.cancel(false);
    }
  }

  private GymnasiumWorkerException failure(String what, RuntimeException e, boolean timedOut) {
    if (timedOut) {
      awaitExit(Duration.ofSeconds(2));
      return markLost(
          new GymnasiumWorkerException(
              Kind.STEP_TIMEOUT,
              "Gymnasium worker (pid "
                  + pid()
                  + ") did not answer "
                  + what
                  + " within "
                  + seconds(settings.stepTimeout())
                  + " and was killed"
                  + stderrSuffix()
                  + "; fix: raise the step timeout (GymnasiumSettings.stepTimeout) if "
                  + spec.envId()
                  + " is just slow, else find what blocks it",
              e));
    }
    if (awaitExit(Duration.ofMillis(500))) {
      return markLost(
          new GymnasiumWorkerException(
              Kind.CRASHED,
              "Gymnasium worker (pid "
                  + pid()
                  + ") exited with code "
                  + process.exitValue()
                  + " during "
                  + what
                  + stderrSuffix()
                  + "; fix: the last stderr lines name the error (all of it is logged at DEBUG by dev.ample.envs.gymnasium); onFailure RESTART restarts such workers",
              e));
    }
    return new GymnasiumWorkerException(
        Kind.PYTHON_ERROR,
        "Gymnasium worker (pid " + pid() + ") raised during " + what + ": " + lastLine(e), e);
  }

  private GymnasiumWorkerException markLost(GymnasiumWorkerException e) {
    lost = e;
    LIVE.remove(this);
    return e;
  }

  /** Kills the worker and releases the Py4J link. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      clientServer.getPythonClient().shutdown();
    } catch (RuntimeException e) {
      LOG.debug("closing the Py4J client", e);
    }
    killTree();
    awaitExit(Duration.ofSeconds(5));
    LIVE.remove(this);
  }

  private void killTree() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private boolean awaitExit(Duration d) {
    try {
      return process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  private Ready awaitReady(CompletableFuture<String> readyLine) {
    long millis = settings.startTimeout().toMillis();
    try {
      return Ready.parse(readyLine.get(millis, TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      killTree();
      awaitExit(Duration.ofSeconds(2));
      throw new GymnasiumWorkerException(
          Kind.START_TIMEOUT,
          "Gymnasium worker (pid "
              + pid()
              + ") was not ready within "
              + seconds(settings.startTimeout())
              + " (importing gymnasium and making "
              + spec.numEnvs()
              + " x "
              + spec.envId()
              + ")"
              + stderrSuffix()
              + "; fix: raise the start timeout (GymnasiumSettings.startTimeout) or check the"
              + " interpreter '"
              + settings.python()
              + "'");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      killTree();
      throw new IllegalStateException("interrupted while starting the Gymnasium worker", e);
    } catch (ExecutionException e) {
      awaitExit(Duration.ofSeconds(5));
      joinQuietly(stderrReader, Duration.ofSeconds(2));
      int code = process.isAlive() ? -1 : process.exitValue();
      String last = lastStderrLine();
      if (code == EXIT_MISSING_PACKAGE) {
        throw new GymnasiumWorkerException(Kind.MISSING_PACKAGE, strip(last));
      }
      if (code == EXIT_BAD_SPEC) {
        throw new GymnasiumWorkerException(
            Kind.BAD_ENV,
            strip(last) + "; fix: check the env id and its options (see gymnasium.pprint_registry())");
      }
      throw new GymnasiumWorkerException(
          Kind.CRASHED,
          "Gymnasium worker (pid "
              + pid()
              + ") exited with code "
              + code
              + " before it was ready"
              + stderrSuffix()
              + "; fix: run '"
              + settings.python()
              + " -c \"import gymnasium, py4j\"' to see the problem");
    }
  }

  private void onStderr(String line) {
    LOG.debug("gymnasium worker {} stderr: {}", process.pid(), line);
    synchronized (stderrTail) {
      if (stderrTail.size() == STDERR_LINES) {
        stderrTail.removeFirst();
      }
      stderrTail.addLast(line);
    }
  }

  private String lastStderrLine() {
    synchronized (stderrTail) {
      return stderrTail.isEmpty() ? "(no stderr)" : stderrTail.peekLast();
    }
  }

  private String stderrSuffix() {
    joinQuietly(stderrReader, Duration.ofMillis(500));
    List<String> lines;
    synchronized (stderrTail) {
      lines = new ArrayList<>(stderrTail);
    }
    if (lines.isEmpty()) {
      return "";
    }
    List<String> tail = lines.subList(Math.max(0, lines.size() - 3), lines.size());
    return "; last stderr: " + String.join(" | ", tail);
  }

  private static String strip(String line) {
    return line.startsWith("ample-worker: ") ? line.substring("ample-worker: ".length()) : line;
  }

  private static String lastLine(Throwable e) {
    String m = String.valueOf(e.getMessage()).strip();
    String[] lines = m.split("\n");
    return lines[lines.length - 1].strip();
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() / 1000.0 + "s";
  }

  private static byte[] token() {
    byte[] t = new byte[24];
    new SecureRandom().nextBytes(t);
    return t;
  }

  private static void joinQuietly(Thread t, Duration d) {
    try {
      t.join(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ProcessBuilder command(GymnasiumSettings settings, List<String> args) {
    Path script = settings.workerScript() != null ? settings.workerScript() : bundledScript();
    List<String> cmd = new ArrayList<>(List.of(settings.python(), "-u", script.toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    List<String> path = new ArrayList<>();
    settings.pythonPath().forEach(p -> path.add(p.toString()));
    String inherited = env.get("PYTHONPATH");
    if (inherited != null && !inherited.isEmpty()) {
      path.add(inherited);
    }
    if (!path.isEmpty()) {
      env.put("PYTHONPATH", String.join(java.io.File.pathSeparator, path));
    }
    env.put("PYTHONDONTWRITEBYTECODE", "1");
    env.remove("AMPLE_WORKER_FAULT");
    return pb;
  }

  /**
   * Sockets with Nagle's algorithm off: Py4J writes a large command (base64 frames) through an 8 KB
   * buffered writer, and with Nagle each chunk waits for the peer's delayed ACK.
   */
  private static final class NoDelaySocketFactory extends javax.net.SocketFactory {
    static final NoDelaySocketFactory INSTANCE = new NoDelaySocketFactory();

    private static java.net.Socket noDelay(java.net.Socket s) throws IOException {
      s.setTcpNoDelay(true);
      return s;
    }

    @Override
    public java.net.Socket createSocket() throws IOException {
      return new java.net.Socket() {
        @Override
        public void connect(java.net.SocketAddress endpoint, int timeout) throws IOException {
          super.connect(endpoint, timeout);
          setTcpNoDelay(true);
        }
      };
    }

    @Override
    public java.net.Socket createSocket(String host, int port) throws IOException {
      return noDelay(new java.net.Socket(host, port));
    }

    @Override
    public java.net.Socket createSocket(String host, int port, InetAddress local, int localPort)
        throws IOException {
      return noDelay(new java.net.Socket(host, port, local, localPort));
    }

    @Override
    public java.net.Socket createSocket(InetAddress host, int port) throws IOException {
      return noDelay(new java.net.Socket(host, port));
    }

    @Override
    public java.net.Socket createSocket(InetAddress address, int port, InetAddress local, int localPort)
        throws IOException {
      return noDelay(new java.net.Socket(address, port, local, localPort));
    }
  }

  /** Test hook: the environment variables a worker is started with can be extended here. */
  static final Map<String, String> EXTRA_ENV = new ConcurrentHashMap<>();

  private static Process launch(ProcessBuilder pb, GymnasiumSettings settings) {
    pb.environment().putAll(EXTRA_ENV);
    try {
      return pb.start();
    } catch (IOException e) {
      throw new GymnasiumWorkerException(
          Kind.MISSING_INTERPRETER,
          "cannot run the Python interpreter '"
              + settings.python()
              + "' for the Gymnasium backend ("
              + lastLine(e)
              + "); fix: install Python 3 with 'pip install gymnasium ale-py py4j' and set"
              + " AMPLE_PYTHON (or GymnasiumSettings.python) to it",
          e);
    }
  }

  private static Thread drain(InputStream in, String name, java.util.function.Consumer<String> sink) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  sink.accept(line);
                }
              } catch (IOException e) {
                // the stream closes when the worker is killed
              }
            },
            "ample-gymnasium-" + name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * The bundled worker script, copied once per JVM from the classpath (it works from the fat jar)
   * into a private temporary directory that is deleted at exit.
   */
  static synchronized Path bundledScript() {
    if (extractedScript != null && Files.exists(extractedScript)) {
      return extractedScript;
    }
    try (InputStream in = GymnasiumWorker.class.getResourceAsStream(SCRIPT)) {
      if (in == null) {
        throw new IllegalStateException(SCRIPT + " is missing from the classpath");
      }
      Path dir = Files.createTempDirectory("ample-gymnasium-");
      Path file = dir.resolve(SCRIPT);
      Files.copy(in, file);
      dir.toFile().deleteOnExit();
      file.toFile().deleteOnExit();
      extractedScript = file;
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract " + SCRIPT, e);
    }
  }
}
