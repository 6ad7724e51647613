package io.nightshift.workflow;

/**
 * Told of every stored change to a definition, inside the transaction that stores it: what a
 * listener writes commits with the change, and a listener that throws rolls the change back.
 */
public interface WorkflowChangeListener {

  /** The workflow was created or replaced, or suspended or resumed. */
  void applied(Workflow workflow);

  void deleted(String namespace, String name);
}
