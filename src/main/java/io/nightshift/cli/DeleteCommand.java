package io.nightshift.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code delete workflow NAME}. */
@Command(
    name = "delete",
    description = "Delete a workflow.",
    subcommands = {DeleteCommand.Workflow.class})
final class DeleteCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "say what to delete: workflow NAME");
  }

  @Command(
      name = "workflow",
      aliases = {"workflows", "wf"},
      description =
          "Delete a workflow with its runs: their running steps are stopped and what they left"
              + " removed.")
  static final class Workflow extends Base {

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      api().send(ApiClient.Call.delete(workflowPath(namespace(), name)));
      out().println("workflow.nightshift.io/" + namespace() + "/" + name + " deleted");
      return Exit.OK;
    }
  }
}
