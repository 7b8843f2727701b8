// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import dev.ample.envs.StepResult;
import dev.ample.envs.VectorEnv;
import dev.ample.envs.builtin.BuiltinVectorEnv;
import dev.ample.envs.builtin.CartPole;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The runner behavior against a TestProbe: resets and steps its env, reports a throw and lives on. */
class EnvRunnerTest {
  private static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void shutDown() {
    KIT.shutdownTestKit();
  }

  @Test
  void stepsItsEnvAndAnswersAThrowWithFailed() {
    FailingVectorEnv env = new FailingVectorEnv(new BuiltinVectorEnv(2, CartPole::new), 2);
    ActorRef<EnvRunner.Command> runner = KIT.spawn(EnvRunner.create(3, env));
    TestProbe<EnvRunner.Result> probe = KIT.createTestProbe(EnvRunner.Result.class);
    try (VectorEnv twin = new BuiltinVectorEnv(2, CartPole::new)) {
      runner.tell(new EnvRunner.Reset(5, probe.getRef()));
      EnvRunner.Stepped reset = probe.expectMessageClass(EnvRunner.Stepped.class);
      assertEquals(3, reset.runner());
      assertArrayEquals(twin.reset(5).observations().floats(), reset.result().observations().floats());

      runner.tell(new EnvRunner.Step(new int[] {0, 1}, probe.getRef()));
      StepResult stepped = probe.expectMessageClass(EnvRunner.Stepped.class).result();
      assertArrayEquals(twin.step(new int[] {0, 1}).observations().floats(),
          stepped.observations().floats());

      runner.tell(new EnvRunner.Step(new int[] {1, 1}, probe.getRef()));
      EnvRunner.Failed failed = probe.expectMessageClass(EnvRunner.Failed.class);
      assertEquals(3, failed.runner());
      assertTrue(failed.cause() instanceof IllegalStateException);

      // Still alive: the rollout can shut down in order.
      runner.tell(new EnvRunner.Step(new int[] {1, 1}, probe.getRef()));
      probe.expectMessageClass(EnvRunner.Stepped.class);
    }
  }
}
