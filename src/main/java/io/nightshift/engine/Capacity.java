package io.nightshift.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which of the steps ready to start may start now, under the cap on steps running at once in the
 * whole cluster and the optional quota of each namespace, as a pure function of what is running.
 *
 * <p>What counts: steps in status Running, that is launched and not yet ended, of every run,
 * counted per namespace. A step that waits for its next attempt after a failure is not Running and
 * does not count.
 *
 * <p>Order: the step that has been ready longest starts first ({@link Candidate#readyAt}: when its
 * last parent ended, when its run was admitted for a first step, when its backoff ended for a next
 * attempt), then the older run, then the step's place in its definition. A step's readiness time
 * never changes while it waits, so every waiting step moves forward as others start: a backfill of
 * a thousand runs does not keep a scheduled run's step waiting until the whole backfill has ended,
 * only until the steps that were ready before it have started.
 *
 * <p>The cluster's cap stops everything once reached. A namespace's quota stops only that
 * namespace's steps; later steps of other namespaces still start.
 */
public final class Capacity {

  /**
   * The limits.
   *
   * @param maxRunning steps Running at once in the whole cluster, at least 1
   * @param quotas steps Running at once per namespace, for the namespaces that have a quota
   */
  public record Limits(int maxRunning, Map<String, Integer> quotas) {
    public Limits {
      quotas = Map.copyOf(quotas);
    }
  }

  /**
   * A step that may start: a first attempt whose parents have ended, or a next attempt whose
   * backoff has passed.
   *
   * @param runId its run
   * @param step its name
   * @param namespace its run's namespace
   * @param readyAt since when it could have started
   * @param runCreatedAt when its run was created
   * @param position its place among its run's steps
   */
  public record Candidate(
      String runId,
      String step,
      String namespace,
      Instant readyAt,
      Instant runCreatedAt,
      int position) {}

  /** Why a step waits. */
  public enum Wait {
    /** {@link Limits#maxRunning} steps are Running. */
    CLUSTER_FULL,
    /** Its namespace's quota of steps are Running. */
    NAMESPACE_FULL
  }

  /**
   * The steps that start now, in the order they were chosen, and those that wait, with why.
   *
   * @param start the candidates to launch now
   * @param waiting the others, with why each waits
   */
  public record Allocation(List<Candidate> start, Map<Candidate, Wait> waiting) {}

  /** Longest ready first; then older run; then run id and position, so the order is total. */
  static final Comparator<Candidate> ORDER =
      Comparator.comparing(Candidate::readyAt)
          .thenComparing(Candidate::runCreatedAt)
          .thenComparing(Candidate::runId)
          .thenComparingInt(Candidate::position);

  private Capacity() {}

  /**
   * @param limits the cap and the quotas
   * @param running steps Running now, by namespace
   * @param candidates the steps that could start now, in any order
   */
  public static Allocation allocate(
      Limits limits, Map<String, Integer> running, List<Candidate> candidates) {
    Map<String, Integer> byNamespace = new HashMap<>(running);
    int total = byNamespace.values().stream().mapToInt(Integer::intValue).sum();
    List<Candidate> ordered = new ArrayList<>(candidates);
    ordered.sort(ORDER);
    List<Candidate> start = new ArrayList<>();
    Map<Candidate, Wait> waiting = new LinkedHashMap<>();
    for (Candidate candidate : ordered) {
      int inNamespace = byNamespace.getOrDefault(candidate.namespace(), 0);
      Integer quota = limits.quotas().get(candidate.namespace());
      if (total >= limits.maxRunning()) {
        waiting.put(candidate, Wait.CLUSTER_FULL);
      } else if (quota != null && inNamespace >= quota) {
        waiting.put(candidate, Wait.NAMESPACE_FULL);
      } else {
        start.add(candidate);
        byNamespace.put(candidate.namespace(), inNamespace + 1);
        total++;
      }
    }
    return new Allocation(List.copyOf(start), waiting);
  }
}
