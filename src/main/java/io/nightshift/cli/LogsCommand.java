package io.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code logs RUN [STEP]}: what a run's steps printed, or print as they run. */
@Command(
    name = "logs",
    description = {
      "Print the log of a step of a run; without STEP, of every started step in order, each line"
          + " prefixed [step].",
      "With --follow, stream the logs until the run ends."
    })
final class LogsCommand extends Base {

  @Parameters(index = "0", paramLabel = "RUN")
  String id;

  @Parameters(index = "1", arity = "0..1", paramLabel = "STEP")
  String step;

  @Option(
      names = {"-f", "--follow"},
      description = "Stream the logs as the steps run, until the run ends.")
  boolean follow;

  @Option(names = "--tail", paramLabel = "N", description = "Only the last N lines of each log.")
  Integer tail;

  @Override
  public Integer call() {
    if (tail != null && tail < 0) {
      throw new CliException(Exit.USAGE, "--tail must be 0 or more");
    }
    if (follow && tail != null) {
      throw new CliException(
          Exit.USAGE, "--tail with --follow is not supported: a followed log starts at its top");
    }
    if (follow) {
      return follow();
    }
    ApiClient api = api();
    JsonNode run = api.send(ApiClient.Call.get(runPath(id)).aboutRun()).json();
    List<String> steps = new ArrayList<>();
    if (step != null) {
      steps.add(step);
    } else {
      for (JsonNode s : run.path("steps")) {
        if (Runs.stepStarted(s)) {
          steps.add(s.path("name").asText());
        }
      }
      if (steps.isEmpty()) {
        err().println("run " + id + " has no started step yet");
        return Exit.OK;
      }
    }
    for (String name : steps) {
      String path =
          runPath(id)
              + "/steps/"
              + ApiClient.encode(name)
              + "/logs"
              + (tail == null ? "" : "?tailLines=" + tail);
      ApiClient.Response log =
          api.send(
              ApiClient.Call.get(path).header("Accept", "text/plain").what("step " + name + ": "));
      String text = log.text();
      if (step != null) {
        out().print(text);
        if (!text.isEmpty() && !text.endsWith("\n")) {
          out().println();
        }
      } else {
        String prefix = "[" + name + "] ";
        String[] lines = text.split("\n", -1);
        // the element after a last newline is no line
        int count = text.endsWith("\n") || text.isEmpty() ? lines.length - 1 : lines.length;
        for (int i = 0; i < count; i++) {
          out().println(prefix + lines[i]);
        }
      }
      log.header("Nightshift-Log-Truncated")
          .filter("true"::equals)
          .ifPresent(
              t ->
                  err()
                      .println(
                          "step "
                              + name
                              + ": the log's first "
                              + log.header("Nightshift-Log-Bytes-Omitted").orElse("?")
                              + " bytes were left out (the server's nightshift.logs.max-bytes)"));
    }
    out().flush();
    return Exit.OK;
  }

  private int follow() {
    ApiClient api = waitingApi();
    JsonNode run = api.send(ApiClient.Call.get(runPath(id)).aboutRun()).json();
    if (step != null) {
      boolean known = false;
      for (JsonNode s : run.path("steps")) {
        known |= s.path("name").asText().equals(step);
      }
      if (!known) {
        throw new CliException(Exit.USAGE, "run " + id + " has no step named \"" + step + "\"");
      }
    }
    Lines lines = new Lines(out(), err());
    RunWatcher.Options options =
        new RunWatcher.Options(
            false,
            true,
            false,
            null,
            false,
            false,
            Duration.ofSeconds(2),
            step == null ? Set.of() : Set.of(step),
            step == null);
    new RunWatcher(api, lines, options).watchExisting(run);
    lines.close(null);
    return Exit.OK;
  }
}
