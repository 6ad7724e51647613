package io.nightshift.run;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Where runs and their steps are kept, as the engine speaks to it: in domain terms, with every
 * write fenced by the leader's lease. The store package implements it over PostgreSQL.
 */
public interface RunStore {

  /** Runs not yet ended, oldest first: what the engine looks after. */
  List<RunRow> active();

  /**
   * These runs as they are now, whatever their status; those that no longer exist are absent. With
   * {@code definitions} false each row's definition is null: for runs whose definition the caller
   * has already.
   */
  List<RunRow> runs(Collection<String> ids, boolean definitions);

  /** The steps of each of these runs, in their order of definition. */
  Map<String, List<StepRow>> stepsOf(Collection<String> runIds);

  default List<StepRow> steps(String runId) {
    return stepsOf(List.of(runId)).getOrDefault(runId, List.of());
  }

  /** The attempts of every run of a workflow: what its Jobs and processes are named. */
  List<Attempt> attemptsOf(String namespace, String workflow);

  /**
   * Applies {@code changes} in order, in one transaction, if {@code fence} still holds.
   *
   * @throws NotLeaderException when it does not: nothing is written
   */
  void write(Fence fence, List<Change> changes);

  /** A step attempt of a deleted run, with its namespace: what its Job or process is named. */
  record Leftover(String namespace, Attempt attempt) {}

  /**
   * Deletes, in one statement, the ended runs beyond their workflows' history limits (Succeeded
   * past {@code successfulRunsHistoryLimit}, the others past {@code failedRunsHistoryLimit}, newest
   * kept, none ended at or after {@code endedBefore}), looking only at the workflows that have a
   * run ended at or after {@code endedSince}, if {@code fence} still holds. Returns the attempts of
   * the deleted runs, for their resources.
   */
  List<Leftover> collectHistory(Fence fence, Instant endedSince, Instant endedBefore);
}
