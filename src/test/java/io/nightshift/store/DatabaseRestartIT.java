package io.nightshift.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL restarts while a run is in flight: the node recovers without a restart of its own, the
 * run completes, and new runs work. A server of its own, since the shared one serves the other
 * tests.
 */
class DatabaseRestartIT {

  @TempDir Path work;

  private EmbeddedPostgres start(Path data, int port) throws Exception {
    return EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
  }

  @Test
  void a_run_in_flight_completes_after_postgresql_restarts_and_new_runs_work() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path data = work.resolve("pg");
    EmbeddedPostgres postgres = start(data, port);
    PostgresFixture.Database database =
        new PostgresFixture.Database(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "");
    Path go = work.resolve("go");
    try (NightshiftNode node =
        NightshiftNode.start(
            NightshiftNode.quick(
                database, "nightshift.data-dir", work.resolve("node").toString()))) {
      node.put(
          "/api/v1/namespaces/db/workflows/flight",
          "application/yaml",
          """
          apiVersion: nightshift.io/v1
          kind: Workflow
          spec:
            steps:
              - {name: hold, image: busybox:1.36, command: [sh, -c, 'while [ ! -e %s ]; do sleep 0.05; done']}
              - {name: after, image: busybox:1.36, dependsOn: [hold], command: ["true"]}
          """
              .formatted(go));
      String id = runNow(node);
      node.awaitRun(id, run -> run.at("/steps/0/status").asText().equals("Running"));

      postgres.close();
      // The step ends while the database is down: its end must not be lost.
      Files.createFile(go);
      Thread.sleep(3000);
      postgres = start(data, port);

      JsonNode done = node.awaitRun(id, run -> run.get("status").asText().equals("Succeeded"));
      assertThat(done.at("/steps/1/status").asText()).isEqualTo("Succeeded");
      String next = runNow(node);
      JsonNode second = node.awaitRun(next, run -> run.get("status").asText().equals("Succeeded"));
      assertThat(second.get("seq").asLong()).isEqualTo(2);
    } finally {
      postgres.close();
    }
  }

  private static String runNow(NightshiftNode node) {
    return Json.parse(
            node.send(
                    node.request("/api/v1/namespaces/db/workflows/flight/runs")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")))
                .body())
        .get("id")
        .asText();
  }
}
