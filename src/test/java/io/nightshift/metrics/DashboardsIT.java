package io.nightshift.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import io.nightshift.testsupport.RequiresTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboards and the alert rules of {@code dashboards/}, checked the way a user will
 * use them: the rules with {@code promtool}, and every query of every dashboard evaluated by a real
 * Prometheus scraping a real node. Needs Debian's {@code prometheus} package ({@code .ci/run}
 * installs it); skipped without it, unless {@code CI=true}.
 */
@RequiresTools(
    value = {"promtool", "prometheus"},
    install = "apt-get install prometheus")
class DashboardsIT {

  private static final Path DASHBOARDS = Path.of("dashboards");
  static final List<String> FILES = List.of("nightshift-overview.json", "nightshift-workflow.json");

  /** The panels that must show data after a few runs, by dashboard file and title. */
  private static final Map<String, List<String>> CORE =
      Map.of(
          "nightshift-overview.json",
          List.of(
              "Runs ended, by status",
              "Success ratio",
              "Active runs",
              "Failures by workflow, step and reason",
              "Time since last success, and next run",
              "Leader and nodes"),
          "nightshift-workflow.json",
          List.of("Last success", "Active runs", "Runs by status"));

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /**
   * The node's bootstrap metrics token ({@code NIGHTSHIFT_METRICS_TOKEN}), which Prometheus uses.
   */
  private static final String METRICS_TOKEN = "dashboards-metrics-8c2e4a6f0b1d3957e7a9c1f3b5d7e9a0";

  @TempDir Path work;

  private static JsonNode dashboard(String file) throws IOException {
    return Json.parse(Files.readString(DASHBOARDS.resolve(file)));
  }

  private static String run(String... command) throws Exception {
    Process process =
        new ProcessBuilder(command)
            .directory(DASHBOARDS.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
    return output;
  }

  @Test
  void the_rules_parse_and_each_alert_passes_its_unit_tests() throws Exception {
    assertThat(run("promtool", "check", "rules", "nightshift-rules.yaml")).contains("SUCCESS");
    assertThat(run("promtool", "test", "rules", "tests/nightshift-rules-test.yaml"))
        .contains("SUCCESS");
  }

  @Test
  void every_dashboard_query_runs_in_a_real_prometheus_and_the_core_panels_show_data()
      throws Exception {
    PostgresFixture.Database database = PostgresFixture.newDatabase();
    try (NightshiftNode node =
        NightshiftNode.start(
            NightshiftNode.quick(
                database,
                "nightshift.data-dir",
                work.resolve("data").toString(),
                "nightshift.metrics-token",
                METRICS_TOKEN))) {
      node.put(
          "/api/v1/namespaces/dash/workflows/nightly",
          "application/yaml",
          """
          apiVersion: nightshift.io/v1
          kind: Workflow
          spec:
            schedule: "0 2 * * *"
            parameters: {code: "0"}
            steps:
              - {name: work, image: busybox:1.36, command: [sh, -c, 'exit $CODE']}
          """);
      runNow(node, "0");
      Process prometheus = startPrometheus(node);
      try {
        int port = prometheusPort;
        awaitUp(port);
        // Runs while Prometheus watches, so that rates and increases have something to show.
        runNow(node, "0");
        runNow(node, "3");
        assertScrapeParses(node.as(METRICS_TOKEN).get("/prometheus"));
        Thread.sleep(3000);
        List<String> empty = new ArrayList<>();
        for (String file : FILES) {
          JsonNode dashboard = dashboard(file);
          for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
              String expr =
                  target
                      .get("expr")
                      .asText()
                      .replace("$__rate_interval", "1m")
                      .replace("$__range", "5m")
                      .replace("$namespace", ".*")
                      .replace("$workflow", ".*");
              JsonNode answer = query(port, expr);
              String title = file + ": " + panel.get("title").asText();
              assertThat(answer.get("status").asText())
                  .as(title + " — " + expr + " — " + answer)
                  .isEqualTo("success");
              if (CORE.get(file).contains(panel.get("title").asText())
                  && answer.at("/data/result").isEmpty()) {
                empty.add(title + " — " + expr);
              }
            }
          }
        }
        assertThat(empty).as("core panels without data").isEmpty();
      } finally {
        prometheus.destroy();
        prometheus.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private int prometheusPort;

  private Process startPrometheus(NightshiftNode node) throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      prometheusPort = socket.getLocalPort();
    }
    URI target =
        node.context().getBean(io.micronaut.runtime.server.EmbeddedServer.class).getURL().toURI();
    // Prometheus scrapes with the bootstrap metrics token, as docs/operations.md shows.
    Path credentials = work.resolve("metrics-token");
    Files.writeString(credentials, METRICS_TOKEN + "\n");
    Path config = work.resolve("prometheus.yml");
    Files.writeString(
        config,
        """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files:
          - %s
        scrape_configs:
          - job_name: nightshift
            metrics_path: /prometheus
            authorization:
              credentials_file: %s
            static_configs:
              - targets: ["%s:%d"]
        """
            .formatted(
                DASHBOARDS.resolve("nightshift-rules.yaml").toAbsolutePath(),
                credentials,
                target.getHost(),
                target.getPort()));
    return new ProcessBuilder(
            "prometheus",
            "--config.file=" + config,
            "--storage.tsdb.path=" + work.resolve("tsdb"),
            "--web.listen-address=127.0.0.1:" + prometheusPort)
        .redirectErrorStream(true)
        .redirectOutput(work.resolve("prometheus.log").toFile())
        .start();
  }

  private void awaitUp(int port) throws Exception {
    for (int i = 0; i < 300; i++) {
      try {
        JsonNode up = query(port, "up{job=\"nightshift\"} == 1");
        if (!up.at("/data/result").isEmpty()) {
          Thread.sleep(2000); // a few more scrapes, for rates
          return;
        }
      } catch (IOException | UncheckedIOException notYet) {
        // Prometheus is still starting: no answer yet, or "Service Unavailable" until it is ready
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "Prometheus never scraped the node:\n" + Files.readString(work.resolve("prometheus.log")));
  }

  /**
   * The scrape a metrics token gets is the text format Prometheus reads: {@code promtool check
   * metrics} parses it (its lint findings on Micronaut's own meters, exit code 3, are not ours).
   */
  private static void assertScrapeParses(HttpResponse<String> scrape) throws Exception {
    assertThat(scrape.statusCode()).as(scrape.body()).isEqualTo(200);
    assertThat(scrape.body()).contains("nightshift_runs_total{");
    Process promtool =
        new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    promtool.getOutputStream().write(scrape.body().getBytes(StandardCharsets.UTF_8));
    promtool.getOutputStream().close();
    String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(promtool.exitValue()).as(output).isIn(0, 3);
    assertThat(output).doesNotContain("error while linting", "parsing error");
  }

  private static JsonNode query(int port, String expr) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + port
                            + "/api/v1/query?query="
                            + URLEncoder.encode(expr, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return Json.parse(response.body());
  }

  private static void runNow(NightshiftNode node, String code) {
    HttpResponse<String> response =
        node.send(
            node.request("/api/v1/namespaces/dash/workflows/nightly/runs?wait=30s")
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"parameters\": {\"code\": \"" + code + "\"}}")));
    assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
  }
}
