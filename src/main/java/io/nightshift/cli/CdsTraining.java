package io.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
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
    Settings.resolve(Settings.Flags.NONE, Map.of(), ConfigFile.Config.EMPTY, Path.of("/"));
    ConfigFile.read(Path.of("/nonexistent/nightshift/config.yaml"));
    Durations.parse("1h30m");
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest.newBuilder(URI.create("http://localhost:8080/api/v1/runs/x"))
        .header("Authorization", "Bearer x")
        .GET()
        .build();
    return rendered.isEmpty() || client == null ? Exit.USAGE : Exit.OK;
  }
}
