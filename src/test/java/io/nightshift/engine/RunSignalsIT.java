package io.nightshift.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nightshift.schedule.Firing;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader learns of runs created and cancelled on another node from PostgreSQL's notifications,
 * not from reading every active run each pass: with the pass interval at an hour, only the signals
 * (and the leader's own executors' reports) make the engine move.
 */
class RunSignalsIT {

  private static final String WORKFLOW =
      """
      apiVersion: nightshift.io/v1
      kind: Workflow
      spec:
        parameters: {pause: "0"}
        steps:
          - {name: first, image: busybox:1.36, command: [sh, -c, 'sleep $PAUSE']}
          - {name: second, dependsOn: [first], image: busybox:1.36, command: [sh, -c, 'exit 0']}
      """;

  @TempDir Path leaderDir;
  @TempDir Path otherDir;

  @Test
  void runs_posted_and_cancelled_on_another_node_move_on_the_leader_without_a_timed_pass() {
    PostgresFixture.Database database = PostgresFixture.newDatabase();
    try (NightshiftNode first = start(database, leaderDir)) {
      NightshiftNode.leaderOf(List.of(first));
      try (NightshiftNode other = start(database, otherDir)) {
        assertThat(other.context().getBean(io.nightshift.cluster.LeaderElector.class).isLeader())
            .isFalse();
        other.put("/api/v1/namespaces/local/workflows/signalled", "application/yaml", WORKFLOW);

        // The first is read with every active run, at the leader's first pass; the second only
        // because its creation was signalled.
        for (int i = 0; i < 2; i++) {
          String id = other.runNow("local", "signalled");
          other.awaitRun(id, run -> run.get("status").asText().equals("Succeeded"));
        }

        String slow = startSlow(other);
        first.awaitRun(slow, run -> run.at("/steps/0/status").asText().equals("Running"));
        assertThat(other.post("/api/v1/runs/" + slow + "/cancel").statusCode()).isEqualTo(202);
        other.awaitRun(slow, run -> run.get("status").asText().equals("Cancelled"));
      }
    }
  }

  @Test
  void a_run_created_while_the_leader_was_not_listening_is_found_when_it_listens_again()
      throws Exception {
    long listenersBefore = listeners();
    PostgresFixture.Database database = PostgresFixture.newDatabase();
    try (NightshiftNode leader = start(database, leaderDir)) {
      NightshiftNode.leaderOf(List.of(leader));
      leader.put("/api/v1/namespaces/local/workflows/signalled", "application/yaml", WORKFLOW);
      String before = leader.runNow("local", "signalled");
      leader.awaitRun(before, run -> run.get("status").asText().equals("Succeeded"));

      // The listening connection is cut: the notice of the next run is sent to no one. The
      // listener connects again a second later and reads everything, since it may have missed
      // something.
      assertThat(terminateListeners(database)).isEqualTo(1);
      String during = leader.runNow("local", "signalled");
      leader.awaitRun(during, run -> run.get("status").asText().equals("Succeeded"));
    }
    // A stopped node stops listening: its connection is given back, its thread ends.
    await("the listener's thread ends with its node")
        .atMost(Duration.ofSeconds(5))
        .until(() -> listeners() == listenersBefore);
  }

  @Test
  void a_run_the_due_scan_fires_is_moved_on_by_the_engine_it_signalled() throws Exception {
    PostgresFixture.Database database = PostgresFixture.newDatabase();
    try (NightshiftNode leader = start(database, leaderDir)) {
      NightshiftNode.leaderOf(List.of(leader));
      leader.put(
          "/api/v1/namespaces/local/workflows/fired",
          "application/yaml",
          WORKFLOW.replace("spec:\n", "spec:\n  schedule: \"* * * * *\"\n"));
      // Due this minute; fired by the leader's scan, admitted Running as it fires.
      Instant due = Instant.now().truncatedTo(ChronoUnit.MINUTES);
      database.execute("UPDATE schedules SET next_fire_time = '" + due + "' WHERE name = 'fired'");
      assertThat(leader.context().getBean(Firing.class).fireDue())
          .hasValueSatisfying(result -> assertThat(result.runs()).isEqualTo(1));

      String id;
      try (Connection connection = database.connect();
          Statement statement = connection.createStatement();
          ResultSet result =
              statement.executeQuery("SELECT id FROM runs WHERE workflow = 'fired'")) {
        assertThat(result.next()).isTrue();
        id = result.getString(1);
      }
      leader.awaitRun(id, run -> run.get("status").asText().equals("Succeeded"));
    }
  }

  private static long listeners() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().equals("nightshift-run-signals") && thread.isAlive())
        .count();
  }

  private static NightshiftNode start(PostgresFixture.Database database, Path dataDir) {
    return NightshiftNode.start(
        NightshiftNode.on(
            database,
            "nightshift.cluster.renew-interval",
            "100ms",
            "nightshift.engine.interval",
            "1h",
            "nightshift.data-dir",
            dataDir.toString()));
  }

  private static String startSlow(NightshiftNode node) {
    var response =
        node.send(
            node.request("/api/v1/namespaces/local/workflows/signalled/runs")
                .header("Content-Type", "application/json")
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"parameters\": {\"pause\": \"300\"}}")));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return io.nightshift.testsupport.Json.parse(response.body()).get("id").asText();
  }

  /** Ends the sessions listening for run changes; returns how many there were. */
  private static int terminateListeners(PostgresFixture.Database database) throws Exception {
    try (Connection connection =
            DriverManager.getConnection(database.url(), database.username(), database.password());
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND query LIKE 'LISTEN %'")) {
      result.next();
      return result.getInt(1);
    }
  }
}
