package io.nightshift.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node running a step stops; the next leader finds the step's process gone, fails that attempt
 * and, with retries left, runs the next one: the run ends instead of hanging.
 */
class LeaderRestartIT {

  @TempDir Path dataDir;

  private Map<String, Object> node(PostgresFixture.Database database, String id) {
    return NightshiftNode.on(
        database,
        "nightshift.data-dir",
        dataDir.toString(),
        "nightshift.cluster.node-id",
        id,
        "nightshift.cluster.renew-interval",
        "100ms",
        "nightshift.engine.interval",
        "100ms");
  }

  @Test
  void a_step_lost_with_its_node_is_run_again_by_the_next_leader() throws Exception {
    PostgresFixture.Database database = PostgresFixture.newDatabase();
    String workflow =
        """
        apiVersion: nightshift.io/v1
        kind: Workflow
        spec:
          steps:
            - name: long
              image: busybox:1.36
              retries: 1
              command: [sh, -c, '[ "$NIGHTSHIFT_ATTEMPT" = 2 ] || sleep 300']
        """;
    String id;
    try (NightshiftNode first = NightshiftNode.start(node(database, "first"))) {
      first.put("/api/v1/namespaces/restart/workflows/lost", "application/yaml", workflow);
      id =
          Json.parse(
                  first
                      .send(
                          first
                              .request("/api/v1/namespaces/restart/workflows/lost/runs")
                              .header("Content-Type", "application/json")
                              .POST(HttpRequest.BodyPublishers.ofString("{}")))
                      .body())
              .get("id")
              .asText();
      JsonNode run = Json.parse(first.get("/api/v1/runs/" + id).body());
      for (int i = 0; i < 100 && !run.get("steps").toString().contains("Running"); i++) {
        Thread.sleep(100);
        run = Json.parse(first.get("/api/v1/runs/" + id).body());
      }
      assertThat(run.get("steps").toString()).contains("Running");
    }

    try (NightshiftNode second = NightshiftNode.start(node(database, "second"))) {
      JsonNode run = Json.parse(second.get("/api/v1/runs/" + id).body());
      for (int i = 0; i < 100 && !run.at("/steps/0/status").asText().equals("Failed"); i++) {
        Thread.sleep(100);
        run = Json.parse(second.get("/api/v1/runs/" + id).body());
      }
      assertThat(run.at("/steps/0/status").asText()).as(run.toString()).isEqualTo("Failed");
      assertThat(run.get("status").asText())
          .as("waiting for the next attempt")
          .isEqualTo("Running");

      second.clock().tick(Duration.ofSeconds(10));

      JsonNode done = Json.parse(second.get("/api/v1/runs/" + id + "?wait=30s").body());
      assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("Succeeded");
      assertThat(done.at("/steps/0/attempt").asInt()).isEqualTo(2);
      assertThat(done.at("/steps/0/jobName").asText()).isEqualTo("lost-1-long-2");
    }
  }
}
