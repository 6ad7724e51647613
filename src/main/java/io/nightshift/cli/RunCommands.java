package io.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cancel}, {@code retry} and {@code backfill}. */
final class RunCommands {

  private RunCommands() {}

  @Command(
      name = "cancel",
      description =
          "Cancel a run: its running steps are stopped and it ends Cancelled (409, exit 2, if it"
              + " has ended).")
  static final class Cancel extends Base {

    @Parameters(paramLabel = "RUN")
    String id;

    @Override
    public Integer call() {
      JsonNode run =
          api().send(ApiClient.Call.post(runPath(id) + "/cancel").idempotent().aboutRun()).json();
      if (!printedRaw(run)) {
        out().println("run.nightshift.io/" + id + " cancelling");
      }
      return Exit.OK;
    }
  }

  @Command(
      name = "retry",
      description = {
        "Run the failed, skipped and cancelled steps of a Failed or Cancelled run again.",
        "With --wait, wait for it as run --wait does and exit with its code."
      })
  static final class Retry extends Base {

    @Parameters(paramLabel = "RUN")
    String id;

    @Mixin WaitOptions waiting;

    @Override
    public Integer call() {
      ApiClient.Call retry = ApiClient.Call.post(runPath(id) + "/retry").aboutRun();
      if (!waiting.waits()) {
        JsonNode run = api().send(retry).json();
        if (!printedRaw(run)) {
          out().println("run.nightshift.io/" + id + " retried");
        }
        return Exit.OK;
      }
      ApiClient api = waitingApi();
      JsonNode before = api.send(ApiClient.Call.get(runPath(id)).aboutRun()).json();
      Lines lines = new Lines(out(), err());
      RunWatcher watcher =
          new RunWatcher(api, lines, waiting.watcherOptions(waiting.timeout))
              .ignoringEndedStepsOf(before);
      RunWatcher.Outcome outcome =
          watcher.watch(
              () -> {
                JsonNode run = api.send(retry).json();
                lines.err("run " + id + " retried");
                return run;
              });
      lines.close(null);
      return outcome.exitCode();
    }
  }

  @Command(
      name = "backfill",
      description = {
        "One run per scheduled time from --from to --to (both included), under the workflow's"
            + " concurrency policy; a time that already has a run gets none.",
        "With --wait, wait for each run in turn, print a NIGHTSHIFT_RESULT line for each, and"
            + " exit with the worst code: 1 if any failed, else 3 if any was cancelled, else 5 if"
            + " any was not started, else 0."
      })
  static final class Backfill extends Base {

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--from", required = true, paramLabel = "TIME", description = "RFC 3339.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "TIME", description = "RFC 3339.")
    String to;

    @Mixin WaitOptions waiting;

    @Override
    public Integer call() {
      ObjectNode body = Json.object().put("from", from).put("to", to);
      ApiClient api = waiting.waits() ? waitingApi() : api();
      JsonNode answer =
          api.send(
                  ApiClient.Call.post(workflowPath(namespace(), name) + "/backfill")
                      .json(body)
                      .idempotent())
              .json();
      List<JsonNode> runs = new ArrayList<>();
      answer.path("items").forEach(runs::add);
      if (!waiting.waits()) {
        if (!printedRaw(answer)) {
          if (!runs.isEmpty()) {
            out().print(Views.runs(runs, false, wide(), Instant.now()));
          }
          for (JsonNode time : answer.path("alreadyRun")) {
            err().println(time.asText() + " has a run already");
          }
          if (runs.isEmpty()) {
            err().println("No runs created.");
          }
        }
        return Exit.OK;
      }
      for (JsonNode time : answer.path("alreadyRun")) {
        err().println(time.asText() + " has a run already");
      }
      Lines lines = new Lines(out(), err());
      long start = System.nanoTime();
      int worst = Exit.OK;
      for (int i = 0; i < runs.size(); i++) {
        Duration left =
            waiting.timeout == null
                ? null
                : waiting.timeout.minus(Duration.ofNanos(System.nanoTime() - start));
        if (left != null && (left.isNegative() || left.isZero())) {
          left = Duration.ofMillis(1);
        }
        List<String> later = runs.subList(i + 1, runs.size()).stream().map(Runs::id).toList();
        lines.err(
            "run "
                + Runs.id(runs.get(i))
                + " scheduled "
                + Json.text(runs.get(i), "/scheduledTime"));
        RunWatcher.Outcome outcome =
            new RunWatcher(api, lines, waiting.watcherOptions(left))
                .alsoCancelOnSignal(later)
                .watchExisting(runs.get(i));
        if (outcome.exitCode() == Exit.TIMEOUT || outcome.exitCode() == Exit.UNAVAILABLE) {
          worst = outcome.exitCode();
          break;
        }
        worst = worse(worst, outcome.exitCode());
      }
      lines.close(null);
      return worst;
    }

    /** Failed over cancelled over not started over succeeded. */
    static int worse(int a, int b) {
      for (int code : new int[] {Exit.FAILED, Exit.CANCELLED, Exit.NOT_STARTED}) {
        if (a == code || b == code) {
          return code;
        }
      }
      return Exit.OK;
    }
  }
}
