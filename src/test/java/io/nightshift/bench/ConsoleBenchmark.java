package io.nightshift.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.awaitility.Awaitility;

/**
 * The console's render times and page sizes, printed and written to {@code benchmark.output}
 * ({@code target/benchmark/console.json}); not a test. Targets (issue "web console"): the workflows
 * list with 1,000 workflows, and a run page with 100 steps, each rendered in at most 300 ms and at
 * most 150 KB over the wire. The peer is the API's JSON list of the same 1,000 workflows, in the
 * same run.
 *
 * <p>Every workflow gets 10 ended runs for its strip, written straight into the database (starting
 * 10,000 processes would measure the executor, not the page). The 100-step run is a real one, on
 * the local executor. Times are measured by the client on the same machine (loopback), so they
 * include the request itself; the median and p95 of {@value #RUNS} requests after {@value #WARMUP}
 * to warm up.
 */
public final class ConsoleBenchmark {

  private static final int WORKFLOWS = 1000;
  private static final int STEPS = 100;
  private static final int WARMUP = 10;
  private static final int RUNS = 30;

  private ConsoleBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path output = Path.of(System.getProperty("benchmark.output", "target/benchmark/console.json"));
    Path work = Files.createTempDirectory("nightshift-console-bench");
    ObjectNode results = JsonNodeFactory.instance.objectNode();
    results.put("machine_cores", Runtime.getRuntime().availableProcessors());
    results.put("workflows", WORKFLOWS);
    results.put("run_steps", STEPS);
    PostgresFixture.Database database = PostgresFixture.newDatabase();
    try (NightshiftNode node =
        NightshiftNode.startOnSystemClock(
            NightshiftNode.on(
                database,
                "nightshift.executor",
                "local",
                "nightshift.data-dir",
                work.resolve("data").toString()))) {
      String base = node.context().getBean(EmbeddedServer.class).getURL().toString();
      long started = System.nanoTime();
      for (int i = 0; i < WORKFLOWS; i++) {
        HttpResponse<String> put =
            node.put(
                "/api/v1/namespaces/team-" + (i % 20) + "/workflows/job-" + i,
                "application/yaml",
                """
                apiVersion: nightshift.io/v1
                kind: Workflow
                metadata: {labels: {team: team-%d, tier: batch}}
                spec:
                  schedule: "%d %d * * *"
                  timeZone: Europe/Paris
                  successfulRunsHistoryLimit: 10
                  failedRunsHistoryLimit: 10
                  steps:
                    - {name: extract, image: busybox, command: [sh, -c, 'echo extract']}
                    - {name: load, dependsOn: [extract], image: busybox, command: [sh, -c, 'echo load']}
                """
                    .formatted(i % 20, i % 60, i % 24));
        if (put.statusCode() != 201) {
          throw new IllegalStateException(put.body());
        }
      }
      System.out.printf(
          "%d workflows defined in %.1f s%n", WORKFLOWS, (System.nanoTime() - started) / 1e9);
      seedEndedRuns(database);
      String runId = hundredStepRun(node);

      String cookie = "nightshift_session=" + NightshiftNode.ADMIN_TOKEN;
      ObjectNode pages = results.putObject("pages");
      measure(pages, "workflows list, 1,000 workflows", base + "/", cookie, null);
      measure(pages, "run page, 100 steps", base + "/runs/" + runId, cookie, null);
      measure(
          pages,
          "peer: API JSON list of the same 1,000 workflows",
          base + "/api/v1/workflows?limit=1000",
          null,
          "Bearer " + NightshiftNode.ADMIN_TOKEN);
    }
    results.put("targets", "render <= 300 ms, <= 150 KB over the wire");
    Files.createDirectories(output.toAbsolutePath().getParent());
    Results.write(results, output);
    System.out.println("Written to " + output.toAbsolutePath());
  }

  /** Ten ended runs per workflow, alternating Succeeded and Failed, an hour apart. */
  private static void seedEndedRuns(PostgresFixture.Database database) throws Exception {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "INSERT INTO runs (id, namespace, workflow, seq, trigger, status, reason, message,"
              + " scheduled_time, created_at, started_at, finished_at, parameters, workflow_uid,"
              + " generation)"
              + " SELECT 'seed-' || w.namespace || '-' || w.name || '-' || g, w.namespace, w.name,"
              + " g, 'schedule', CASE WHEN g % 3 = 0 THEN 'Failed' ELSE 'Succeeded' END,"
              + " CASE WHEN g % 3 = 0 THEN 'StepFailed' END, NULL,"
              + " now() - (11 - g) * interval '1 hour', now() - (11 - g) * interval '1 hour',"
              + " now() - (11 - g) * interval '1 hour', now() - (11 - g) * interval '59 minutes',"
              + " '{}', w.uid, w.generation FROM workflows w, generate_series(1, 10) g");
    }
  }

  /** A run of a workflow of 100 steps (one, 98 after it, one after them all), to its end. */
  private static String hundredStepRun(NightshiftNode node) {
    StringBuilder steps =
        new StringBuilder("    - {name: start, image: busybox, command: [echo, start]}\n");
    List<String> middle = new ArrayList<>();
    for (int i = 1; i < STEPS - 1; i++) {
      middle.add("part-" + i);
      steps.append(
          "    - {name: part-%d, dependsOn: [start], image: busybox, command: [echo, part %d]}\n"
              .formatted(i, i));
    }
    steps.append(
        "    - {name: finish, dependsOn: [%s], image: busybox, command: [echo, done]}\n"
            .formatted(String.join(", ", middle)));
    HttpResponse<String> put =
        node.put(
            "/api/v1/namespaces/wide/workflows/fan-out",
            "application/yaml",
            "apiVersion: nightshift.io/v1\nkind: Workflow\nspec:\n  steps:\n" + steps);
    if (put.statusCode() != 201) {
      throw new IllegalStateException(put.body());
    }
    String id = node.runNow("wide", "fan-out");
    Awaitility.await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> Json.parse(node.get("/api/v1/runs/" + id).body()).get("terminal").asBoolean());
    return id;
  }

  private static void measure(
      ObjectNode pages, String what, String url, String cookie, String authorization)
      throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(url)).header("Accept-Encoding", "gzip").GET();
    if (cookie != null) {
      builder.header("Cookie", cookie);
    }
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    HttpRequest request = builder.build();
    double[] millis = new double[RUNS];
    long wire = 0;
    long size = 0;
    for (int i = 0; i < WARMUP + RUNS; i++) {
      long start = System.nanoTime();
      HttpResponse<byte[]> answer = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      long elapsed = System.nanoTime() - start;
      if (answer.statusCode() != 200) {
        throw new IllegalStateException(what + ": " + answer.statusCode());
      }
      if (i >= WARMUP) {
        millis[i - WARMUP] = elapsed / 1e6;
      }
      wire = answer.body().length;
      boolean gzip =
          answer
              .headers()
              .firstValue("Content-Encoding")
              .map("gzip"::equalsIgnoreCase)
              .orElse(false);
      size =
          gzip
              ? new GZIPInputStream(new ByteArrayInputStream(answer.body())).readAllBytes().length
              : wire;
    }
    Arrays.sort(millis);
    double median = millis[RUNS / 2];
    double p95 = millis[(int) Math.ceil(RUNS * 0.95) - 1];
    System.out.printf(
        "%-50s median %6.1f ms  p95 %6.1f ms  %6.1f KB over the wire (%6.1f KB unzipped)%n",
        what, median, p95, wire / 1024.0, size / 1024.0);
    ObjectNode figure = pages.putObject(what);
    figure.put("median_ms", median);
    figure.put("p95_ms", p95);
    figure.put("wire_bytes", wire);
    figure.put("bytes", size);
  }
}
