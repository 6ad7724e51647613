package io.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code suspend}, {@code resume} and {@code next}: a workflow's schedule. */
final class WorkflowCommands {

  private WorkflowCommands() {}

  @Command(name = "suspend", description = "Stop a workflow's schedule from firing.")
  static final class Suspend extends Base {

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      return setSuspended(this, name, "suspend", "suspended");
    }
  }

  @Command(name = "resume", description = "Let a suspended workflow's schedule fire again.")
  static final class Resume extends Base {

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      return setSuspended(this, name, "resume", "resumed");
    }
  }

  /** Posts {@code action} (suspend or resume) for the workflow and says what became of it. */
  private static int setSuspended(Base command, String name, String action, String done) {
    String namespace = command.namespace();
    JsonNode workflow =
        command
            .api()
            .send(
                ApiClient.Call.post(Base.workflowPath(namespace, name) + "/" + action).idempotent())
            .json();
    if (!command.printedRaw(workflow)) {
      command.out().println("workflow.nightshift.io/" + namespace + "/" + name + " " + done);
    }
    return Exit.OK;
  }

  @Command(name = "next", description = "The next fire times of a workflow's schedule.")
  static final class Next extends Base {

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(
        names = "--count",
        paramLabel = "N",
        defaultValue = "10",
        description = "How many (1 to 1000, default ${DEFAULT-VALUE}).")
    int count;

    @Option(
        names = "--from",
        paramLabel = "TIME",
        description = "After this instant (RFC 3339; default now).")
    String from;

    @Override
    public Integer call() {
      String path = workflowPath(namespace(), name) + "/schedule?count=" + count;
      if (from != null) {
        path += "&from=" + ApiClient.encode(from);
      }
      JsonNode preview = api().send(ApiClient.Call.get(path)).json();
      if (printedRaw(preview)) {
        return Exit.OK;
      }
      if (Json.text(preview, "/schedule") == null) {
        err().println("workflow " + name + " has no schedule: it runs only when asked");
        return Exit.OK;
      }
      if (preview.path("suspended").asBoolean(false)) {
        err().println("workflow " + name + " is suspended: these times fire only once resumed");
      }
      Instant now = Instant.now();
      Table table = new Table("scheduled", "in");
      for (JsonNode time : preview.path("items")) {
        Instant at = Instant.parse(time.asText());
        table.row(time.asText(), Durations.human(Duration.between(now, at)));
      }
      out().print(table.render());
      return Exit.OK;
    }
  }
}
