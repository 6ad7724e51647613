package io.nightshift.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import io.nightshift.testsupport.Scrape;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After real runs, {@code /prometheus} has the values of the metric contract (docs/operations.md),
 * not just its names; and a node started later on the same database serves the same.
 */
class MetricsIT {

  private static final String NS = "metrics";

  @TempDir Path dataDir;

  private Map<String, Object> node(PostgresFixture.Database database, String id) {
    return NightshiftNode.quick(
        database,
        "nightshift.data-dir",
        dataDir.resolve(id).toString(),
        "nightshift.cluster.node-id",
        id);
  }

  private static String workflow(String policy, String... commands) {
    StringBuilder steps = new StringBuilder();
    String previous = null;
    for (int i = 0; i < commands.length; i++) {
      String name = "s" + (i + 1);
      steps.append("    - {name: ").append(name).append(", image: busybox:1.36");
      if (previous != null) {
        steps.append(", dependsOn: [").append(previous).append("]");
      }
      steps.append(", command: [sh, -c, '").append(commands[i]).append("']}\n");
      previous = name;
    }
    return """
        apiVersion: nightshift.io/v1
        kind: Workflow
        spec:
          concurrencyPolicy: %s
          steps:
        %s"""
        .formatted(policy, steps);
  }

  private static JsonNode run(NightshiftNode node, String workflow, String wait) {
    return Json.parse(
        node.send(
                node.request(
                        "/api/v1/namespaces/"
                            + NS
                            + "/workflows/"
                            + workflow
                            + "/runs"
                            + (wait == null ? "" : "?wait=" + wait))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")))
            .body());
  }

  @Test
  void runs_steps_failures_and_skips_are_counted_and_the_leader_alone_exports_them() {
    PostgresFixture.Database database = PostgresFixture.newDatabase();
    JsonNode succeeded;
    try (NightshiftNode node = NightshiftNode.start(node(database, "first"))) {
      node.put(
          "/api/v1/namespaces/" + NS + "/workflows/good",
          "application/yaml",
          workflow("Allow", "true", "echo done"));
      node.put(
          "/api/v1/namespaces/" + NS + "/workflows/bad",
          "application/yaml",
          workflow("Allow", "exit 3", "true"));
      node.put(
          "/api/v1/namespaces/" + NS + "/workflows/single",
          "application/yaml",
          workflow("Forbid", "sleep 30"));

      succeeded = run(node, "good", "30s");
      assertThat(succeeded.get("status").asText()).isEqualTo("Succeeded");
      assertThat(run(node, "bad", "30s").get("status").asText()).isEqualTo("Failed");
      JsonNode holding = run(node, "single", null);
      node.awaitRun(holding.get("id").asText(), r -> r.get("status").asText().equals("Running"));
      JsonNode skipped = run(node, "single", "30s");
      assertThat(skipped.get("status").asText()).isEqualTo("Skipped");
      assertThat(node.post("/api/v1/runs/" + holding.get("id").asText() + "/cancel").statusCode())
          .isEqualTo(202);
      node.awaitRun(holding.get("id").asText(), r -> r.get("status").asText().equals("Cancelled"));

      Scrape scrape = Scrape.of(node);
      assertContract(scrape, succeeded);
      // Launch lag is the launching node's own: it is not in the stored contract a new leader has.
      assertThat(
              scrape.value(
                  "nightshift_step_launch_lag_seconds_count", "namespace", NS, "workflow", "good"))
          .as("both processes of the good run were started")
          .isEqualTo(2.0);
      assertThat(
              scrape.value(
                  "nightshift_step_launch_lag_seconds_bucket",
                  "namespace",
                  NS,
                  "workflow",
                  "good",
                  "le",
                  "0.005"))
          .as("a bucket of Metrics.STEP_LAUNCH_LAG, in seconds")
          .isNotNull();
      assertThat(scrape.value("nightshift_leader", "node", "first")).isEqualTo(1.0);
      assertThat(scrape.text())
          .contains("jvm_memory_used_bytes")
          .contains("http_server_requests_seconds_count")
          .contains("hikaricp_connections_active");

      // A second node exports only itself: a sum over replicas is not doubled.
      try (NightshiftNode other = NightshiftNode.start(node(database, "second"))) {
        Scrape follower = Scrape.of(other);
        assertThat(follower.value("nightshift_leader", "node", "second")).isEqualTo(0.0);
        assertThat(follower.text()).doesNotContain("nightshift_runs_total");
      }
    }

    // After a restart, the new leader exports the same counts.
    try (NightshiftNode other = NightshiftNode.start(node(database, "third"))) {
      assertContract(Scrape.of(NightshiftNode.leaderOf(java.util.List.of(other))), succeeded);
    }
  }

  private static void assertContract(Scrape scrape, JsonNode succeeded) {
    String text = scrape.text();
    assertThat(
            scrape.value(
                "nightshift_runs_total",
                "namespace",
                NS,
                "workflow",
                "good",
                "trigger",
                "manual",
                "status",
                "Succeeded"))
        .as(text)
        .isEqualTo(1.0);
    assertThat(
            scrape.value(
                "nightshift_runs_total",
                "namespace",
                NS,
                "workflow",
                "bad",
                "trigger",
                "manual",
                "status",
                "Failed"))
        .isEqualTo(1.0);
    assertThat(
            scrape.value(
                "nightshift_runs_total",
                "namespace",
                NS,
                "workflow",
                "single",
                "trigger",
                "manual",
                "status",
                "Skipped"))
        .isEqualTo(1.0);
    assertThat(
            scrape.value(
                "nightshift_runs_total",
                "namespace",
                NS,
                "workflow",
                "single",
                "trigger",
                "manual",
                "status",
                "Cancelled"))
        .isEqualTo(1.0);
    assertThat(
            scrape.value(
                "nightshift_skipped_runs_total",
                "namespace",
                NS,
                "workflow",
                "single",
                "reason",
                "ConcurrencyForbid"))
        .isEqualTo(1.0);
    assertThat(
            scrape.value(
                "nightshift_step_failures_total",
                "namespace",
                NS,
                "workflow",
                "bad",
                "step",
                "s1",
                "reason",
                "Error"))
        .isEqualTo(1.0);
    assertThat(
            scrape.value(
                "nightshift_step_duration_seconds_count",
                "namespace",
                NS,
                "workflow",
                "good",
                "step",
                "s2",
                "status",
                "Succeeded"))
        .isEqualTo(1.0);
    assertThat(
            scrape.value(
                "nightshift_step_duration_seconds_bucket",
                "namespace",
                NS,
                "workflow",
                "good",
                "step",
                "s2",
                "status",
                "Succeeded",
                "le",
                "+Inf"))
        .isEqualTo(1.0);
    assertThat(
            scrape.value(
                "nightshift_run_duration_seconds_count",
                "namespace",
                NS,
                "workflow",
                "good",
                "status",
                "Succeeded"))
        .isEqualTo(1.0);
    assertThat(
            scrape.value(
                "nightshift_run_duration_seconds_count",
                "namespace",
                NS,
                "workflow",
                "bad",
                "status",
                "Failed"))
        .isEqualTo(1.0);
    assertThat(
            scrape.value(
                "nightshift_last_success_timestamp_seconds", "namespace", NS, "workflow", "good"))
        .isEqualTo(Instant.parse(succeeded.get("finishedAt").asText()).toEpochMilli() / 1000.0);
    assertThat(scrape.value("nightshift_runs_active", "namespace", NS, "workflow", "single"))
        .isEqualTo(0.0);
    assertThat(
            scrape.value(
                "nightshift_runs_total",
                "namespace",
                NS,
                "workflow",
                "bad",
                "trigger",
                "manual",
                "status",
                "Succeeded"))
        .as("no sample for what never happened")
        .isNull();
  }
}
