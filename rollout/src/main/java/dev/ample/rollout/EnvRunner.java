// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import dev.ample.envs.StepResult;
import dev.ample.envs.VectorEnv;

/**
 * Owns one {@link VectorEnv} of k envs (envs {@code first .. first+k-1} of the whole rollout) and
 * steps it when told. Env calls block, so this actor runs on a dedicated (pinned) dispatcher, never
 * on the default one. An env that throws is answered with {@link Failed}; the runner stays alive
 * so that the rollout can still shut down in order. The env itself is closed by whoever created it
 * ({@link LocalRollout#close}), after the actor has stopped.
 */
final class EnvRunner extends AbstractBehavior<EnvRunner.Command> {

  /** What a runner is asked to do. */
  sealed interface Command {}

  /** Reset the envs; env j of this runner gets seed {@code seed + j}. */
  record Reset(long seed, ActorRef<Result> replyTo) implements Command {}

  /** Step the envs with one action each (length k). */
  record Step(int[] actions, ActorRef<Result> replyTo) implements Command {}

  /** A runner's answer. */
  sealed interface Result {
    int runner();
  }

  /** The reset's or step's result for this runner's k envs. */
  record Stepped(int runner, StepResult result) implements Result {}

  /** The env threw. */
  record Failed(int runner, Throwable cause) implements Result {}

  private final int index;
  private final VectorEnv env;

  static Behavior<Command> create(int index, VectorEnv env) {
    return Behaviors.setup(ctx -> new EnvRunner(ctx, index, env));
  }

  private EnvRunner(ActorContext<Command> ctx, int index, VectorEnv env) {
    super(ctx);
    this.index = index;
    this.env = env;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Reset.class, this::onReset)
        .onMessage(Step.class, this::onStep)
        .build();
  }

  private Behavior<Command> onReset(Reset reset) {
    reset.replyTo().tell(run(() -> env.reset(reset.seed())));
    return this;
  }

  private Behavior<Command> onStep(Step step) {
    step.replyTo().tell(run(() -> env.step(step.actions())));
    return this;
  }

  private Result run(java.util.function.Supplier<StepResult> call) {
    try {
      return new Stepped(index, call.get());
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) { // an env failure is reported, not an actor crash
      return new Failed(index, t);
    }
  }
}
