package io.nightshift.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs through HTTP on one node with the local executor, real child processes: the engine wired end
 * to end. A chain runs, retries, cancels, deadlines, deletion, history, backfill. Which step
 * starts, waits or is skipped, and how admission decides, are {@link ReconcileTest}'s table.
 */
class RunChainIT {

  @TempDir static Path dataDir;
  private static NightshiftNode node;

  @BeforeAll
  static void start() {
    PostgresFixture.Database database = PostgresFixture.newDatabase();
    node =
        NightshiftNode.start(
            NightshiftNode.quick(database, "nightshift.data-dir", dataDir.toString()));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String chain(String cleanupCommand, String policy) {
    return """
        apiVersion: nightshift.io/v1
        kind: Workflow
        spec:
          concurrencyPolicy: %s
          parameters: {retentionDays: "30"}
          steps:
            - name: backup
              image: postgres:17
              command: [sh, -c, 'echo "backup keeps $RETENTION_DAYS days, step $NIGHTSHIFT_STEP of $NIGHTSHIFT_WORKFLOW"']
            - name: cleanup
              dependsOn: [backup]
              image: busybox:1.36
              command: [sh, -c, '%s']
            - name: etl
              dependsOn: [cleanup]
              image: etl:2.1
              command: [sh, -c, 'echo etl']
            - name: notify
              dependsOn: [etl]
              when: failed
              image: curlimages/curl:8.10.1
              command: [sh, -c, 'echo "something failed in $NIGHTSHIFT_RUN_ID"']
        """
        .formatted(policy, cleanupCommand);
  }

  private static HttpResponse<String> runNow(String workflow, String body, String wait) {
    return node.send(
        node.request(
                "/api/v1/namespaces/local/workflows/"
                    + workflow
                    + "/runs"
                    + (wait == null ? "" : "?wait=" + wait))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static JsonNode step(JsonNode run, String name) {
    for (JsonNode step : run.get("steps")) {
      if (step.get("name").asText().equals(name)) {
        return step;
      }
    }
    throw new AssertionError("no step " + name + " in " + run);
  }

  /** A step's status, or "" while the run has no steps yet. */
  private static String status(JsonNode run, String name) {
    for (JsonNode step : run.get("steps")) {
      if (step.get("name").asText().equals(name)) {
        return step.get("status").asText();
      }
    }
    return "";
  }

  private static Instant at(JsonNode step, String field) {
    return Instant.parse(step.get(field).asText());
  }

  @Test
  void a_chain_runs_step_after_step_with_its_parameters_and_keeps_each_log() {
    node.put(
        "/api/v1/namespaces/local/workflows/nightly",
        "application/yaml",
        chain("echo cleanup", "Allow"));

    HttpResponse<String> response =
        runNow("nightly", "{\"parameters\": {\"retentionDays\": \"7\"}}", "60s");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    JsonNode run = Json.parse(response.body());
    assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("Succeeded");
    assertThat(run.get("trigger").asText()).isEqualTo("manual");
    assertThat(run.at("/parameters/retentionDays").asText()).isEqualTo("7");
    JsonNode backup = step(run, "backup");
    JsonNode cleanup = step(run, "cleanup");
    JsonNode etl = step(run, "etl");
    assertThat(backup.get("jobName").asText()).isEqualTo("nightly-1-backup");
    assertThat(at(cleanup, "startedAt")).isAfterOrEqualTo(at(backup, "finishedAt"));
    assertThat(at(etl, "startedAt")).isAfterOrEqualTo(at(cleanup, "finishedAt"));
    assertThat(step(run, "notify").get("status").asText()).isEqualTo("Skipped");
    assertThat(step(run, "notify").get("reason").asText()).isEqualTo("NothingFailed");

    HttpResponse<String> log =
        node.get("/api/v1/runs/" + run.get("id").asText() + "/steps/backup/logs");
    assertThat(log.statusCode()).isEqualTo(200);
    assertThat(log.body()).isEqualTo("backup keeps 7 days, step backup of nightly\n");
    String logs = "/api/v1/runs/" + run.get("id").asText() + "/steps/backup/logs";
    assertThat(node.get(logs + "?tailLines=1").body())
        .isEqualTo("backup keeps 7 days, step backup of nightly\n");
    HttpResponse<String> bad = node.get(logs + "?tailLines=-1");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(bad.body()).contains("?tailLines");
  }

  @Test
  void an_override_of_an_undeclared_parameter_is_a_422() {
    node.put(
        "/api/v1/namespaces/local/workflows/params", "application/yaml", chain("true", "Allow"));

    HttpResponse<String> response =
        runNow("params", "{\"parameters\": {\"retentionDayz\": \"7\"}}", null);

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(Json.parse(response.body()).findValuesAsText("path"))
        .containsExactly("/parameters/retentionDayz");
  }

  @Test
  void an_unknown_run_is_a_404_problem() {
    HttpResponse<String> response = node.get("/api/v1/runs/01NOSUCHRUN");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  @Test
  void cancel_stops_the_running_step_and_ends_the_run_cancelled() throws Exception {
    node.put(
        "/api/v1/namespaces/local/workflows/long", "application/yaml", chain("sleep 300", "Allow"));
    String id = Json.parse(runNow("long", "{}", null).body()).get("id").asText();
    JsonNode run = Json.parse(node.get("/api/v1/runs/" + id).body());
    for (int i = 0; i < 100 && !status(run, "cleanup").equals("Running"); i++) {
      Thread.sleep(100);
      run = Json.parse(node.get("/api/v1/runs/" + id).body());
    }

    HttpResponse<String> cancel = node.post("/api/v1/runs/" + id + "/cancel");

    assertThat(cancel.statusCode()).isEqualTo(202);
    JsonNode cancelled = Json.parse(node.get("/api/v1/runs/" + id + "?wait=20s").body());
    assertThat(cancelled.get("status").asText()).as(cancelled.toString()).isEqualTo("Cancelled");
    assertThat(step(cancelled, "cleanup").get("status").asText()).isEqualTo("Cancelled");
    assertThat(step(cancelled, "etl").get("status").asText()).isEqualTo("Cancelled");
    assertThat(step(cancelled, "backup").get("status").asText()).isEqualTo("Succeeded");
    assertThat(node.post("/api/v1/runs/" + id + "/cancel").statusCode()).isEqualTo(409);
  }

  @Test
  void deleting_the_workflow_stops_its_running_step_and_removes_what_its_runs_left()
      throws Exception {
    node.put(
        "/api/v1/namespaces/local/workflows/doomed",
        "application/yaml",
        chain("sleep 300", "Allow"));
    String id = Json.parse(runNow("doomed", "{}", null).body()).get("id").asText();
    node.awaitRun(id, run -> status(run, "cleanup").equals("Running"));
    java.nio.file.Path steps = dataDir.resolve("steps/local");
    // The step is Running once it is recorded; its process and pid file follow after the commit.
    java.nio.file.Path pidFile = steps.resolve("doomed-1-cleanup.pid");
    for (int i = 0; i < 200 && !java.nio.file.Files.exists(pidFile); i++) {
      Thread.sleep(50);
    }
    long pid = Long.parseLong(java.nio.file.Files.readString(pidFile).split(" ")[0]);

    assertThat(node.delete("/api/v1/namespaces/local/workflows/doomed").statusCode())
        .isEqualTo(204);
    // Its Jobs and files go after the delete has committed, on the engine's effect threads.
    node.context().getBean(Effects.class).drain();

    // A step left running would sleep for 300 s: this times out and fails instead.
    ProcessHandle pidHandle = ProcessHandle.of(pid).orElse(null);
    if (pidHandle != null) {
      pidHandle.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
    }
    assertThat(java.nio.file.Files.exists(steps.resolve("doomed-1-backup.log"))).isFalse();
    assertThat(java.nio.file.Files.exists(steps.resolve("doomed-1-cleanup.pid"))).isFalse();
    assertThat(node.get("/api/v1/runs/" + id).statusCode()).isEqualTo(404);
  }

  @Test
  void the_same_idempotency_key_gives_the_same_run() {
    node.put(
        "/api/v1/namespaces/local/workflows/keyed", "application/yaml", chain("true", "Allow"));

    String first = keyedRun("keyed", "nightly-2026-11-23");
    String again = keyedRun("keyed", "nightly-2026-11-23");
    String other = keyedRun("keyed", "nightly-2026-11-24");

    assertThat(again).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
  }

  private static String keyedRun(String workflow, String key) {
    HttpResponse<String> response =
        node.send(
            node.request("/api/v1/namespaces/local/workflows/" + workflow + "/runs")
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertThat(response.statusCode()).isEqualTo(201);
    return Json.parse(response.body()).get("id").asText();
  }

  private static String single(String name, String command, String extra) {
    return """
        apiVersion: nightshift.io/v1
        kind: Workflow
        spec:
          %s
          steps:
            - name: %s
              image: busybox:1.36
              command: [sh, -c, '%s']
        """
        .formatted(extra, name, command);
  }

  @Test
  void a_failed_step_is_retried_after_its_backoff_until_its_retries_are_spent() throws Exception {
    node.put(
        "/api/v1/namespaces/local/workflows/retried",
        "application/yaml",
        single("flaky", "echo attempt $NIGHTSHIFT_ATTEMPT; exit 1", "activeDeadlineSeconds: 3600")
            .replace("image: busybox:1.36", "image: busybox:1.36\n      retries: 2"));
    String id = Json.parse(runNow("retried", "{}", null).body()).get("id").asText();

    JsonNode firstFailed =
        node.awaitRun(
            id,
            run ->
                status(run, "flaky").equals("Failed")
                    && step(run, "flaky").get("attempt").asInt() == 1);
    assertThat(firstFailed.get("status").asText())
        .as("waiting for its next attempt")
        .isEqualTo("Running");

    node.clock().tick(java.time.Duration.ofSeconds(10));
    node.awaitRun(
        id,
        run ->
            step(run, "flaky").get("attempt").asInt() == 2
                && status(run, "flaky").equals("Failed"));
    node.clock().tick(java.time.Duration.ofSeconds(20));
    JsonNode done = node.awaitRun(id, run -> run.get("status").asText().equals("Failed"));

    JsonNode flaky = step(done, "flaky");
    assertThat(flaky.get("attempt").asInt()).isEqualTo(3);
    assertThat(flaky.get("jobName").asText()).isEqualTo("retried-1-flaky-3");
    assertThat(node.get("/api/v1/runs/" + id + "/steps/flaky/logs").body())
        .isEqualTo("attempt 3\n");
  }

  @Test
  void a_step_past_its_deadline_is_stopped_and_fails_with_deadline_exceeded() throws Exception {
    node.put(
        "/api/v1/namespaces/local/workflows/slow-step",
        "application/yaml",
        single("slow", "sleep 300", "timeZone: UTC")
            .replace(
                "image: busybox:1.36", "image: busybox:1.36\n      activeDeadlineSeconds: 60"));
    String id = Json.parse(runNow("slow-step", "{}", null).body()).get("id").asText();
    node.awaitRun(id, run -> status(run, "slow").equals("Running"));

    node.clock().tick(java.time.Duration.ofSeconds(61));

    JsonNode done = node.awaitRun(id, run -> run.get("status").asText().equals("Failed"));
    assertThat(step(done, "slow").get("reason").asText()).isEqualTo("DeadlineExceeded");
  }

  @Test
  void a_run_past_its_deadline_fails_and_its_steps_are_cancelled() throws Exception {
    node.put(
        "/api/v1/namespaces/local/workflows/slow-run",
        "application/yaml",
        single("slow", "sleep 300", "activeDeadlineSeconds: 120"));
    String id = Json.parse(runNow("slow-run", "{}", null).body()).get("id").asText();
    node.awaitRun(id, run -> status(run, "slow").equals("Running"));

    node.clock().tick(java.time.Duration.ofSeconds(121));

    JsonNode done = node.awaitRun(id, run -> run.get("status").asText().equals("Failed"));
    assertThat(done.get("reason").asText()).isEqualTo("DeadlineExceeded");
    assertThat(status(done, "slow")).isEqualTo("Cancelled");
  }

  @Test
  void runs_beyond_the_history_limits_are_deleted_with_their_logs() {
    node.put(
        "/api/v1/namespaces/local/workflows/limited",
        "application/yaml",
        single("work", "echo done", "successfulRunsHistoryLimit: 2\n  failedRunsHistoryLimit: 1"));
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      JsonNode run = Json.parse(runNow("limited", "{}", "60s").body());
      assertThat(run.get("status").asText()).isEqualTo("Succeeded");
      ids.add(run.get("id").asText());
    }
    // Ended runs beyond the limits stay for a minute, for clients waiting on them.
    node.clock().tick(java.time.Duration.ofSeconds(61));
    JsonNode history = null;
    for (int i = 0; i < 100; i++) {
      history = Json.parse(node.get("/api/v1/namespaces/local/workflows/limited/runs").body());
      if (history.get("items").size() == 2) {
        break;
      }
      node.get("/api/v1/runs/" + ids.get(3) + "?wait=100ms");
    }

    assertThat(history.get("items").findValuesAsText("id")).containsExactly(ids.get(3), ids.get(2));
    assertThat(node.get("/api/v1/runs/" + ids.get(0)).statusCode()).isEqualTo(404);
    assertThat(java.nio.file.Files.exists(dataDir.resolve("steps/local/limited-1-work.log")))
        .isFalse();
    assertThat(java.nio.file.Files.exists(dataDir.resolve("steps/local/limited-4-work.log")))
        .isTrue();
  }

  @Test
  void replace_cancels_the_running_run_and_starts_the_new_one() throws Exception {
    node.put(
        "/api/v1/namespaces/local/workflows/replaced",
        "application/yaml",
        chain("sleep 300", "Replace"));
    String first = Json.parse(runNow("replaced", "{}", null).body()).get("id").asText();
    node.awaitRun(first, run -> status(run, "cleanup").equals("Running"));

    JsonNode second = Json.parse(runNow("replaced", "{}", null).body());
    JsonNode firstEnded =
        node.awaitRun(first, run -> run.get("status").asText().equals("Cancelled"));

    assertThat(firstEnded.get("reason").asText()).isEqualTo("Replaced");
    assertThat(status(firstEnded, "cleanup")).isEqualTo("Cancelled");
    node.awaitRun(second.get("id").asText(), run -> status(run, "cleanup").equals("Running"));
    node.post("/api/v1/runs/" + second.get("id").asText() + "/cancel");
  }

  @Test
  void backfill_makes_one_run_per_scheduled_time_once() throws Exception {
    node.put(
        "/api/v1/namespaces/local/workflows/hourly",
        "application/yaml",
        single("report", "echo report for $NIGHTSHIFT_SCHEDULED_TIME", "schedule: \"0 * * * *\""));
    String range = "{\"from\": \"2026-11-20T00:00:00Z\", \"to\": \"2026-11-20T03:00:00Z\"}";

    HttpResponse<String> first = backfill("hourly", range);
    HttpResponse<String> again = backfill("hourly", range);

    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    JsonNode created = Json.parse(first.body()).get("items");
    assertThat(created.findValuesAsText("scheduledTime"))
        .containsExactly(
            "2026-11-20T00:00:00Z",
            "2026-11-20T01:00:00Z",
            "2026-11-20T02:00:00Z",
            "2026-11-20T03:00:00Z");
    assertThat(created.findValuesAsText("trigger")).containsOnly("backfill");
    assertThat(Json.parse(again.body()).get("items")).isEmpty();
    assertThat(Json.parse(again.body()).get("alreadyRun")).hasSize(4);
    String last = created.get(3).get("id").asText();
    node.awaitRun(last, run -> run.get("status").asText().equals("Succeeded"));
    assertThat(node.get("/api/v1/runs/" + last + "/steps/report/logs").body())
        .isEqualTo("report for 2026-11-20T03:00:00Z\n");
  }

  @Test
  void a_backfill_without_a_range_is_a_400_naming_both_ends() {
    node.put(
        "/api/v1/namespaces/local/workflows/hourly2",
        "application/yaml",
        single("r", "true", "schedule: \"@hourly\""));

    HttpResponse<String> response = backfill("hourly2", "{\"from\": \"yesterday\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Json.parse(response.body()).findValuesAsText("path"))
        .containsExactly("/from", "/to");
  }

  private static HttpResponse<String> backfill(String workflow, String body) {
    return node.send(
        node.request("/api/v1/namespaces/local/workflows/" + workflow + "/backfill")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  @Test
  void retry_runs_the_failed_and_skipped_steps_again_and_keeps_the_succeeded_ones()
      throws Exception {
    Path marker = dataDir.resolve("cleanup-may-succeed");
    node.put(
        "/api/v1/namespaces/local/workflows/retry",
        "application/yaml",
        chain("test -f " + marker, "Allow"));
    JsonNode failed = Json.parse(runNow("retry", "{}", "60s").body());
    assertThat(failed.get("status").asText()).isEqualTo("Failed");
    String id = failed.get("id").asText();
    java.nio.file.Files.createFile(marker);

    HttpResponse<String> retry = node.post("/api/v1/runs/" + id + "/retry");

    assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
    JsonNode done = node.awaitRun(id, run -> run.get("status").asText().equals("Succeeded"));
    assertThat(step(done, "backup").get("attempt").asInt()).as("kept, not re-run").isEqualTo(1);
    assertThat(step(done, "cleanup").get("attempt").asInt()).isEqualTo(2);
    assertThat(step(done, "cleanup").get("jobName").asText()).isEqualTo("retry-1-cleanup-2");
    assertThat(status(done, "etl")).isEqualTo("Succeeded");
    assertThat(node.post("/api/v1/runs/" + id + "/retry").statusCode()).isEqualTo(409);
  }
}
