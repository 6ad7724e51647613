package io.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * A hidden command bin/nightshift runs once, with {@code -XX:ArchiveClassesAtExit}, to make the
 * class-data sharing archive later runs start from: it loads what most commands load (the JSON and
 * YAML mappers, the HTTP client, the tables) without asking any server.
 */
@Command(name = "cds-training", hidden = true)
final class CdsTraining extends Base {

  private static final String RUN =
      """
      {"id":"01J","namespace":"default","workflow":"w","seq":1,"trigger":"manual",
       "status":"Succeeded","terminal":true,"scheduledTime":"2026-01-01T00:00:00Z",
       "createdAt":"2026-01-01T00:00:00Z","startedAt":"2026-01-01T00:00:00Z",
       "finishedAt":"2026-01-01T00:00:12Z","parameters":{},"steps":[{"name":"a",
       "status":"Succeeded","attempt":1,"jobName":"w-1-a","exitCode":0,
       "startedAt":"2026-01-01T00:00:00Z","finishedAt":"2026-01-01T00:00:12Z"}]}
      """;

  @Override
  public Integer call() {
    spec.root().commandLine().getUsageMessage();
    JsonNode run = Json.parse(RUN.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Instant now = Instant.now();
    String rendered =
        Views.runs(List.of(run), true, true, now)
            + Views.steps(run, true, now)
            + Json.pretty(run)
            + Json.yaml(run)
            + Runs.resultLine(run, now)
            + RunWatcher.transition(run.path("steps").get(0), 4, now);
    Settings settings =
        Settings.resolve(
            new Settings.Flags("http://127.0.0.1:1", null, null, null),
            Map.of("NIGHTSHIFT_TOKEN", "training"),
            ConfigFile.Config.EMPTY,
            Path.of("/"));
    ConfigFile.read(Path.of("/nonexistent/nightshift/config.yaml"));
    Durations.parse("1h30m");
    // port 1 of the loopback refuses at once: the request path is loaded, nothing is asked
    try {
      new ApiClient(settings, Duration.ZERO, err())
          .send(ApiClient.Call.get("/api/v1/runs/x").aboutRun());
    } catch (CliException expected) {
      // refused
    }
    return rendered.isEmpty() ? Exit.USAGE : Exit.OK;
  }
}
