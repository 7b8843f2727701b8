// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.DispatcherSelector;
import ai.djl.ndarray.NDArray;
import dev.ample.agents.PolicySnapshot;
import dev.ample.agents.Trajectory;
import dev.ample.envs.VectorEnv;
import dev.ample.envs.builtin.BuiltinVectorEnv;
import dev.ample.envs.builtin.Catch;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The coordinator against a TestProbe: a collect acts with the snapshot it carries (loaded once,
 * recorded at every step), and a learner writing into its own network meanwhile changes nothing
 * the collect reads.
 */
class RolloutCoordinatorTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(60);

  @AfterAll
  static void shutDown() {
    KIT.shutdownTestKit();
  }

  private static ActorRef<RolloutCoordinator.Command> coordinator(TestAgents a,
      List<VectorEnv> envs, TestProbe<RolloutCoordinator.Reply> probe) {
    ActorRef<RolloutCoordinator.Command> c = KIT.spawn(RolloutCoordinator.create(envs,
        DispatcherSelector.defaultDispatcher(), a.agent, LocalRollout.actionRandom(4), 1, false));
    c.tell(new RolloutCoordinator.Start(4, probe.getRef()));
    probe.expectMessageClass(RolloutCoordinator.Ready.class, WAIT);
    return c;
  }

  @Test
  void everyStepRecordsTheVersionOfTheSnapshotItActedWith() {
    try (TestAgents a = new TestAgents(new int[] {1, 10, 5}, true, 3);
        VectorEnv env = new BuiltinVectorEnv(4, Catch::new)) {
      TestProbe<RolloutCoordinator.Reply> probe = KIT.createTestProbe();
      ActorRef<RolloutCoordinator.Command> c = coordinator(a, List.of(env), probe);
      c.tell(new RolloutCoordinator.Collect(5, a.snapshot, probe.getRef()));
      Trajectory first = probe.expectMessageClass(RolloutCoordinator.Collected.class, WAIT)
          .batch().trajectory();
      assertArrayEquals(new long[5], first.policyVersions());

      PolicySnapshot v3 = PolicySnapshot.of(3, a.network);
      c.tell(new RolloutCoordinator.Collect(5, v3, probe.getRef()));
      Trajectory second = probe.expectMessageClass(RolloutCoordinator.Collected.class, WAIT)
          .batch().trajectory();
      assertArrayEquals(new long[] {3, 3, 3, 3, 3}, second.policyVersions());
      assertEquals(3, second.oldestPolicyVersion());
      assertEquals(3, a.agent.policyVersion());
    }
  }

  @Test
  void aSnapshotThatDoesNotFitIsAFailedReplyAndTheCoordinatorGoesOn() {
    try (TestAgents a = new TestAgents(new int[] {1, 10, 5}, true, 3);
        TestAgents other = new TestAgents(new int[] {4}, false, 2);
        VectorEnv env = new BuiltinVectorEnv(2, Catch::new)) {
      TestProbe<RolloutCoordinator.Reply> probe = KIT.createTestProbe();
      ActorRef<RolloutCoordinator.Command> c = coordinator(a, List.of(env), probe);
      c.tell(new RolloutCoordinator.Collect(3, PolicySnapshot.of(1, other.network),
          probe.getRef()));
      RolloutCoordinator.Failed failed =
          probe.expectMessageClass(RolloutCoordinator.Failed.class, WAIT);
      assertTrue(failed.message().contains("snapshot"), failed.message());
      c.tell(new RolloutCoordinator.Collect(3, a.snapshot, probe.getRef()));
      probe.expectMessageClass(RolloutCoordinator.Collected.class, WAIT);
    }
  }

  /**
   * The "learner" writes NaN into every parameter of its own network while the collect is under
   * way (from runner 0's thread, at its third step): the batch is bit-identical to one collected
   * without the write, and finite.
   */
  @Test
  void aLearnerWritingNanMidCollectionChangesNothingTheCollectionReads() {
    List<RolloutBatch> want;
    try (TestAgents a = new TestAgents(new int[] {1, 10, 5}, true, 3);
        LocalRollout rollout = LocalRollout.start(
            RolloutEnvs.open(4, 2, (r, count) -> new BuiltinVectorEnv(count, Catch::new)),
            a.agent, 8)) {
      want = List.of(rollout.collect(6, a.snapshot), rollout.collect(6, a.snapshot));
    }
    try (TestAgents a = new TestAgents(new int[] {1, 10, 5}, true, 3)) {
      Runnable poison = () -> a.network.getParameters().forEach(p -> {
        NDArray x = p.getValue().getArray();
        x.set(x.mul(Float.NaN).toFloatArray());
      });
      try (LocalRollout rollout = LocalRollout.start(RolloutEnvs.open(4, 2, (r, count) -> {
        FailingVectorEnv e =
            new FailingVectorEnv(new BuiltinVectorEnv(count, Catch::new), Integer.MAX_VALUE);
        if (r == 0) {
          e.onStep(3, poison);
        }
        return e;
      }), a.agent, 8)) {
        RolloutBatch first = rollout.collect(6, a.snapshot);
        assertTrue(Float.isNaN(a.network.getParameters().get(0).getValue().getArray()
            .toFloatArray()[0]), "the learner's copy was written");
        LocalRolloutEquivalenceTest.assertSameBatch(want.get(0), first, "in flight");
        first.trajectory().requireFinite();
        LocalRolloutEquivalenceTest.assertSameBatch(want.get(1), rollout.collect(6, a.snapshot),
            "after");
      }
    }
  }
}
