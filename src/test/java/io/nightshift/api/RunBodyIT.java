package io.nightshift.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a REST poller reads in a run: whether it can still change ({@code terminal}), how each step
 * exited ({@code exitCode}), and where to go next ({@code links}), on the local executor.
 */
class RunBodyIT {

  private static final String CODES = "/api/v1/namespaces/pollers/workflows/codes";

  @TempDir static Path dataDir;
  private static Path go;
  private static NightshiftNode node;

  @BeforeAll
  static void start() {
    go = dataDir.resolve("go");
    node =
        NightshiftNode.start(NightshiftNode.quickOnLocal(PostgresFixture.newDatabase(), dataDir));
    String definition =
        """
        apiVersion: nightshift.io/v1
        kind: Workflow
        spec:
          steps:
            - {name: ok, image: busybox:1.36, command: [sh, -c, 'echo fine']}
            - {name: fails, image: busybox:1.36, command: [sh, -c, 'echo broken; exit 3']}
            - name: held
              image: busybox:1.36
              command: [sh, -c, 'while [ ! -e %s ]; do sleep 0.05; done']
            - {name: after, dependsOn: [fails], image: busybox:1.36, command: ['true']}
        """
            .formatted(go);
    assertThat(node.put(CODES, "application/yaml", definition).statusCode()).isEqualTo(201);
  }

  @AfterAll
  static void stop() throws Exception {
    if (!Files.exists(go)) {
      Files.createFile(go); // ends any held step still running: processes outlive their node
    }
    node.close();
  }

  private static JsonNode step(JsonNode run, String name) {
    for (JsonNode step : run.get("steps")) {
      if (step.get("name").asText().equals(name)) {
        return step;
      }
    }
    throw new AssertionError("no step " + name + " in " + run);
  }

  /** The step's field, or null before the run has its steps. */
  private static JsonNode field(JsonNode run, String name, String field) {
    for (JsonNode step : run.get("steps")) {
      if (step.get("name").asText().equals(name)) {
        return step.get(field);
      }
    }
    return null;
  }

  private static boolean stepEnded(JsonNode run, String name) {
    JsonNode finishedAt = field(run, name, "finishedAt");
    return finishedAt != null && !finishedAt.isNull();
  }

  @Test
  void a_run_is_not_terminal_while_a_step_runs_and_each_step_shows_its_exit_code()
      throws Exception {
    String id = node.runNow("pollers", "codes");

    JsonNode running =
        node.awaitRun(
            id,
            run ->
                stepEnded(run, "ok")
                    && stepEnded(run, "fails")
                    && "Running".equals(field(run, "held", "status").asText()));
    assertThat(running.get("status").asText()).isEqualTo("Running");
    assertThat(running.get("terminal").asBoolean()).isFalse();
    assertThat(step(running, "ok").get("exitCode").asInt()).isZero();
    assertThat(step(running, "fails").get("exitCode").asInt()).isEqualTo(3);
    assertThat(step(running, "fails").get("status").asText()).isEqualTo("Failed");
    assertThat(step(running, "held").get("exitCode").isNull()).isTrue();

    if (!Files.exists(go)) {
      Files.createFile(go);
    }
    JsonNode ended = node.awaitRun(id, run -> run.get("terminal").asBoolean());
    assertThat(ended.get("status").asText()).isEqualTo("Failed");
    assertThat(step(ended, "held").get("exitCode").asInt()).isZero();
    assertThat(step(ended, "after").get("status").asText()).isEqualTo("Skipped");
    assertThat(step(ended, "after").get("exitCode").isNull()).isTrue();
  }

  @Test
  void links_name_the_run_its_actions_and_the_logs_of_the_steps_that_started() {
    String id = node.runNow("pollers", "codes");
    JsonNode run = node.awaitRun(id, r -> stepEnded(r, "ok") && stepEnded(r, "fails"));

    JsonNode links = run.get("links");
    assertThat(links.get("self").asText()).isEqualTo("/api/v1/runs/" + id);
    assertThat(links.get("cancel").asText()).isEqualTo("/api/v1/runs/" + id + "/cancel");
    assertThat(links.get("retry").asText()).isEqualTo("/api/v1/runs/" + id + "/retry");
    assertThat(links.get("logs").asText()).isEqualTo("/api/v1/runs/" + id + "/steps/{step}/logs");

    HttpResponse<String> self = node.get(links.get("self").asText());
    assertThat(self.statusCode()).isEqualTo(200);
    assertThat(Json.parse(self.body()).get("id").asText()).isEqualTo(id);

    String okLogs = step(run, "ok").get("links").get("logs").asText();
    assertThat(okLogs).isEqualTo(links.get("logs").asText().replace("{step}", "ok"));
    HttpResponse<String> log = node.get(okLogs);
    assertThat(log.statusCode()).as(log.body()).isEqualTo(200);
    assertThat(log.body()).isEqualTo("fine\n");
    assertThat(node.get(step(run, "fails").get("links").get("logs").asText()).body())
        .isEqualTo("broken\n");

    JsonNode skipped = node.awaitRun(id, r -> stepEnded(r, "after"));
    assertThat(step(skipped, "after").get("jobName").isNull()).isTrue();
    assertThat(step(skipped, "after").get("links").isNull()).isTrue();

    HttpResponse<String> cancelled = node.post(links.get("cancel").asText());
    assertThat(cancelled.statusCode()).as(cancelled.body()).isIn(202, 409);
  }

  @Test
  void the_history_carries_terminal_and_links_too() {
    String id = node.runNow("pollers", "codes");
    node.post("/api/v1/runs/" + id + "/cancel");
    node.awaitRun(id, run -> run.get("terminal").asBoolean());

    JsonNode history = Json.parse(node.get(CODES + "/runs").body());
    JsonNode listed = null;
    for (JsonNode item : history.get("items")) {
      if (item.get("id").asText().equals(id)) {
        listed = item;
      }
    }
    assertThat(listed).as(history.toString()).isNotNull();
    assertThat(listed.get("terminal").asBoolean()).isTrue();
    assertThat(listed.get("links").get("self").asText()).isEqualTo("/api/v1/runs/" + id);
  }
}
