# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 the ample authors

"""ample's Gymnasium worker: N Gymnasium envs in one Python process, driven from Java over Py4J.

The Java side (dev.ample.envs.gymnasium.GymnasiumWorker) starts this script with
  AMPLE_WORKER_SPEC  JSON {"mode": "vector" | "atari", "env_id": str, "num_envs": int, "kwargs": {...}}
  AMPLE_PY4J_TOKEN   Py4J auth token (kept out of the command line)
and waits for one stdout line
  AMPLE_WORKER_READY port=<p> pid=<pid> dtype=<UINT8|FLOAT32> shape=<d1,d2,..> actions=<n> action_set=<a,b,..>
after which it calls the methods of Worker below through a Py4J ClientServer whose Python server
listens on 127.0.0.1:<p> (an ephemeral port). The line is printed only once that server listens
(see start_server). Python never calls back into Java.

Everything crosses the boundary as bytes (little endian numpy buffers): Py4J turns Python bytes into
Java byte[] directly, where a list would cost one object per element.

`--check [ale]` only checks the imports and exits 0, or 3 with the message below.

Exit codes: 3 = a Python package is missing, 4 = the env spec cannot be served, else a crash.
The process ends itself when its stdin (a pipe from the JVM) closes or its parent changes, so a
killed JVM leaves no worker behind; SIGINT is ignored so Ctrl-C is handled by the JVM, which closes it.
"""

import importlib
import json
import os
import signal
import sys
import threading
import time

EXIT_MISSING_PACKAGE = 3
EXIT_BAD_SPEC = 4

# Java sends seeds as 64-bit longs, which may be negative (the Atari preprocessing draws the
# seeds of later games with SplittableRandom.nextLong()); Gymnasium only accepts seeds >= 0, so the
# same 8 bytes are read as an unsigned integer: one distinct non-negative seed per long.
SEED_DTYPE = "<u8"


def fail(code, message):
    sys.stderr.write("ample-worker: " + message + "\n")
    sys.stderr.flush()
    os._exit(code)


def watch_parent():
    """Exit when the JVM is gone: stdin EOF (JVM closed or died) or re-parenting."""
    parent = os.getppid()

    def on_stdin_eof():
        try:
            while os.read(0, 4096):
                pass
        except OSError:
            pass
        os._exit(0)

    def on_reparent():
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=on_stdin_eof, name="ample-stdin-watch", daemon=True).start()
    threading.Thread(target=on_reparent, name="ample-parent-watch", daemon=True).start()


def require(module, package):
    try:
        return importlib.import_module(module)
    except ImportError as e:
        fail(EXIT_MISSING_PACKAGE,
             "Python package '%s' is missing for %s (%s: %s); install it with: "
             "%s -m pip install gymnasium ale-py py4j"
             % (package, sys.executable, type(e).__name__, e, sys.executable))


def import_all(need_ale):
    np = require("numpy", "numpy")
    require("py4j.clientserver", "py4j")
    gym = require("gymnasium", "gymnasium")
    if need_ale:
        ale_py = require("ale_py", "ale-py")
        if hasattr(gym, "register_envs"):
            gym.register_envs(ale_py)
    return np, gym


class VectorWorker:
    """N copies of one env, stepped together with same-step autoreset (StepResult semantics)."""

    def __init__(self, np, gym, env_id, num_envs, kwargs):
        self.np = np
        self.envs = [gym.make(env_id, **kwargs) for _ in range(num_envs)]
        obs_space = self.envs[0].observation_space
        action_space = self.envs[0].action_space
        spaces = gym.spaces
        if not isinstance(action_space, spaces.Discrete):
            raise ValueError("action space %s is not Discrete" % (action_space,))
        self.num_actions = int(action_space.n)
        self.action_start = int(action_space.start)
        self.one_hot = None
        if isinstance(obs_space, spaces.Box):
            self.dtype = np.dtype("u1") if obs_space.dtype == np.uint8 else np.dtype("<f4")
            self.shape = tuple(int(d) for d in obs_space.shape)
        elif isinstance(obs_space, spaces.Discrete):
            # A discrete observation becomes a one-hot float vector.
            self.one_hot = (int(obs_space.start), int(obs_space.n))
            self.dtype = np.dtype("<f4")
            self.shape = (int(obs_space.n),)
        else:
            raise ValueError("observation space %s is neither Box nor Discrete" % (obs_space,))
        self.obs = np.zeros((num_envs,) + self.shape, dtype=self.dtype)
        self.action_set = list(range(self.num_actions))

    def describe(self):
        return "UINT8" if self.dtype == self.np.uint8 else "FLOAT32", self.shape, self.num_actions, self.action_set

    def _put(self, out, i, o):
        if self.one_hot is None:
            out[i] = o
        else:
            out[i] = 0.0
            out[i, int(o) - self.one_hot[0]] = 1.0

    def reset(self, seeds):
        seeds = self.np.frombuffer(seeds, dtype=SEED_DTYPE)
        for i, env in enumerate(self.envs):
            o, _ = env.reset(seed=int(seeds[i]))
            self._put(self.obs, i, o)
        return self.obs.tobytes()

    def step(self, actions):
        np = self.np
        actions = np.frombuffer(actions, dtype="<i4")
        n = len(self.envs)
        rewards = np.zeros(n, dtype="<f8")
        terminated = np.zeros(n, dtype="u1")
        truncated = np.zeros(n, dtype="u1")
        finals = []
        final = np.zeros((1,) + self.shape, dtype=self.dtype)
        for i, env in enumerate(self.envs):
            o, r, term, trunc, _ = env.step(int(actions[i]) + self.action_start)
            rewards[i] = r
            terminated[i] = term
            truncated[i] = trunc
            if term or trunc:
                self._put(final, 0, o)
                finals.append(final.tobytes())
                o, _ = env.reset()
            self._put(self.obs, i, o)
        return b"".join([self.obs.tobytes(), rewards.tobytes(), terminated.tobytes(),
                         truncated.tobytes()] + finals)

    def close(self):
        for env in self.envs:
            env.close()


def action_id(action):
    """ALE's integer id of an ale_py Action: a pybind11 enum (ale-py <= 0.11) converts with int(),
    the nanobind enum.Enum of ale-py >= 0.12 does not and has .value."""
    value = getattr(action, "value", action)
    return int(value)


class AtariWorker:
    """N ALE emulators stepped frame by frame (frameskip=1); the repeat loop runs here."""

    def __init__(self, np, gym, env_id, num_envs, kwargs):
        self.np = np
        options = {"frameskip": 1, "obs_type": "grayscale"}
        options.update(kwargs)
        self.envs = [gym.make(env_id, **options) for _ in range(num_envs)]
        shape = self.envs[0].observation_space.shape
        if len(shape) != 2:
            raise ValueError("expected grayscale screens of shape (H, W), got %s" % (shape,))
        self.shape = (int(shape[0]), int(shape[1]))
        self.action_set = [action_id(a) for a in self.envs[0].unwrapped._action_set]

    def describe(self):
        return "UINT8", self.shape, len(self.action_set), self.action_set

    def reset(self, env_ids, seeds):
        env_ids = self.np.frombuffer(env_ids, dtype="<i4")
        seeds = self.np.frombuffer(seeds, dtype=SEED_DTYPE)
        for k, i in enumerate(env_ids):
            self.envs[int(i)].reset(seed=int(seeds[k]))
        return b""

    def act(self, env_ids, actions, repeat):
        np = self.np
        env_ids = np.frombuffer(env_ids, dtype="<i4")
        actions = np.frombuffer(actions, dtype="<i4")
        k = len(env_ids)
        rewards = np.zeros(k, dtype="<f8")
        game_over = np.zeros(k, dtype="u1")
        frames = np.zeros(k, dtype="<i4")
        last = np.empty((k,) + self.shape, dtype=np.uint8)
        previous = np.empty((k,) + self.shape, dtype=np.uint8)
        for j in range(k):
            env = self.envs[int(env_ids[j])]
            action = int(actions[j])
            total = 0.0
            screen = before = None
            f = 0
            while f < repeat:
                before = screen
                screen, r, term, trunc, _ = env.step(action)
                total += r
                f += 1
                if term or trunc:
                    game_over[j] = 1
                    break
            rewards[j] = total
            frames[j] = f
            last[j] = screen
            # As the native backend: the frame before last only when the repeat ran to its end
            # (AtariEmulators.FrameStep); a game that ended earlier gives its last screen twice.
            previous[j] = before if before is not None and f == repeat else screen
        return b"".join([rewards.tobytes(), game_over.tobytes(), frames.tobytes(),
                         last.tobytes(), previous.tobytes()])

    def screens(self, env_ids):
        # ALE's own grayscale screen, the same bytes the native backend reads.
        env_ids = self.np.frombuffer(env_ids, dtype="<i4")
        return b"".join(self.envs[int(i)].unwrapped.ale.getScreenGrayscale().tobytes()
                        for i in env_ids)

    def lives(self, env_ids):
        env_ids = self.np.frombuffer(env_ids, dtype="<i4")
        return self.np.array([self.envs[int(i)].unwrapped.ale.lives() for i in env_ids],
                             dtype="<i4").tobytes()

    def close(self):
        for env in self.envs:
            env.close()


class Faults:
    """Test hooks (AMPLE_WORKER_FAULT="hang_at_call=K" or "exit_at_call=K"): misbehave on call K.

    ("hang_at_start" hangs before the imports, see main; "delay_listen=MS" holds Py4J's server thread
    back MS milliseconds before it listens, as a loaded machine may, see delay_listen.)
    """

    def __init__(self, spec):
        self.calls = 0
        self.kind, self.at = None, -1
        if spec and "=" in spec:
            kind, _, at = spec.partition("=")
            self.kind, self.at = kind, int(at)

    def delay_listen(self):
        if self.kind != "delay_listen":
            return
        from py4j.java_gateway import CallbackServer
        run, delay = CallbackServer.run, self.at / 1000.0

        def late_run(server):
            time.sleep(delay)
            run(server)

        CallbackServer.run = late_run

    def tick(self):
        self.calls += 1
        if self.calls == self.at:
            if self.kind == "hang_at_call":
                sys.stderr.write("ample-worker: fault injection: hanging\n")
                sys.stderr.flush()
                time.sleep(1e6)
            elif self.kind == "exit_at_call":
                sys.stderr.write("ample-worker: fault injection: exiting with code 7\n")
                sys.stderr.flush()
                os._exit(7)


class Worker:
    """The Py4J entry point; method names match dev.ample.envs.gymnasium.WorkerProtocol."""

    def __init__(self, impl, faults):
        self.impl = impl
        self.faults = faults

    def reset(self, seeds):
        self.faults.tick()
        return self.impl.reset(seeds)

    def step(self, actions):
        self.faults.tick()
        return self.impl.step(actions)

    def atariReset(self, env_ids, seeds):
        self.faults.tick()
        return self.impl.reset(env_ids, seeds)

    def atariAct(self, env_ids, actions, repeat):
        self.faults.tick()
        return self.impl.act(env_ids, actions, repeat)

    def lives(self, env_ids):
        self.faults.tick()
        return self.impl.lives(env_ids)

    def screens(self, env_ids):
        self.faults.tick()
        return self.impl.screens(env_ids)

    def echo(self, payload):
        return payload


def start_server(worker, token):
    """Starts the Py4J server for `worker` and returns its port once it accepts connections.

    Py4J binds the port in the calling thread but calls listen() later, in the server thread it
    starts; until then a connection to the port is refused. On a loaded machine that thread may run
    well after the port is known, and Java, told the port at once, was refused its first call. So
    this waits for Py4J's server_started signal, sent right after listen().
    """
    from py4j.clientserver import ClientServer, JavaParameters, PythonParameters
    from py4j.java_gateway import server_started, server_stopped

    settled = threading.Event()
    listening = []

    def on_started(sender, **_):
        listening.append(sender)
        settled.set()

    def on_stopped(sender, **_):
        settled.set()

    server_started.connect(on_started)
    server_stopped.connect(on_stopped)  # sent instead when listen() fails
    server = ClientServer(
        java_parameters=JavaParameters(auth_token=token, auto_convert=False, eager_load=False),
        python_parameters=PythonParameters(address="127.0.0.1", port=0, auth_token=token,
                                           daemonize=True, daemonize_connections=True),
        python_server_entry_point=worker)
    settled.wait()  # Java's start timeout bounds this wait
    server_started.disconnect(on_started)
    server_stopped.disconnect(on_stopped)
    if not listening:
        fail(1, "the Py4J server stopped before it listened (its error is logged above)")
    return server.get_callback_server().get_listening_port()


def main():
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_parent()
    if len(sys.argv) > 1 and sys.argv[1] == "--check":
        import_all(need_ale=len(sys.argv) > 2 and sys.argv[2] == "ale")
        print("ok", flush=True)
        os._exit(0)

    if os.environ.get("AMPLE_WORKER_FAULT") == "hang_at_start":  # test hook, before any import
        time.sleep(1e6)
    spec = json.loads(os.environ["AMPLE_WORKER_SPEC"])
    token = os.environ.pop("AMPLE_PY4J_TOKEN")
    atari = spec["mode"] == "atari"
    np, gym = import_all(need_ale=atari or spec["env_id"].startswith("ALE/"))

    env_id = spec["env_id"]
    try:
        cls = AtariWorker if atari else VectorWorker
        impl = cls(np, gym, env_id, int(spec["num_envs"]), spec.get("kwargs") or {})
    except Exception as e:  # unknown id, bad kwargs, unsupported space
        fail(EXIT_BAD_SPEC, "cannot serve Gymnasium env '%s': %s: %s" % (env_id, type(e).__name__, e))

    faults = Faults(os.environ.get("AMPLE_WORKER_FAULT"))
    faults.delay_listen()
    port = start_server(Worker(impl, faults), token)
    dtype, shape, num_actions, action_set = impl.describe()
    print("AMPLE_WORKER_READY port=%d pid=%d dtype=%s shape=%s actions=%d action_set=%s"
          % (port, os.getpid(), dtype, ",".join(str(d) for d in shape), num_actions,
             ",".join(str(a) for a in action_set)), flush=True)
    threading.Event().wait()  # served by Py4J threads until the JVM goes away


if __name__ == "__main__":
    main()
