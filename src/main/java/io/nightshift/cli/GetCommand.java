package io.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code get workflows|workflow|runs|run}. */
@Command(
    name = "get",
    description = "Show workflows, a workflow's runs, or one run.",
    subcommands = {
      GetCommand.Workflows.class,
      GetCommand.Runs_.class,
      GetCommand.Run.class,
    })
final class GetCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "say what to get: workflows, workflow NAME, runs NAME or run ID");
  }

  /** At most this many pages of a listing are read (1,000 items each). */
  private static final int MAX_PAGES = 100;

  @Command(
      name = "workflows",
      aliases = {"workflow", "wf"},
      description = "List the workflows of a namespace (-n), of all (-A), or show one by NAME.")
  static final class Workflows extends Base {

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "One workflow.")
    String name;

    @Option(
        names = {"-A", "--all-namespaces"},
        description = "The workflows of every namespace the token sees.")
    boolean all;

    @Override
    public Integer call() {
      ApiClient api = api();
      Instant now = Instant.now();
      if (name != null) {
        JsonNode workflow = api.send(ApiClient.Call.get(workflowPath(namespace(), name))).json();
        if (!printedRaw(workflow)) {
          out().print(Views.workflows(List.of(workflow), false, wide(), now));
        }
        return Exit.OK;
      }
      List<JsonNode> items = new ArrayList<>();
      String cursor = null;
      for (int page = 0; page < MAX_PAGES; page++) {
        StringBuilder path = new StringBuilder("/api/v1/workflows?limit=1000");
        if (!all) {
          path.append("&namespace=").append(ApiClient.encode(namespace()));
        }
        if (cursor != null) {
          path.append("&cursor=").append(ApiClient.encode(cursor));
        }
        JsonNode answer = api.send(ApiClient.Call.get(path.toString())).json();
        answer.path("items").forEach(items::add);
        cursor = Json.text(answer, "/nextCursor");
        if (cursor == null) {
          break;
        }
      }
      if (!printedRaw(list(items))) {
        if (items.isEmpty()) {
          err()
              .println(
                  all
                      ? "No workflows found."
                      : "No workflows found in " + namespace() + " namespace.");
        } else {
          out().print(Views.workflows(items, all, wide(), now));
        }
      }
      return Exit.OK;
    }
  }

  @Command(name = "runs", description = "A workflow's runs, newest first.")
  static final class Runs_ extends Base {

    @Parameters(paramLabel = "WORKFLOW")
    String workflow;

    @Option(
        names = "--status",
        paramLabel = "STATUS",
        description =
            "Only runs in this status: Pending, Running, Succeeded, Failed, Cancelled, Skipped,"
                + " Missed.")
    String status;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "20",
        description = "At most N runs (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
      if (limit < 1) {
        throw new CliException(Exit.USAGE, "--limit must be at least 1");
      }
      ApiClient api = api();
      List<JsonNode> items = new ArrayList<>();
      String cursor = null;
      while (items.size() < limit) {
        StringBuilder path =
            new StringBuilder(workflowPath(namespace(), workflow))
                .append("/runs?limit=")
                .append(Math.min(1000, limit - items.size()));
        if (status != null) {
          path.append("&status=").append(ApiClient.encode(status));
        }
        if (cursor != null) {
          path.append("&cursor=").append(ApiClient.encode(cursor));
        }
        JsonNode answer = api.send(ApiClient.Call.get(path.toString())).json();
        answer.path("items").forEach(items::add);
        cursor = Json.text(answer, "/nextCursor");
        if (cursor == null) {
          break;
        }
      }
      if (!printedRaw(list(items))) {
        if (items.isEmpty()) {
          err().println("No runs found.");
        } else {
          out().print(Views.runs(items, false, wide(), Instant.now()));
        }
      }
      return Exit.OK;
    }
  }

  @Command(name = "run", description = "One run with its steps.")
  static final class Run extends Base {

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      JsonNode run = api().send(ApiClient.Call.get(runPath(id)).aboutRun()).json();
      if (!printedRaw(run)) {
        Instant now = Instant.now();
        out().print(Views.runs(List.of(run), true, wide(), now));
        if (run.path("steps").size() > 0) {
          out().println();
          out().print(Views.steps(run, wide(), now));
        }
      }
      return Exit.OK;
    }
  }

  static ObjectNode list(List<JsonNode> items) {
    ObjectNode list = Json.object();
    ArrayNode array = list.putArray("items");
    items.forEach(array::add);
    return list;
  }
}
