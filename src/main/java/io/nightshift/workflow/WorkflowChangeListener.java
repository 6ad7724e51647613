package io.nightshift.workflow;

/**
 * Told of every stored change to a definition, inside the transaction that stores it: what a
 * listener writes commits with the change, and a listener that throws rolls the change back. Only
 * {@link #deleteCommitted} comes after the commit.
 */
public interface WorkflowChangeListener {

  /** The workflow was created or replaced, or suspended or resumed. */
  void applied(Workflow workflow);

  /**
   * The workflow is about to be deleted, with its runs: what they left (Jobs, processes, logs) can
   * still be found.
   */
  default void deleting(String namespace, String name) {}

  void deleted(String namespace, String name);

  /**
   * The deletion has committed: called after the transaction, for effects outside the database
   * (deleting Jobs) that must not happen for a deletion that rolls back.
   */
  default void deleteCommitted(String namespace, String name) {}
}
