// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import dev.ample.agents.Agent;
import dev.ample.agents.PolicySnapshot;
import dev.ample.envs.EpisodeEnd;
import dev.ample.envs.ObservationSpace;
import dev.ample.envs.Observations;
import dev.ample.envs.StepResult;
import dev.ample.envs.VectorEnv;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Gathers every runner's observations, runs ONE batched {@link Agent#act} over all N envs, sends
 * each runner its actions and fills the T x N {@link RolloutBuffer}. Each step is a scatter/gather
 * round over the runners; a runner's failure ends the round with an explicit {@link Failed} reply
 * and leaves the coordinator refusing further work. Inference runs here, so one thread at a time
 * uses the agent; this actor runs on the rollout's pinned dispatcher, as the runners do.
 *
 * <p>A collect acts with the policy snapshot it carries: the agent loads it before the first step
 * (unless it already holds that version) and every step records the version it acted with. The
 * agent's network is its own, so a learner updating meanwhile cannot change what a collect reads.
 *
 * <p>Per step t: observations s_t go into the buffer; act(s_t) gives a_t, log-probs, V(s_t); the
 * runners step; rewards, flags and ended games are recorded in env order; V of the final
 * observations of truncated envs is computed in one batch of just those envs (env order); s_{t+1}
 * becomes the next act input. After T steps V(s_T) is the bootstrap. The envs are not reset between
 * collects.
 */
final class RolloutCoordinator extends AbstractBehavior<RolloutCoordinator.Command> {

  /** What the coordinator is asked to do, or told by its runners. */
  sealed interface Command {}

  /** Reset every env (env i of the whole vector gets seed + i) and reply {@link Ready}. */
  record Start(long seed, ActorRef<Reply> replyTo) implements Command {}

  /** Collect T steps of every env acting with {@code policy} and reply {@link Collected}. */
  record Collect(int steps, PolicySnapshot policy, ActorRef<Reply> replyTo) implements Command {}

  /** A runner's answer, adapted into this protocol. */
  private record FromRunner(EnvRunner.Result result) implements Command {}

  /** The coordinator's answers. */
  sealed interface Reply {}

  /** The envs are reset. */
  record Ready() implements Reply {}

  /** A batch. */
  record Collected(RolloutBatch batch) implements Reply {}

  /** One line naming the runner (or inference) and the cause. */
  record Failed(String message, Throwable cause) implements Reply {}

  private final Agent agent;
  private final SplittableRandom rng;
  private final ObservationSpace space;
  private final int numEnvs;
  private final long framesPerStep;
  private final int[] first;
  private final int[] counts;
  private final List<ActorRef<EnvRunner.Command>> runners;
  private final ActorRef<EnvRunner.Result> runnerReplies;

  /** N observations s_t, the next act input. */
  private final Observations current;
  private final EnvRunner.Stepped[] round;
  private int awaiting;
  private ActorRef<Reply> replyTo;
  private RolloutBuffer buffer;
  private int t;
  private String failure;

  /**
   * @param envs each runner's vector env (runner r steps {@code envs.get(r)})
   * @param dispatcher where the runners run
   */
  static Behavior<Command> create(
      List<VectorEnv> envs, DispatcherSelector dispatcher, Agent agent, SplittableRandom rng,
      long framesPerStep) {
    return Behaviors.setup(
        ctx -> new RolloutCoordinator(ctx, envs, dispatcher, agent, rng, framesPerStep));
  }

  private RolloutCoordinator(
      ActorContext<Command> ctx, List<VectorEnv> envs, DispatcherSelector dispatcher, Agent agent,
      SplittableRandom rng, long framesPerStep) {
    super(ctx);
    this.agent = agent;
    this.rng = rng;
    this.framesPerStep = framesPerStep;
    this.space = envs.get(0).observationSpace();
    first = new int[envs.size()];
    counts = new int[envs.size()];
    int n = 0;
    for (int r = 0; r < envs.size(); r++) {
      first[r] = n;
      counts[r] = envs.get(r).numEnvs();
      n += counts[r];
    }
    numEnvs = n;
    current = Observations.allocate(space, n);
    round = new EnvRunner.Stepped[envs.size()];
    runnerReplies = ctx.messageAdapter(EnvRunner.Result.class, FromRunner::new);
    runners = new java.util.ArrayList<>();
    for (int r = 0; r < envs.size(); r++) {
      runners.add(ctx.spawn(EnvRunner.create(r, envs.get(r)), "runner-" + r, dispatcher));
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Start.class, this::onStart)
        .onMessage(Collect.class, this::onCollect)
        .onMessage(FromRunner.class, this::onRunner)
        .build();
  }

  private Behavior<Command> onStart(Start start) {
    if (refuse(start.replyTo())) {
      return this;
    }
    replyTo = start.replyTo();
    buffer = null;
    awaiting = runners.size();
    for (int r = 0; r < runners.size(); r++) {
      runners.get(r).tell(new EnvRunner.Reset(start.seed() + first[r], runnerReplies));
    }
    return this;
  }

  private Behavior<Command> onCollect(Collect collect) {
    if (refuse(collect.replyTo())) {
      return this;
    }
    if (collect.steps() < 1) {
      collect.replyTo().tell(new Failed("collect needs steps >= 1, got " + collect.steps(), null));
      return this;
    }
    replyTo = collect.replyTo();
    try {
      buffer = new RolloutBuffer(collect.steps(), numEnvs, space);
      if (collect.policy().version() != agent.policyVersion()) {
        agent.load(collect.policy());
      }
    } catch (RuntimeException e) { // a buffer too large, a snapshot that does not fit
      buffer = null;
      replyTo = null;
      collect.replyTo().tell(new Failed(e.getMessage(), e));
      return this;
    }
    t = 0;
    beginStep();
    return this;
  }

  /** Whether a request must be refused (an earlier failure, or a request already running). */
  private boolean refuse(ActorRef<Reply> requester) {
    if (failure != null) {
      requester.tell(new Failed("rollout unusable after an earlier failure: " + failure, null));
      return true;
    }
    if (replyTo != null) {
      requester.tell(new Failed("a rollout request is already running", null));
      return true;
    }
    return false;
  }

  private void beginStep() {
    Agent.Acted acted;
    try {
      buffer.putObservations(t, current);
      buffer.policyVersions[t] = agent.policyVersion();
      acted = agent.act(current, rng);
    } catch (RuntimeException e) {
      fail("inference failed: " + RolloutException.describe(e), e);
      return;
    }
    int base = t * numEnvs;
    System.arraycopy(acted.actions(), 0, buffer.actions, base, numEnvs);
    System.arraycopy(acted.logProbs(), 0, buffer.logProbs, base, numEnvs);
    System.arraycopy(acted.values(), 0, buffer.values, base, numEnvs);
    awaiting = runners.size();
    for (int r = 0; r < runners.size(); r++) {
      int[] share = new int[counts[r]];
      System.arraycopy(acted.actions(), first[r], share, 0, counts[r]);
      runners.get(r).tell(new EnvRunner.Step(share, runnerReplies));
    }
  }

  private Behavior<Command> onRunner(FromRunner message) {
    if (replyTo == null) {
      return this; // a straggler from a round that already failed
    }
    EnvRunner.Result result = message.result();
    if (result instanceof EnvRunner.Failed f) {
      int r = f.runner();
      fail("runner " + r + " (envs " + first[r] + "-" + (first[r] + counts[r] - 1) + ") failed: "
          + RolloutException.describe(f.cause()), f.cause());
      return this;
    }
    EnvRunner.Stepped stepped = (EnvRunner.Stepped) result;
    round[stepped.runner()] = stepped;
    if (--awaiting > 0) {
      return this;
    }
    try {
      if (buffer == null) {
        gatherObservations();
        reply(new Ready());
      } else {
        finishStep();
      }
    } catch (RuntimeException e) {
      fail("rollout step failed: " + RolloutException.describe(e), e);
    }
    return this;
  }

  /** Copies each runner's next observations into the act input (their one copy before the buffer). */
  private void gatherObservations() {
    for (int r = 0; r < round.length; r++) {
      round[r].result().observations().copyRows(0, current, first[r], counts[r]);
    }
  }

  private void finishStep() {
    int base = t * numEnvs;
    int truncatedCount = 0;
    for (int r = 0; r < round.length; r++) {
      StepResult res = round[r].result();
      for (int j = 0; j < counts[r]; j++) {
        int k = base + first[r] + j;
        buffer.rewards[k] = res.rewards()[j];
        buffer.terminated[k] = res.terminated()[j];
        buffer.truncated[k] = res.truncated()[j];
        if (res.truncated()[j]) {
          truncatedCount++;
        }
        EpisodeEnd end = res.episodeEnds()[j];
        if (end != null) {
          buffer.episodes.add(end);
        }
      }
    }
    if (truncatedCount > 0) {
      finalValues(base, truncatedCount);
    }
    gatherObservations();
    java.util.Arrays.fill(round, null);
    if (++t < buffer.steps) {
      beginStep();
      return;
    }
    float[] bootstrap = agent.values(current);
    RolloutBatch batch = buffer.toBatch(bootstrap, framesPerStep);
    buffer = null;
    reply(new Collected(batch));
  }

  /** V of the final observations of this step's truncated envs, in one batch of just those envs. */
  private void finalValues(int base, int m) {
    Observations finals = Observations.allocate(space, m);
    int row = 0;
    for (int r = 0; r < round.length; r++) {
      StepResult res = round[r].result();
      for (int j = 0; j < counts[r]; j++) {
        if (res.truncated()[j]) {
          res.finalObservations().copyRows(j, finals, row++, 1);
        }
      }
    }
    float[] v = agent.values(finals);
    row = 0;
    for (int i = 0; i < numEnvs; i++) {
      if (buffer.truncated[base + i]) {
        buffer.finalValues[base + i] = v[row++];
      }
    }
  }

  private void reply(Reply reply) {
    ActorRef<Reply> to = replyTo;
    replyTo = null;
    to.tell(reply);
  }

  private void fail(String message, Throwable cause) {
    failure = message;
    buffer = null;
    java.util.Arrays.fill(round, null);
    reply(new Failed(message, cause));
  }
}
