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
 * <p>Double-buffered sampling (opt-in, as in Sample Factory): the runners form two groups, each
 * with its own envs, act input and step counter; while one group's envs step, the other group's
 * inference runs, so env time and inference time overlap. Each act covers one group's envs only.
 * The action draws are the same either way: a collect draws its T x N uniforms from the action
 * random source up front, in the plain loop's (step, env) order, and env i at step t samples with
 * draw {@code t*N + i}; games that ended are listed in (step, env) order. So a double-buffered
 * batch differs from the plain loop's only where the network's outputs for a group's rows differ
 * from the same rows of a whole-vector batch.
 *
 * <p>A collect acts with the policy snapshot it carries: the agent loads it before the first step
 * (unless it already holds that version) and every step records the version it acted with. The
 * agent's network is its own, so a learner updating meanwhile cannot change what a collect reads.
 *
 * <p>Per step t of a group: observations s_t go into the buffer; act(s_t) gives a_t, log-probs,
 * V(s_t); the group's runners step; rewards, flags and ended games are recorded; V of the final
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

  /**
   * Runners {@code firstRunner .. endRunner-1}, stepping envs {@code firstEnv ..
   * firstEnv+count-1}, acted for together.
   */
  private static final class Group {
    final int firstRunner;
    final int endRunner;
    final int firstEnv;
    final int count;
    /** The group's observations s_t, its next act input. */
    final Observations current;
    int t;
    int awaiting;
    boolean done;

    Group(int firstRunner, int endRunner, int firstEnv, int count, ObservationSpace space) {
      this.firstRunner = firstRunner;
      this.endRunner = endRunner;
      this.firstEnv = firstEnv;
      this.count = count;
      this.current = Observations.allocate(space, count);
    }
  }

  private final Agent agent;
  private final SplittableRandom rng;
  private final ObservationSpace space;
  private final int numEnvs;
  private final long framesPerStep;
  private final int[] first;
  private final int[] counts;
  private final List<ActorRef<EnvRunner.Command>> runners;
  private final ActorRef<EnvRunner.Result> runnerReplies;
  private final List<Group> groups;
  private final Group[] groupOf;

  private final EnvRunner.Stepped[] round;
  private ActorRef<Reply> replyTo;
  private RolloutBuffer buffer;
  /** This collect's T x N action draws, in (step, env) order. */
  private double[] uniforms;
  private EpisodeEnd[] ended;
  private float[] bootstrap;
  private String failure;

  /**
   * @param envs each runner's vector env (runner r steps {@code envs.get(r)})
   * @param dispatcher where the runners run
   * @param doubleBuffered two groups of runners (needs at least two), else one
   */
  static Behavior<Command> create(
      List<VectorEnv> envs, DispatcherSelector dispatcher, Agent agent, SplittableRandom rng,
      long framesPerStep, boolean doubleBuffered) {
    if (doubleBuffered && envs.size() < 2) {
      throw new IllegalArgumentException("double-buffered sampling needs at least 2 runners"
          + " (one per group), got " + envs.size());
    }
    return Behaviors.setup(ctx -> new RolloutCoordinator(ctx, envs, dispatcher, agent, rng,
        framesPerStep, doubleBuffered));
  }

  private RolloutCoordinator(
      ActorContext<Command> ctx, List<VectorEnv> envs, DispatcherSelector dispatcher, Agent agent,
      SplittableRandom rng, long framesPerStep, boolean doubleBuffered) {
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
    int split = doubleBuffered ? envs.size() / 2 : envs.size();
    groups = new java.util.ArrayList<>(List.of(group(0, split)));
    if (split < envs.size()) {
      groups.add(group(split, envs.size()));
    }
    groupOf = new Group[envs.size()];
    for (Group g : groups) {
      java.util.Arrays.fill(groupOf, g.firstRunner, g.endRunner, g);
    }
    round = new EnvRunner.Stepped[envs.size()];
    runnerReplies = ctx.messageAdapter(EnvRunner.Result.class, FromRunner::new);
    runners = new java.util.ArrayList<>();
    for (int r = 0; r < envs.size(); r++) {
      runners.add(ctx.spawn(EnvRunner.create(r, envs.get(r)), "runner-" + r, dispatcher));
    }
  }

  private Group group(int firstRunner, int endRunner) {
    int count = 0;
    for (int r = firstRunner; r < endRunner; r++) {
      count += counts[r];
    }
    return new Group(firstRunner, endRunner, first[firstRunner], count, space);
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
    for (Group g : groups) {
      g.awaiting = g.endRunner - g.firstRunner;
      g.done = false;
    }
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
    int size = collect.steps() * numEnvs;
    uniforms = new double[size];
    for (int k = 0; k < size; k++) {
      uniforms[k] = rng.nextDouble();
    }
    ended = new EpisodeEnd[size];
    bootstrap = new float[numEnvs];
    for (Group g : groups) {
      g.t = 0;
      g.done = false;
    }
    for (Group g : groups) {
      if (buffer == null) {
        break; // the first group's inference failed
      }
      beginStep(g);
    }
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

  private void beginStep(Group g) {
    int base = g.t * numEnvs + g.firstEnv;
    Agent.Acted acted;
    try {
      g.current.copyRows(0, buffer.observations, base, g.count);
      buffer.policyVersions[g.t] = agent.policyVersion();
      acted = agent.act(g.current, uniforms, base);
    } catch (RuntimeException e) {
      fail("inference failed: " + RolloutException.describe(e), e);
      return;
    }
    System.arraycopy(acted.actions(), 0, buffer.actions, base, g.count);
    System.arraycopy(acted.logProbs(), 0, buffer.logProbs, base, g.count);
    System.arraycopy(acted.values(), 0, buffer.values, base, g.count);
    g.awaiting = g.endRunner - g.firstRunner;
    for (int r = g.firstRunner; r < g.endRunner; r++) {
      int[] share = new int[counts[r]];
      System.arraycopy(acted.actions(), first[r] - g.firstEnv, share, 0, counts[r]);
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
    Group g = groupOf[stepped.runner()];
    if (--g.awaiting > 0) {
      return this;
    }
    try {
      if (buffer == null) {
        gatherObservations(g);
        g.done = true;
        if (allDone()) {
          reply(new Ready());
        }
      } else {
        finishStep(g);
      }
    } catch (RuntimeException e) {
      fail("rollout step failed: " + RolloutException.describe(e), e);
    }
    return this;
  }

  private boolean allDone() {
    return groups.stream().allMatch(g -> g.done);
  }

  /** Copies the group's runners' next observations into its act input (their one copy). */
  private void gatherObservations(Group g) {
    for (int r = g.firstRunner; r < g.endRunner; r++) {
      round[r].result().observations().copyRows(0, g.current, first[r] - g.firstEnv, counts[r]);
    }
  }

  private void finishStep(Group g) {
    int base = g.t * numEnvs;
    int truncatedCount = 0;
    for (int r = g.firstRunner; r < g.endRunner; r++) {
      StepResult res = round[r].result();
      for (int j = 0; j < counts[r]; j++) {
        int k = base + first[r] + j;
        buffer.rewards[k] = res.rewards()[j];
        buffer.terminated[k] = res.terminated()[j];
        buffer.truncated[k] = res.truncated()[j];
        if (res.truncated()[j]) {
          truncatedCount++;
        }
        ended[k] = res.episodeEnds()[j];
      }
    }
    if (truncatedCount > 0) {
      finalValues(g, base, truncatedCount);
    }
    gatherObservations(g);
    java.util.Arrays.fill(round, g.firstRunner, g.endRunner, null);
    if (++g.t < buffer.steps) {
      beginStep(g);
      return;
    }
    System.arraycopy(agent.values(g.current), 0, bootstrap, g.firstEnv, g.count);
    g.done = true;
    if (!allDone()) {
      return;
    }
    for (EpisodeEnd end : ended) {
      if (end != null) {
        buffer.episodes.add(end);
      }
    }
    RolloutBatch batch = buffer.toBatch(bootstrap, framesPerStep);
    buffer = null;
    reply(new Collected(batch));
  }

  /** V of the final observations of the group's truncated envs, in one batch of just those. */
  private void finalValues(Group g, int base, int m) {
    Observations finals = Observations.allocate(space, m);
    int row = 0;
    for (int r = g.firstRunner; r < g.endRunner; r++) {
      StepResult res = round[r].result();
      for (int j = 0; j < counts[r]; j++) {
        if (res.truncated()[j]) {
          res.finalObservations().copyRows(j, finals, row++, 1);
        }
      }
    }
    float[] v = agent.values(finals);
    row = 0;
    for (int i = g.firstEnv; i < g.firstEnv + g.count; i++) {
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
