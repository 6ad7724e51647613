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

  /** The steps of each of these runs, in their order of definition. */
  Map<String, List<StepRow>> stepsOf(Collection<String> runIds);

  default List<StepRow> steps(String runId) {
    return stepsOf(List.of(runId)).getOrDefault(runId, List.of());
  }

  /** A workflow by namespace and name. */
  record WorkflowName(String namespace, String name) {}

  /** Every workflow that has ended runs. */
  List<WorkflowName> workflowsWithEndedRuns();

  /** The attempts of every run of a workflow: what its Jobs and processes are named. */
  List<Attempt> attemptsOf(String namespace, String workflow);

  /**
   * Applies {@code changes} in order, in one transaction, if {@code fence} still holds.
   *
   * @throws NotLeaderException when it does not: nothing is written
   */
  void write(Fence fence, List<Change> changes);

  /**
   * Deletes a workflow's ended runs beyond its history limits, newest kept and none ended at or
   * after {@code endedBefore}, if {@code fence} still holds; returns the attempts of the deleted
   * runs, for their resources.
   */
  List<Attempt> deleteBeyondLimits(
      Fence fence,
      String namespace,
      String workflow,
      int succeededLimit,
      int otherLimit,
      Instant endedBefore);
}
