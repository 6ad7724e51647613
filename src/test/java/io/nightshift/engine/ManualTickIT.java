package io.nightshift.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightshift.cluster.LeaderElector;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code nightshift.engine.loop} off, no thread runs engine passes: the test steps the engine
 * itself with {@link Engine#tick()} and waits for the executor calls with {@link Effects#drain()}.
 */
class ManualTickIT {

  @TempDir Path dataDir;

  @Test
  void with_the_loop_off_a_run_moves_only_when_the_test_ticks() throws Exception {
    try (NightshiftNode node =
        NightshiftNode.start(
            NightshiftNode.quick(
                PostgresFixture.newDatabase(),
                "nightshift.data-dir",
                dataDir.toString(),
                "nightshift.engine.loop",
                false))) {
      Engine engine = node.context().getBean(Engine.class);
      Effects effects = node.context().getBean(Effects.class);
      LeaderElector elector = node.context().getBean(LeaderElector.class);
      node.put(
          "/api/v1/namespaces/local/workflows/ticked",
          "application/yaml",
          """
          apiVersion: nightshift.io/v1
          kind: Workflow
          spec:
            steps:
              - {name: only, image: busybox:1.36, command: [sh, -c, 'exit 0']}
          """);
      for (int i = 0; i < 200 && !elector.isLeader(); i++) {
        Thread.sleep(50); // the lease is the elector's thread's, renewed every 100 ms
      }
      String id = node.runNow("local", "ticked");
      assertThat(run(node, id).get("status").asText()).isEqualTo("Pending");

      engine.tick();
      effects.drain();
      assertThat(run(node, id).at("/steps/0/status").asText()).isEqualTo("Running");

      // The process ends on its own; each pass writes what was reported before it.
      JsonNode done = run(node, id);
      for (int i = 0; i < 200 && !done.get("status").asText().equals("Succeeded"); i++) {
        Thread.sleep(50);
        engine.tick();
        done = run(node, id);
      }
      assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("Succeeded");
    }
  }

  private static JsonNode run(NightshiftNode node, String id) {
    return Json.parse(node.get("/api/v1/runs/" + id).body());
  }
}
