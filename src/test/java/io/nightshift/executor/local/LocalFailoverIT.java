package io.nightshift.executor.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightshift.engine.Effects;
import io.nightshift.engine.Engine;
import io.nightshift.engine.JobNames;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A leader that recorded a local step Running and died before its process started leaves a step
 * with no {@code launched_at} and no process: the next leader starts it under the same name, as the
 * same attempt. A step whose process was acknowledged and is gone is lost, not started again. The
 * dead leader is played by SQL; the next one is a node whose engine the test ticks.
 */
class LocalFailoverIT {

  private static final String WORKFLOW =
      """
      apiVersion: nightshift.io/v1
      kind: Workflow
      spec:
        steps:
          - {name: only, image: busybox:1.36, command: [sh, -c, 'exit 0']}
      """;

  @TempDir Path dataDir;

  @Test
  void a_step_recorded_running_but_never_started_is_started_by_the_next_leader_once()
      throws Exception {
    PostgresFixture.Database database = PostgresFixture.newDatabase();
    try (NightshiftNode node = start(database)) {
      node.put("/api/v1/namespaces/local/workflows/orphan", "application/yaml", WORKFLOW);
      String id = node.runNow("local", "orphan");
      String job = JobNames.of("orphan", 1, "only", 1);
      recordRunning(database, id, job, false);

      JsonNode done = tickUntilEnded(node, id);

      assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("Succeeded");
      assertThat(done.at("/steps/0/attempt").asInt()).isEqualTo(1);
      assertThat(
              database.count(
                  "SELECT count(*) FROM run_steps WHERE run_id = '"
                      + id
                      + "' AND job_name = '"
                      + job
                      + "' AND launched_at IS NOT NULL"))
          .isEqualTo(1);
    }
  }

  @Test
  void a_step_whose_process_was_acknowledged_and_is_gone_is_lost() throws Exception {
    PostgresFixture.Database database = PostgresFixture.newDatabase();
    try (NightshiftNode node = start(database)) {
      node.put("/api/v1/namespaces/local/workflows/orphan", "application/yaml", WORKFLOW);
      String id = node.runNow("local", "orphan");
      recordRunning(database, id, JobNames.of("orphan", 1, "only", 1), true);

      JsonNode done = tickUntilEnded(node, id);

      assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("Failed");
      assertThat(done.at("/steps/0/reason").asText()).isEqualTo("ExecutorLost");
    }
  }

  private NightshiftNode start(PostgresFixture.Database database) {
    NightshiftNode node =
        NightshiftNode.start(
            NightshiftNode.quick(
                database,
                "nightshift.data-dir",
                dataDir.toString(),
                "nightshift.engine.loop",
                false));
    NightshiftNode.leaderOf(List.of(node));
    return node;
  }

  /** What a leader leaves when it dies right after recording the step's attempt. */
  private static void recordRunning(
      PostgresFixture.Database database, String runId, String job, boolean acknowledged)
      throws Exception {
    database.execute(
        "UPDATE runs SET status = 'Running', started_at = now() WHERE id = '" + runId + "'");
    database.execute(
        "INSERT INTO run_steps (run_id, name, position, status, attempt, job_name, started_at,"
            + " launched_at) VALUES ('"
            + runId
            + "', 'only', 0, 'Running', 1, '"
            + job
            + "', now(), "
            + (acknowledged ? "now()" : "NULL")
            + ")");
  }

  private static JsonNode tickUntilEnded(NightshiftNode node, String id) throws Exception {
    Engine engine = node.context().getBean(Engine.class);
    Effects effects = node.context().getBean(Effects.class);
    JsonNode run = Json.parse(node.get("/api/v1/runs/" + id).body());
    for (int i = 0; i < 200 && !ended(run); i++) {
      engine.tick();
      effects.drain();
      Thread.sleep(50);
      run = Json.parse(node.get("/api/v1/runs/" + id).body());
    }
    return run;
  }

  private static boolean ended(JsonNode run) {
    String status = run.get("status").asText();
    return !status.equals("Pending") && !status.equals("Running");
  }
}
