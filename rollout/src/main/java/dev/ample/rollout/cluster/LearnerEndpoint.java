// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout.cluster;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import dev.ample.agents.PolicySnapshot;
import dev.ample.envs.EnvConfig;
import dev.ample.envs.ObservationSpace;
import dev.ample.rollout.RolloutBatch;
import dev.ample.rollout.cluster.ClusterProtocol.ToLearner;
import dev.ample.rollout.cluster.ClusterProtocol.ToWorker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The learner's side of the cluster, at {@code /user/}{@value #NAME} (a large-message
 * destination, so fragments travel on their own lane). It assigns every worker the receptionist
 * lists ({@link #WORKERS}) a slot and the run's env config, and runs one collection round per
 * iteration: each worker that had {@link ClusterProtocol.Joined joined} before the round gets the
 * round's {@link ClusterProtocol.Collect}; the round ends when every one of them has answered,
 * died, or the round's timeout has passed. Synchronous protocol: only fragments of the round's
 * policy version are kept; a fragment of another version (late: its round had ended) is dropped
 * and counted, as is the fragment of a worker that died during the round.
 *
 * <p>Seeds: the a-th assignment of this learner (a = 0, 1, ...) gets seed {@code base + 1,000,000
 * x (a + 1)}, the worker's env j then {@code + j}: distinct from the learner's own envs ({@code
 * base + i}) and each other while nodes have fewer than a million envs, and reproducible for a
 * given join order.
 */
final class LearnerEndpoint extends AbstractBehavior<ToLearner> {

  /** The endpoint's actor name (a large-message destination in {@code ample-wire.conf}). */
  static final String NAME = "ample-learner";

  /** Workers register their endpoint under this key. */
  static final ServiceKey<ToWorker> WORKERS =
      ServiceKey.create(ToWorker.class, "ample-rollout-workers");

  /** Seeds of two assignments lie this far apart. */
  static final long SEED_STRIDE = 1_000_000L;

  /**
   * What every assignment of this run carries.
   *
   * @param workerEnv the run's env config with the default envs per worker
   * @param network the run's network section (HOCON), for the worker's inference network
   * @param minibatchSize the learner's minibatch size
   * @param seedBase the learner's env seed base (train.seed + agent steps done)
   */
  record Run(EnvConfig workerEnv, String network, int steps, int minibatchSize,
      ObservationSpace space, int numActions, long seedBase) {}

  /**
   * Collect a round with {@code policy}: once at least {@code minWorkers} have joined, or {@code
   * waitForWorkers} has passed; the round gives up on a fragment after {@code timeout}.
   */
  record CollectRound(long version, int steps, PolicySnapshot policy, int minWorkers, Duration waitForWorkers,
      Duration timeout, ActorRef<Round> replyTo) implements ToLearner {}

  /** Answer with the joined workers' count once at least {@code count} have joined. */
  record AwaitWorkers(int count, ActorRef<Integer> replyTo) implements ToLearner {}

  /** Tell every worker {@code reason} and to stop; answer when the messages are sent. */
  record Shutdown(String reason, ActorRef<Done> replyTo) implements ToLearner {}

  /**
   * A round's fragments, in slot order, and what happened to it.
   *
   * @param workers workers joined when the round ended (those in it that answered, and others that
   *     joined meanwhile)
   * @param dropped fragments dropped during this round: of workers that died or missed the
   *     timeout, and late ones of earlier rounds that arrived now
   */
  record Round(List<Part> parts, int workers, int dropped) {}

  /** One worker's fragment. */
  record Part(int slot, String address, RolloutBatch batch) {}

  private record Listed(Receptionist.Listing listing) implements ToLearner {}

  private record Gone(ActorRef<ToWorker> worker) implements ToLearner {}

  private record WaitOver(long round) implements ToLearner {}

  private record TimedOut(long round) implements ToLearner {}

  private static final class Worker {
    final ActorRef<ToWorker> ref;
    final int slot;
    boolean joined;
    int envs;
    String address;

    Worker(ActorRef<ToWorker> ref, int slot) {
      this.ref = ref;
      this.slot = slot;
      this.address = ref.path().address().hostPort();
    }
  }

  private final Run run;
  private final Consumer<String> notes;
  private final TimerScheduler<ToLearner> timers;
  private final Map<ActorRef<ToWorker>, Worker> workers = new HashMap<>();
  private final List<AwaitWorkers> awaiting = new ArrayList<>();
  private long assignments;
  private boolean stopping;

  // The round under way (replyTo != null) or waiting for workers (started == false).
  private long round;
  private CollectRound request;
  private boolean started;
  private final TreeSet<Integer> outstanding = new TreeSet<>();
  private final TreeMap<Integer, Part> parts = new TreeMap<>();
  private int dropped;

  static Behavior<ToLearner> create(Run run, Consumer<String> notes) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(
        timers -> new LearnerEndpoint(ctx, timers, run, notes)));
  }

  private LearnerEndpoint(ActorContext<ToLearner> ctx, TimerScheduler<ToLearner> timers, Run run,
      Consumer<String> notes) {
    super(ctx);
    this.run = run;
    this.notes = notes;
    this.timers = timers;
    ActorRef<Receptionist.Listing> listings = ctx.messageAdapter(Receptionist.Listing.class,
        Listed::new);
    ctx.getSystem().receptionist().tell(Receptionist.subscribe(WORKERS, listings));
  }

  @Override
  public Receive<ToLearner> createReceive() {
    return newReceiveBuilder()
        .onMessage(Listed.class, this::onListed)
        .onMessage(ClusterProtocol.Joined.class, this::onJoined)
        .onMessage(ClusterProtocol.Fragment.class, this::onFragment)
        .onMessage(ClusterProtocol.WorkerFailed.class, this::onWorkerFailed)
        .onMessage(Gone.class, this::onGone)
        .onMessage(CollectRound.class, this::onCollect)
        .onMessage(AwaitWorkers.class, this::onAwait)
        .onMessage(WaitOver.class, this::onWaitOver)
        .onMessage(TimedOut.class, this::onTimedOut)
        .onMessage(Shutdown.class, this::onShutdown)
        .build();
  }

  private Behavior<ToLearner> onListed(Listed listed) {
    if (stopping) {
      return this;
    }
    for (ActorRef<ToWorker> ref : listed.listing().getServiceInstances(WORKERS)) {
      if (workers.containsKey(ref)) {
        continue;
      }
      Worker w = new Worker(ref, freeSlot());
      workers.put(ref, w);
      getContext().watchWith(ref, new Gone(ref));
      long seed = run.seedBase() + SEED_STRIDE * ++assignments;
      ref.tell(new ClusterProtocol.Assign(w.slot, seed, run.workerEnv(), run.network(),
          run.steps(), run.minibatchSize(), run.space(), run.numActions(), getContext().getSelf()));
    }
    return this;
  }

  private int freeSlot() {
    TreeSet<Integer> taken = new TreeSet<>();
    workers.values().forEach(w -> taken.add(w.slot));
    int slot = 0;
    while (taken.contains(slot)) {
      slot++;
    }
    return slot;
  }

  private Worker bySlot(int slot) {
    return workers.values().stream().filter(w -> w.slot == slot).findFirst().orElse(null);
  }

  private Behavior<ToLearner> onJoined(ClusterProtocol.Joined joined) {
    Worker w = bySlot(joined.slot());
    if (w == null || w.joined) {
      return this;
    }
    w.joined = true;
    w.envs = joined.envs();
    w.address = joined.address();
    notes.accept("cluster: worker " + w.address + " joined (slot " + w.slot + ", " + w.envs
        + " envs); used from the next iteration");
    answerAwaiting();
    if (request != null && !started && joinedCount() >= request.minWorkers()) {
      begin();
    }
    return this;
  }

  private int joinedCount() {
    return (int) workers.values().stream().filter(w -> w.joined).count();
  }

  private void answerAwaiting() {
    int joined = joinedCount();
    awaiting.removeIf(a -> {
      if (joined >= a.count()) {
        a.replyTo().tell(joined);
        return true;
      }
      return false;
    });
  }

  private Behavior<ToLearner> onAwait(AwaitWorkers await) {
    awaiting.add(await);
    answerAwaiting();
    return this;
  }

  private Behavior<ToLearner> onCollect(CollectRound collect) {
    round++;
    request = collect;
    started = false;
    parts.clear();
    outstanding.clear();
    dropped = 0;
    if (joinedCount() >= collect.minWorkers()) {
      begin();
    } else {
      notes.accept("cluster: " + joinedCount() + " of cluster.min-workers = "
          + collect.minWorkers() + " workers joined; waiting up to " + collect.waitForWorkers().toSeconds()
          + " s for more");
      timers.startSingleTimer("wait", new WaitOver(round), collect.waitForWorkers());
    }
    return this;
  }

  private Behavior<ToLearner> onWaitOver(WaitOver over) {
    if (over.round() == round && request != null && !started) {
      begin();
    }
    return this;
  }

  private void begin() {
    started = true;
    timers.cancel("wait");
    for (Worker w : workers.values()) {
      if (w.joined) {
        outstanding.add(w.slot);
        w.ref.tell(new ClusterProtocol.Collect(request.version(), request.steps(),
            request.policy()));
      }
    }
    timers.startSingleTimer("round", new TimedOut(round), request.timeout());
    completeIfDone();
  }

  private Behavior<ToLearner> onFragment(ClusterProtocol.Fragment fragment) {
    Worker w = bySlot(fragment.slot());
    boolean current = request != null && started && fragment.version() == request.version()
        && outstanding.contains(fragment.slot()) && w != null;
    if (!current) {
      dropped++;
      return this;
    }
    outstanding.remove(fragment.slot());
    parts.put(fragment.slot(), new Part(fragment.slot(), w.address, fragment.batch()));
    completeIfDone();
    return this;
  }

  private Behavior<ToLearner> onWorkerFailed(ClusterProtocol.WorkerFailed failed) {
    Worker w = bySlot(failed.slot());
    notes.accept("cluster: worker " + (w == null ? "in slot " + failed.slot() : w.address)
        + " failed: " + failed.message());
    if (w != null) {
      forget(w);
    }
    return this;
  }

  private Behavior<ToLearner> onGone(Gone gone) {
    Worker w = workers.get(gone.worker());
    if (w != null && !stopping) {
      notes.accept("cluster: worker " + w.address + " left or was downed (slot " + w.slot + ")");
      forget(w);
    }
    return this;
  }

  private void forget(Worker w) {
    workers.remove(w.ref);
    getContext().unwatch(w.ref);
    if (outstanding.remove(w.slot)) {
      dropped++;
      completeIfDone();
    }
  }

  private Behavior<ToLearner> onTimedOut(TimedOut timedOut) {
    if (timedOut.round() == round && request != null && started && !outstanding.isEmpty()) {
      notes.accept("cluster: no fragment from slot(s) " + outstanding + " within "
          + request.timeout().toSeconds() + " s; the iteration goes on without them");
      dropped += outstanding.size();
      outstanding.clear();
      completeIfDone();
    }
    return this;
  }

  private void completeIfDone() {
    if (request == null || !started || !outstanding.isEmpty()) {
      return;
    }
    timers.cancel("round");
    CollectRound done = request;
    request = null;
    done.replyTo().tell(new Round(List.copyOf(parts.values()), joinedCount(), dropped));
    parts.clear();
  }

  private Behavior<ToLearner> onShutdown(Shutdown shutdown) {
    stopping = true;
    for (Worker w : workers.values()) {
      w.ref.tell(new ClusterProtocol.Stop(shutdown.reason(), false));
    }
    shutdown.replyTo().tell(Done.getInstance());
    return this;
  }
}
