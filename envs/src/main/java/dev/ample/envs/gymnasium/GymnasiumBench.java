// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.envs.gymnasium;

import java.util.Random;

/**
 * Measures what the Gymnasium bridge costs, for {@code ample bench envs}.
 *
 * <p>{@link #measureStepCost} times whole vector steps (env work in Python + the bridge); {@link
 * #measureRoundTrip} times a Py4J call that only echoes a byte payload of the size of one step's
 * observations, which is the bridge's share alone.
 */
public final class GymnasiumBench {

  private GymnasiumBench() {}

  /**
   * Microseconds per vector step of {@code numEnvs} copies of {@code envId} with uniformly random
   * actions, after {@code steps / 10} warm-up steps.
   */
  public static double measureStepCost(
      GymnasiumSettings settings, String envId, int numEnvs, int steps) {
    try (GymnasiumVectorEnv env = GymnasiumVectorEnv.create(settings, envId, numEnvs)) {
      Random rng = new Random(0);
      int[] actions = new int[numEnvs];
      env.reset(0);
      for (int s = 0; s < steps / 10; s++) {
        randomize(rng, actions, env.numActions());
        env.step(actions);
      }
      long t0 = System.nanoTime();
      for (int s = 0; s < steps; s++) {
        randomize(rng, actions, env.numActions());
        env.step(actions);
      }
      return (System.nanoTime() - t0) / 1e3 / steps;
    }
  }

  /**
   * Microseconds per Py4J round trip that sends and returns {@code payloadBytes} bytes (e.g.
   * {@code 8 * 4 * 4} for 8 CartPole observations, {@code 8 * 2 * 210 * 160} for 8 Atari frame
   * pairs), after {@code calls / 10} warm-up calls. Starts a one-env CartPole-v1 worker.
   */
  public static double measureRoundTrip(GymnasiumSettings settings, int payloadBytes, int calls) {
    GymnasiumWorker.Spec spec =
        new GymnasiumWorker.Spec(
            GymnasiumWorker.Mode.VECTOR, "CartPole-v1", 1, java.util.Map.of());
    try (GymnasiumWorker worker = GymnasiumWorker.start(settings, spec)) {
      byte[] payload = new byte[payloadBytes];
      for (int c = 0; c < calls / 10; c++) {
        worker.call("echo", w -> w.echo(payload));
      }
      long t0 = System.nanoTime();
      for (int c = 0; c < calls; c++) {
        worker.call("echo", w -> w.echo(payload));
      }
      return (System.nanoTime() - t0) / 1e3 / calls;
    }
  }

  private static void randomize(Random rng, int[] actions, int numActions) {
    for (int i = 0; i < actions.length; i++) {
      actions[i] = rng.nextInt(numActions);
    }
  }
}
