package io.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code run NAME}: starts a run now and, with {@code --wait}, waits for it and exits with its
 * code. The run is created with an Idempotency-Key (one made up when none is given), so that a
 * create retried after a dropped connection never makes two runs.
 */
@Command(
    name = "run",
    description = {
      "Start a run of a workflow now; with --wait, wait for it and exit with its code.",
      "While waiting, step transitions go to stderr; with --follow, the steps' logs go to stdout;"
          + " the last stdout line is NIGHTSHIFT_RESULT run=<id> status=<status>"
          + " failedSteps=<a,b> duration=<seconds>."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "  0:succeeded (or, without --wait, created)",
      "  1:failed",
      "  2:invalid input, e.g. an undeclared parameter or no such workflow",
      "  3:cancelled",
      "  4:--timeout ran out",
      "  5:not started: Skipped or Missed",
      " 10:the API unreachable, refused the token, or 5xx after retries",
      "143:SIGTERM (130: SIGINT) while waiting, after cancelling the run"
    })
final class RunCommand extends Base {

  @Parameters(paramLabel = "NAME", description = "The workflow.")
  String name;

  @Option(
      names = {"-p", "--parameter"},
      paramLabel = "KEY=VALUE",
      description = "A parameter for this run (declared by the workflow). Repeatable.")
  Map<String, String> parameters = new LinkedHashMap<>();

  @Option(
      names = "--idempotency-key",
      paramLabel = "KEY",
      description =
          "The same key for the same workflow gives the same run (default: a new UUID, kept across"
              + " retries of the create).")
  String idempotencyKey;

  @Mixin WaitOptions waiting;

  @Override
  public Integer call() {
    String key = idempotencyKey == null ? UUID.randomUUID().toString() : idempotencyKey;
    ObjectNode body = Json.object();
    ObjectNode values = body.putObject("parameters");
    parameters.forEach(values::put);
    ApiClient.Call create =
        ApiClient.Call.post(workflowPath(namespace(), name) + "/runs")
            .json(body)
            .header("Idempotency-Key", key)
            .idempotent();
    if (!waiting.waits()) {
      JsonNode run = api().send(create).json();
      if (!printedRaw(run)) {
        out().println("run.nightshift.io/" + Runs.id(run) + " created");
      }
      // the run's own end is for --wait: without it, 0 means it was created
      return Exit.OK;
    }
    ApiClient api = waitingApi();
    Lines lines = new Lines(out(), err());
    RunWatcher watcher = new RunWatcher(api, lines, waiting.watcherOptions(waiting.timeout));
    RunWatcher.Outcome outcome =
        watcher.watch(
            () -> {
              JsonNode run = api.send(create).json();
              lines.err(
                  "run "
                      + Runs.id(run)
                      + " of "
                      + namespace()
                      + "/"
                      + name
                      + " created"
                      + (Json.text(run, "/seq") == null
                          ? ""
                          : " (#" + Json.text(run, "/seq") + ")"));
              return run;
            });
    lines.close(null);
    return outcome.exitCode();
  }
}
