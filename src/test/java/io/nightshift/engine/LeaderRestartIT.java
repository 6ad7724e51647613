package io.nightshift.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightshift.cluster.LeaderElector;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader stops in the middle of a run. Its step processes outlive it, as Jobs outlive a leader
 * in a cluster: the next leader takes them over, and no step is launched twice. Only an attempt
 * that left no trace is failed as lost and retried.
 */
class LeaderRestartIT {

  @TempDir Path dataDir;
  @TempDir Path work;

  private Map<String, Object> node(PostgresFixture.Database database, String id) {
    return NightshiftNode.quick(
        database, "nightshift.data-dir", dataDir.toString(), "nightshift.cluster.node-id", id);
  }

  /**
   * backup, then cleanup (which holds until the test lets it go), then etl; each step writes its
   * name and attempt to {@code launches} when it starts.
   */
  private String chain() {
    Path launches = work.resolve("launches");
    Path go = work.resolve("go");
    return """
        apiVersion: nightshift.io/v1
        kind: Workflow
        spec:
          steps:
            - name: backup
              image: busybox:1.36
              command: [sh, -c, 'echo "$NIGHTSHIFT_STEP $NIGHTSHIFT_ATTEMPT" >> %1$s']
            - name: cleanup
              image: busybox:1.36
              dependsOn: [backup]
              command:
                - sh
                - -c
                - 'echo "$NIGHTSHIFT_STEP $NIGHTSHIFT_ATTEMPT" >> %1$s; while [ ! -e %2$s ]; do sleep 0.05; done'
            - name: etl
              image: busybox:1.36
              dependsOn: [cleanup]
              command: [sh, -c, 'echo "$NIGHTSHIFT_STEP $NIGHTSHIFT_ATTEMPT" >> %1$s']
        """
        .formatted(launches, go);
  }

  @Test
  void three_nodes_the_leader_stopped_mid_run_hands_over_and_no_step_is_launched_twice()
      throws Exception {
    PostgresFixture.Database database = PostgresFixture.newDatabase();
    List<NightshiftNode> nodes = new ArrayList<>();
    try {
      for (String id : List.of("one", "two", "three")) {
        nodes.add(NightshiftNode.start(node(database, id)));
      }
      NightshiftNode any = nodes.get(0);
      any.put("/api/v1/namespaces/handover/workflows/nightly", "application/yaml", chain());
      String id = startRun(any, "/api/v1/namespaces/handover/workflows/nightly/runs");
      awaitLaunched("cleanup 1");

      NightshiftNode leader = NightshiftNode.leaderOf(nodes);
      String before = leader.context().getBean(LeaderElector.class).nodeId();
      leader.close();
      nodes.remove(leader);
      NightshiftNode next = awaitNewLeader(nodes, before);
      assertThat(Json.parse(next.get("/api/v1/runs/" + id).body()).at("/steps/1/status").asText())
          .as("cleanup still running under the new leader")
          .isEqualTo("Running");
      Files.createFile(work.resolve("go"));

      JsonNode done = Json.parse(nodes.get(0).get("/api/v1/runs/" + id + "?wait=30s").body());
      assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("Succeeded");
      assertThat(done.get("steps").findValuesAsText("attempt")).containsOnly("1");
      assertThat(Files.readAllLines(work.resolve("launches")))
          .containsExactly("backup 1", "cleanup 1", "etl 1");
    } finally {
      nodes.forEach(NightshiftNode::close);
    }
  }

  @Test
  void a_step_that_ended_while_no_node_was_up_is_read_from_its_exit_code_not_run_again()
      throws Exception {
    PostgresFixture.Database database = PostgresFixture.newDatabase();
    String id;
    try (NightshiftNode first = NightshiftNode.start(node(database, "first"))) {
      first.put("/api/v1/namespaces/restart/workflows/nightly", "application/yaml", chain());
      id = startRun(first, "/api/v1/namespaces/restart/workflows/nightly/runs");
      awaitLaunched("cleanup 1");
    }
    Files.createFile(work.resolve("go"));
    awaitFile(dataDir.resolve("steps/restart/nightly-1-cleanup.exit"));

    try (NightshiftNode second = NightshiftNode.start(node(database, "second"))) {
      JsonNode done = Json.parse(second.get("/api/v1/runs/" + id + "?wait=30s").body());
      assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("Succeeded");
      assertThat(Files.readAllLines(work.resolve("launches")))
          .containsExactly("backup 1", "cleanup 1", "etl 1");
    }
  }

  @Test
  void a_step_killed_while_no_node_was_up_fails_as_lost_and_its_retry_runs() throws Exception {
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
      id = startRun(first, "/api/v1/namespaces/restart/workflows/lost/runs");
      awaitFile(dataDir.resolve("steps/restart/lost-1-long.pid"));
    }
    // The whole tree, by force, as a machine restart would: no exit code gets recorded.
    long pid =
        Long.parseLong(
            Files.readString(dataDir.resolve("steps/restart/lost-1-long.pid")).split(" ")[0]);
    // The wrapper first, so that it cannot record how its child ended.
    ProcessHandle wrapper = ProcessHandle.of(pid).orElseThrow();
    List<ProcessHandle> children = wrapper.descendants().toList();
    wrapper.destroyForcibly();
    wrapper.onExit().get();
    children.forEach(ProcessHandle::destroyForcibly);

    try (NightshiftNode second = NightshiftNode.start(node(database, "second"))) {
      JsonNode run = second.awaitRun(id, r -> r.at("/steps/0/status").asText().equals("Failed"));
      assertThat(run.at("/steps/0/reason").asText()).isEqualTo("ExecutorLost");
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

  private static String startRun(NightshiftNode node, String path) {
    return Json.parse(
            node.send(
                    node.request(path)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")))
                .body())
        .get("id")
        .asText();
  }

  private void awaitLaunched(String line) throws Exception {
    Path launches = work.resolve("launches");
    for (int i = 0; i < 200; i++) {
      if (Files.exists(launches) && Files.readAllLines(launches).contains(line)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("never launched: " + line);
  }

  private static void awaitFile(Path file) throws InterruptedException {
    for (int i = 0; i < 200 && !Files.exists(file); i++) {
      Thread.sleep(50);
    }
    assertThat(file).exists();
  }

  private static NightshiftNode awaitNewLeader(List<NightshiftNode> nodes, String before)
      throws InterruptedException {
    NightshiftNode next = NightshiftNode.leaderOf(nodes);
    assertThat(next.context().getBean(LeaderElector.class).nodeId()).isNotEqualTo(before);
    return next;
  }
}
