// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout.cluster;

import java.util.Map;

/**
 * What the cluster did for one iteration's batch, for {@code metrics.jsonl}.
 *
 * @param workers workers joined at the end of the round
 * @param localSteps agent steps of the learner's own envs
 * @param workerSteps agent steps each answering worker sent, by its address, in slot order
 * @param droppedFragments fragments dropped during the round: of workers that died or missed the
 *     timeout, and late ones (of an earlier policy version) that arrived meanwhile
 * @param fragmentBytes bytes of the fragments received during the round, as they crossed the wire
 * @param fragments fragments decoded during the round (late ones included)
 * @param decodeMs the wire serializer's time decoding them
 */
public record ClusterStats(int workers, long localSteps, Map<String, Long> workerSteps,
    int droppedFragments, long fragmentBytes, long fragments, double decodeMs) {

  public ClusterStats {
    workerSteps = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(workerSteps));
  }
}
