// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.gymnasium;

import java.time.Duration;

/** Child JVM for the orphan tests: starts a worker that hangs before its imports, then waits. */
public final class OrphanProbeMain {

  private OrphanProbeMain() {}

  public static void main(String[] args) {
    GymnasiumWorker.EXTRA_ENV.put("AMPLE_WORKER_FAULT", "hang_at_start");
    GymnasiumVectorEnv.create(
        GymnasiumSettings.defaults()
            .withPython("python3")
            .withStartTimeout(Duration.ofMinutes(5)),
        "CartPole-v1",
        1);
  }
}
