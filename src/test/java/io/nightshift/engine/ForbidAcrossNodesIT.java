package io.nightshift.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs asked for through different nodes at once: under Forbid, exactly one starts. */
class ForbidAcrossNodesIT {

  @TempDir Path dataDir;

  private Map<String, Object> node(PostgresFixture.Database database, String id) {
    return NightshiftNode.on(
        database,
        "nightshift.data-dir",
        dataDir.resolve(id).toString(),
        "nightshift.cluster.node-id",
        id,
        "nightshift.engine.interval",
        "100ms");
  }

  @Test
  void two_nodes_racing_one_forbid_workflow_never_start_two_runs() throws Exception {
    PostgresFixture.Database database = PostgresFixture.newDatabase();
    try (NightshiftNode a = NightshiftNode.start(node(database, "a"));
        NightshiftNode b = NightshiftNode.start(node(database, "b"))) {
      a.put(
          "/api/v1/namespaces/race/workflows/exclusive",
          "application/yaml",
          """
          apiVersion: nightshift.io/v1
          kind: Workflow
          spec:
            concurrencyPolicy: Forbid
            steps:
              - {name: hold, image: busybox, command: [sh, -c, 'sleep 2']}
          """);
      List<CompletableFuture<String>> requests = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        NightshiftNode via = i % 2 == 0 ? a : b;
        requests.add(
            CompletableFuture.supplyAsync(
                () ->
                    Json.parse(
                            via.send(
                                    via.request(
                                            "/api/v1/namespaces/race/workflows/exclusive/runs?wait=60s")
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString("{}")))
                                .body())
                        .get("status")
                        .asText()));
      }
      List<String> outcomes = requests.stream().map(CompletableFuture::join).toList();

      assertThat(outcomes).containsOnly("Succeeded", "Skipped");
      assertThat(outcomes.stream().filter("Succeeded"::equals).count())
          .as(outcomes.toString())
          .isEqualTo(1);
    }
  }
}
