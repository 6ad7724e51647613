package io.nightshift.workflow;

/** No workflow of that name in that namespace. */
public class WorkflowNotFoundException extends RuntimeException {

  public WorkflowNotFoundException(String namespace, String name) {
    super("workflow \"" + name + "\" not found in namespace \"" + namespace + "\"");
  }
}
