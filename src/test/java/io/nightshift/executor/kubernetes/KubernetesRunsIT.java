package io.nightshift.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.nightshift.testsupport.Definitions;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import io.nightshift.testsupport.Scrape;
import io.nightshift.testsupport.kube.FakeKubernetes;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs on the Kubernetes executor, end to end through the HTTP API, against a fake API server over
 * real HTTP whose Jobs the tests move to Complete or Failed as a Job controller would.
 */
class KubernetesRunsIT {

  private static final String NS = "data";
  private static final Duration JOB_WAIT = Duration.ofSeconds(20);

  private static FakeKubernetes kube;
  private static PostgresFixture.Database database;
  private static NightshiftNode node;

  private static Map<String, Object> node(String id) {
    return NightshiftNode.quickOnKubernetes(
        database,
        kube,
        NS,
        "nightshift.cluster.node-id",
        id,
        "nightshift.kubernetes.request-timeout",
        "5s");
  }

  @BeforeAll
  static void start() {
    kube = FakeKubernetes.start();
    database = PostgresFixture.newDatabase();
    node = NightshiftNode.start(node("solo"));
  }

  @AfterAll
  static void stop() {
    node.close();
    kube.close();
  }

  /** backup, then cleanup, then an Indexed ETL; notify runs only when something failed. */
  private static String nightly() {
    return """
        apiVersion: nightshift.io/v1
        kind: Workflow
        spec:
          parameters: {retentionDays: "14"}
          steps:
            - name: backup
              image: postgres:16
              command: [sh, -c, 'pg_dump "$DATABASE" | gzip > /backups/db.sql.gz']
              env:
                - {name: DATABASE, value: orders}
                - name: PGPASSWORD
                  valueFrom: {secretKeyRef: {name: orders-db, key: password}}
              resources: {requests: {cpu: 100m, memory: 256Mi}}
              backoffLimit: 1
            - name: cleanup
              dependsOn: [backup]
              image: busybox:1.36
              command: [sh, -c, 'find /backups -mtime +$RETENTION_DAYS -delete']
            - name: etl
              dependsOn: [cleanup]
              jobTemplate:
                completionMode: Indexed
                completions: 4
                parallelism: 2
                template:
                  spec:
                    containers:
                      - {name: etl, image: "etl:2.1", args: [--shard, "$(JOB_COMPLETION_INDEX)"]}
            - name: notify
              dependsOn: [etl]
              when: failed
              image: curlimages/curl:8.10.1
              command: [sh, -c, 'echo failed']
        """;
  }

  private static String runNow(NightshiftNode via, String workflow) {
    return via.runNow(NS, workflow);
  }

  private static String stepStatus(JsonNode run, String name) {
    for (JsonNode step : run.get("steps")) {
      if (step.get("name").asText().equals(name)) {
        return step.get("status").asText();
      }
    }
    return "";
  }

  private static JsonNode step(JsonNode run, String name) {
    for (JsonNode step : run.get("steps")) {
      if (step.get("name").asText().equals(name)) {
        return step;
      }
    }
    throw new AssertionError("no step " + name + " in " + run);
  }

  private static Map<String, String> env(Job job) {
    return job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .collect(
            Collectors.toMap(
                EnvVar::getName,
                variable ->
                    variable.getValueFrom() != null
                        ? "secret:" + variable.getValueFrom().getSecretKeyRef().getName()
                        : variable.getValue()));
  }

  @Test
  void each_job_is_created_only_after_its_parent_completed_with_the_steps_spec_labels_and_env() {
    node.put("/api/v1/namespaces/" + NS + "/workflows/chain", "application/yaml", nightly());
    String id = runNow(node, "chain");

    Job backup = kube.jobs().awaitJob(NS, "chain-1-backup", JOB_WAIT);
    assertThat(kube.jobs().job(NS, "chain-1-cleanup")).as("cleanup waits for backup").isEmpty();
    assertThat(backup.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "nightshift")
        .containsEntry("nightshift.io/workflow", "chain")
        .containsEntry("nightshift.io/run", id)
        .containsEntry("nightshift.io/step", "backup");
    assertThat(backup.getMetadata().getAnnotations())
        .containsEntry("nightshift.io/attempt", "1")
        .containsKey("nightshift.io/scheduled-time");
    assertThat(backup.getSpec().getBackoffLimit()).isEqualTo(1);
    var container = backup.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("postgres:16");
    assertThat(container.getResources().getRequests().get("memory").toString()).isEqualTo("256Mi");
    assertThat(backup.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(env(backup))
        .containsEntry("DATABASE", "orders")
        .containsEntry("PGPASSWORD", "secret:orders-db")
        .containsEntry("RETENTION_DAYS", "14")
        .containsEntry("NIGHTSHIFT_RUN_ID", id)
        .containsEntry("NIGHTSHIFT_STEP", "backup")
        .containsEntry("NIGHTSHIFT_ATTEMPT", "1");

    kube.jobs().complete(NS, "chain-1-backup");
    kube.jobs().awaitJob(NS, "chain-1-cleanup", JOB_WAIT);
    assertThat(kube.jobs().job(NS, "chain-1-etl")).as("etl waits for cleanup").isEmpty();
    kube.jobs().complete(NS, "chain-1-cleanup");
    Job etl = kube.jobs().awaitJob(NS, "chain-1-etl", JOB_WAIT);
    assertThat(etl.getSpec().getCompletionMode()).isEqualTo("Indexed");
    assertThat(etl.getSpec().getCompletions()).isEqualTo(4);
    assertThat(etl.getSpec().getParallelism()).isEqualTo(2);
    assertThat(etl.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .containsExactly("--shard", "$(JOB_COMPLETION_INDEX)");
    kube.jobs().complete(NS, "chain-1-etl");

    JsonNode done = node.awaitRun(id, run -> run.get("status").asText().equals("Succeeded"));
    assertThat(stepStatus(done, "notify")).isEqualTo("Skipped");
    assertThat(step(done, "etl").get("jobName").asText()).isEqualTo("chain-1-etl");
    assertThat(kube.jobCreations(NS).stream().filter(name -> name.startsWith("chain-")).toList())
        .containsExactly("chain-1-backup", "chain-1-cleanup", "chain-1-etl");
  }

  @Test
  void the_nightly_maintenance_example_runs_its_chain_of_jobs_end_to_end() {
    assertThat(
            node.put(
                    "/api/v1/namespaces/" + NS + "/workflows/nightly-maintenance",
                    "application/yaml",
                    Definitions.example("nightly-maintenance.yaml"))
                .statusCode())
        .isEqualTo(201);
    String id = runNow(node, "nightly-maintenance");

    for (String step : List.of("backup", "cleanup", "etl")) {
      Job job = kube.jobs().awaitJob(NS, "nightly-maintenance-1-" + step, JOB_WAIT);
      assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
          .extracting(EnvVar::getName)
          .contains("DATABASE", "RETENTION_DAYS", "NIGHTSHIFT_RUN_ID");
      kube.jobs().complete(NS, job.getMetadata().getName());
    }

    JsonNode done = node.awaitRun(id, run -> run.get("status").asText().equals("Succeeded"));
    assertThat(stepStatus(done, "notify-failure")).isEqualTo("Skipped");
    Job backup = kube.jobs().job(NS, "nightly-maintenance-1-backup").orElseThrow();
    assertThat(
            backup
                .getSpec()
                .getTemplate()
                .getSpec()
                .getVolumes()
                .get(0)
                .getPersistentVolumeClaim()
                .getClaimName())
        .isEqualTo("backups");
  }

  @Test
  void a_failed_job_gives_its_reason_to_the_step_skips_its_dependants_and_runs_the_failure_step() {
    node.put("/api/v1/namespaces/" + NS + "/workflows/failing", "application/yaml", nightly());
    String id = runNow(node, "failing");
    kube.jobs().awaitJob(NS, "failing-1-backup", JOB_WAIT);

    kube.jobs()
        .fail(
            NS,
            "failing-1-backup",
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit");
    kube.jobs().awaitJob(NS, "failing-1-notify", JOB_WAIT);
    kube.jobs().complete(NS, "failing-1-notify");

    JsonNode done = node.awaitRun(id, run -> run.get("status").asText().equals("Failed"));
    assertThat(step(done, "backup").get("reason").asText()).isEqualTo("BackoffLimitExceeded");
    assertThat(step(done, "backup").get("message").asText())
        .isEqualTo("Job has reached the specified backoff limit");
    assertThat(stepStatus(done, "cleanup")).isEqualTo("Skipped");
    assertThat(stepStatus(done, "etl")).isEqualTo("Skipped");
    assertThat(stepStatus(done, "notify")).isEqualTo("Succeeded");
    assertThat(kube.jobs().job(NS, "failing-1-cleanup")).isEmpty();
  }

  @Test
  void cancel_deletes_the_running_job() {
    node.put("/api/v1/namespaces/" + NS + "/workflows/cancelled", "application/yaml", nightly());
    String id = runNow(node, "cancelled");
    kube.jobs().awaitJob(NS, "cancelled-1-backup", JOB_WAIT);

    assertThat(node.post("/api/v1/runs/" + id + "/cancel").statusCode()).isEqualTo(202);

    JsonNode done = node.awaitRun(id, run -> run.get("status").asText().equals("Cancelled"));
    assertThat(stepStatus(done, "backup")).isEqualTo("Cancelled");
    awaitDeleted("cancelled-1-backup");
  }

  @Test
  void a_job_deleted_from_under_a_running_step_fails_it_with_job_deleted() {
    node.put("/api/v1/namespaces/" + NS + "/workflows/pulled", "application/yaml", nightly());
    String id = runNow(node, "pulled");
    kube.jobs().awaitJob(NS, "pulled-1-backup", JOB_WAIT);

    kube.client().batch().v1().jobs().inNamespace(NS).withName("pulled-1-backup").delete();

    kube.jobs().awaitJob(NS, "pulled-1-notify", JOB_WAIT);
    kube.jobs().complete(NS, "pulled-1-notify");
    JsonNode done = node.awaitRun(id, run -> run.get("status").asText().equals("Failed"));
    assertThat(step(done, "backup").get("reason").asText()).isEqualTo("JobDeleted");
  }

  @Test
  void under_injected_500s_and_429s_every_run_succeeds_and_no_job_is_created_twice() {
    node.put("/api/v1/namespaces/" + NS + "/workflows/flaky", "application/yaml", nightly());
    String jobs = "/apis/batch/v1/namespaces/" + NS + "/jobs";
    kube.fail("POST", jobs, 500, 2);
    kube.throttle("POST", jobs, 1, 1);
    kube.fail("POST", jobs, 503, 1);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(runNow(node, "flaky"));
    }

    for (int seq = 1; seq <= 3; seq++) {
      for (String step : List.of("backup", "cleanup", "etl")) {
        String name = "flaky-" + seq + "-" + step;
        kube.jobs().awaitJob(NS, name, JOB_WAIT);
        kube.jobs().complete(NS, name);
      }
    }

    for (String id : ids) {
      JsonNode done = node.awaitRun(id, run -> run.get("status").asText().equals("Succeeded"));
      assertThat(done.get("status").asText()).isEqualTo("Succeeded");
    }
    List<String> created =
        kube.jobCreations(NS).stream().filter(name -> name.startsWith("flaky-")).toList();
    assertThat(created).hasSize(9).doesNotHaveDuplicates();
    int attempts = 0;
    for (String name : created) {
      attempts += kube.createAttempts(NS, name);
    }
    assertThat(attempts).as("the 4 refused creates were tried again").isEqualTo(13);
    Scrape scrape = Scrape.of(node);
    assertThat(
            scrape.value(
                "nightshift_kubernetes_requests_total",
                "verb",
                "create",
                "resource",
                "jobs",
                "code",
                "429"))
        .as(scrape.text())
        .isGreaterThanOrEqualTo(1.0);
    assertThat(
            scrape.value(
                "nightshift_kubernetes_requests_total",
                "verb",
                "create",
                "resource",
                "jobs",
                "code",
                "500"))
        .isGreaterThanOrEqualTo(2.0);
    assertThat(
            scrape.value(
                "nightshift_kubernetes_requests_total",
                "verb",
                "watch",
                "resource",
                "jobs",
                "code",
                "200"))
        .as("the informer watches")
        .isGreaterThanOrEqualTo(1.0);
  }

  @Test
  void a_slow_api_server_answering_500s_and_429s_for_a_while_loses_no_run_and_doubles_no_job() {
    node.put("/api/v1/namespaces/" + NS + "/workflows/slow", "application/yaml", nightly());
    String jobs = "/apis/batch/v1/namespaces/" + NS + "/jobs";
    int runs = 6;
    Duration slowFor = Duration.ofSeconds(20);
    ScheduledExecutorService controller = Executors.newSingleThreadScheduledExecutor();
    controller.scheduleWithFixedDelay(() -> completeAll("slow-"), 200, 200, TimeUnit.MILLISECONDS);
    List<String> ids = new ArrayList<>();
    List<JsonNode> done = new ArrayList<>();
    List<String> createdWhileSlow;
    long calmAt;
    try {
      Instant calm = Instant.now().plus(slowFor);
      try {
        // Rounds of 2 s. Each drops the informer's watch, so that it watches or lists again into
        // the faults. Every request is held 3 s, except, in turn: one create and one list or watch
        // of the Jobs answered 500; the same answered 429; one request held 12 s, longer than the
        // node's 5 s request timeout, so that it is given up and tried again. A run starts in each
        // of the first rounds.
        for (int round = 0; Instant.now().isBefore(calm); round++) {
          kube.clearFaults();
          switch (round % 3) {
            case 0 -> {
              kube.fail("POST", jobs, 500, 1);
              kube.fail("GET", jobs, 500, 1);
            }
            case 1 -> {
              kube.throttle("POST", jobs, 1, 1);
              kube.throttle("GET", jobs, 1, 1);
            }
            default -> kube.delay("*", ".*", Duration.ofSeconds(12), 1);
          }
          kube.delay("*", ".*", Duration.ofSeconds(3), 10_000);
          kube.dropWatches();
          if (ids.size() < runs) {
            ids.add(runNow(node, "slow"));
          }
          sleep(2000);
        }
      } finally {
        kube.clearFaults();
      }
      calmAt = System.nanoTime();
      createdWhileSlow =
          kube.jobCreations(NS).stream().filter(name -> name.startsWith("slow-")).toList();

      for (String id : ids) {
        done.add(node.awaitRun(id, run -> run.get("status").asText().equals("Succeeded")));
      }
    } finally {
      controller.shutdownNow();
    }

    List<String> created =
        kube.jobCreations(NS).stream().filter(name -> name.startsWith("slow-")).toList();
    int attempts = 0;
    for (String name : created) {
      attempts += kube.createAttempts(NS, name);
    }
    System.out.printf(
        "Slow API server: %d runs, %d Jobs (%d created during the %d s of faults), %d create"
            + " attempts; all Succeeded %d ms after the faults stopped%n",
        ids.size(),
        created.size(),
        createdWhileSlow.size(),
        slowFor.toSeconds(),
        attempts,
        Duration.ofNanos(System.nanoTime() - calmAt).toMillis());
    List<String> expected = new ArrayList<>();
    for (int seq = 1; seq <= runs; seq++) {
      for (String step : List.of("backup", "cleanup", "etl")) {
        expected.add("slow-" + seq + "-" + step);
      }
    }
    assertThat(ids).hasSize(runs);
    assertThat(created)
        .as("every step's Job created once")
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(createdWhileSlow).as("Jobs created while the API server was slow").isNotEmpty();
    assertThat(attempts).as("refused creates tried again").isGreaterThan(created.size());
    for (JsonNode run : done) {
      assertThat(run.get("steps").findValuesAsText("attempt"))
          .as("no step needed a second attempt: %s", run)
          .containsOnly("1", "0");
    }
  }

  @Test
  void creates_the_api_server_never_answers_time_out_and_are_tried_again() {
    define("unanswered", "parameters: {}");
    // More held creates than the executor has threads to create with: without a timeout, the
    // fifth run's Job would wait for a thread until the node stopped.
    kube.delay("POST", "/apis/batch/v1/namespaces/" + NS + "/jobs", Duration.ofSeconds(30), 4);
    ScheduledExecutorService controller = Executors.newSingleThreadScheduledExecutor();
    controller.scheduleWithFixedDelay(
        () -> completeAll("unanswered-"), 200, 200, TimeUnit.MILLISECONDS);
    try {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        ids.add(runNow(node, "unanswered"));
      }
      for (String id : ids) {
        node.awaitRun(id, run -> run.get("status").asText().equals("Succeeded"));
      }
    } finally {
      controller.shutdownNow();
      kube.clearFaults();
    }
    List<String> created =
        kube.jobCreations(NS).stream().filter(name -> name.startsWith("unanswered-")).toList();
    assertThat(created)
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrder(
            "unanswered-1-only",
            "unanswered-2-only",
            "unanswered-3-only",
            "unanswered-4-only",
            "unanswered-5-only");
  }

  /** The Job controller for these Jobs: each completes a moment after it appears. */
  private static void completeAll(String prefix) {
    try {
      for (Job job : kube.jobs().jobs(NS)) {
        String name = job.getMetadata().getName();
        boolean ended =
            job.getStatus() != null
                && job.getStatus().getConditions() != null
                && !job.getStatus().getConditions().isEmpty();
        if (name.startsWith(prefix) && !ended) {
          kube.jobs().complete(NS, name);
        }
      }
    } catch (RuntimeException e) {
      // a Job changed meanwhile: the next round sees it
    }
  }

  /** Defines a one-step workflow, {@code extra} added to its spec, and runs it once. */
  private static String single(String workflow, String extra) {
    define(workflow, extra);
    return runNow(node, workflow);
  }

  /** Defines a one-step workflow whose step succeeds, {@code extra} added to its spec. */
  private static void define(String workflow, String extra) {
    node.put(
        "/api/v1/namespaces/" + NS + "/workflows/" + workflow,
        "application/yaml",
        """
        apiVersion: nightshift.io/v1
        kind: Workflow
        spec:
          %s
          steps:
            - {name: only, image: busybox:1.36, command: ["true"]}
        """
            .formatted(extra));
  }

  @Test
  void a_create_refused_with_403_or_422_fails_the_step_with_the_api_servers_message() {
    String jobs = "/apis/batch/v1/namespaces/" + NS + "/jobs";
    kube.fail("POST", jobs, 403, 1);
    String forbidden = single("forbidden", "parameters: {}");
    JsonNode run = node.awaitRun(forbidden, r -> r.get("status").asText().equals("Failed"));
    assertThat(step(run, "only").get("reason").asText()).isEqualTo("Forbidden");
    assertThat(step(run, "only").get("message").asText()).isNotBlank();

    kube.fail("POST", jobs, 422, 1);
    String invalid = single("invalid", "parameters: {}");
    run = node.awaitRun(invalid, r -> r.get("status").asText().equals("Failed"));
    assertThat(step(run, "only").get("reason").asText()).isEqualTo("Invalid");
    assertThat(kube.jobs().job(NS, "forbidden-1-only")).isEmpty();
  }

  @Test
  void a_job_of_the_same_name_that_is_not_this_steps_is_never_adopted() {
    kube.client()
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .resource(
            new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
                .withNewMetadata()
                .withName("squatted-1-only")
                .withLabels(Map.of("app.kubernetes.io/managed-by", "someone-else"))
                .endMetadata()
                .withNewSpec()
                .withNewTemplate()
                .withNewSpec()
                .addNewContainer()
                .withName("x")
                .withImage("busybox")
                .endContainer()
                .withRestartPolicy("Never")
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();

    String id = single("squatted", "parameters: {}");

    JsonNode run = node.awaitRun(id, r -> r.get("status").asText().equals("Failed"));
    assertThat(step(run, "only").get("reason").asText()).isEqualTo("AlreadyExists");
    assertThat(kube.jobs().job(NS, "squatted-1-only").orElseThrow().getMetadata().getLabels())
        .as("the other Job is left as it was")
        .containsEntry("app.kubernetes.io/managed-by", "someone-else");
  }

  @Test
  void deleting_the_workflow_deletes_its_running_job() {
    String id = single("removed", "parameters: {}");
    kube.jobs().awaitJob(NS, "removed-1-only", JOB_WAIT);
    node.awaitRun(id, run -> stepStatus(run, "only").equals("Running"));

    assertThat(node.delete("/api/v1/namespaces/" + NS + "/workflows/removed").statusCode())
        .isEqualTo(204);

    awaitDeleted("removed-1-only");
  }

  @Test
  void runs_beyond_the_history_limits_are_deleted_with_their_jobs() {
    String first = single("limited", "successfulRunsHistoryLimit: 1");
    kube.jobs().awaitJob(NS, "limited-1-only", JOB_WAIT);
    kube.jobs().complete(NS, "limited-1-only");
    node.awaitRun(first, run -> run.get("status").asText().equals("Succeeded"));
    String second = runNow(node, "limited");
    kube.jobs().awaitJob(NS, "limited-2-only", JOB_WAIT);
    kube.jobs().complete(NS, "limited-2-only");
    node.awaitRun(second, run -> run.get("status").asText().equals("Succeeded"));

    // Ended runs beyond the limits stay for a minute, for clients waiting on them.
    node.clock().tick(Duration.ofSeconds(61));

    awaitDeleted("limited-1-only");
    assertThat(node.get("/api/v1/runs/" + first).statusCode()).isEqualTo(404);
    assertThat(kube.jobs().job(NS, "limited-2-only")).isPresent();
  }

  @Test
  void a_create_whose_answer_was_lost_is_tried_again_gets_409_and_adopts_the_job_it_made() {
    kube.loseAnswer("POST", "/apis/batch/v1/namespaces/" + NS + "/jobs", 503, 1);

    String id = single("lost-answer", "parameters: {}");

    kube.jobs().awaitJob(NS, "lost-answer-1-only", JOB_WAIT);
    // The create is tried again after its backoff: 409, and the Job is read and adopted.
    await("the retry after the lost answer")
        .atMost(Duration.ofSeconds(10))
        .until(() -> kube.createAttempts(NS, "lost-answer-1-only") >= 2);
    kube.jobs().complete(NS, "lost-answer-1-only");
    JsonNode done = node.awaitRun(id, run -> run.get("status").asText().equals("Succeeded"));
    assertThat(done.get("status").asText()).isEqualTo("Succeeded");
    assertThat(kube.createAttempts(NS, "lost-answer-1-only")).isEqualTo(2);
    assertThat(kube.jobCreations(NS).stream().filter(name -> name.startsWith("lost-answer")))
        .containsExactly("lost-answer-1-only");
    // The informer may report the Job complete before the creator thread has read the 409's
    // answer: the launch is recorded when the adoption is, once.
    Scrape.awaitValue(
        node,
        "the Job adopted after 409 is launched once",
        1.0,
        "nightshift_step_launch_lag_seconds_count",
        "namespace",
        NS,
        "workflow",
        "lost-answer");
  }

  @Test
  void a_step_in_a_namespace_not_allowed_fails_saying_where_jobs_may_go() {
    node.put(
        "/api/v1/namespaces/elsewhere/workflows/stray",
        "application/yaml",
        """
        apiVersion: nightshift.io/v1
        kind: Workflow
        spec:
          steps:
            - {name: only, image: busybox:1.36, command: ["true"]}
        """);
    HttpResponse<String> response =
        node.send(
            node.request("/api/v1/namespaces/elsewhere/workflows/stray/runs?wait=20s")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));

    JsonNode run = Json.parse(response.body());
    assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("Failed");
    assertThat(step(run, "only").get("reason").asText()).isEqualTo("NamespaceNotAllowed");
    assertThat(step(run, "only").get("message").asText()).contains(NS).contains("elsewhere");
  }

  @Test
  void the_logs_of_a_steps_pods_are_served_each_under_a_header_and_404_once_they_are_gone() {
    node.put("/api/v1/namespaces/" + NS + "/workflows/logged", "application/yaml", nightly());
    String id = runNow(node, "logged");
    kube.jobs().awaitJob(NS, "logged-1-backup", JOB_WAIT);
    String pod = kube.jobs().start(NS, "logged-1-backup");
    kube.podLog(NS, pod, "dumping orders\n42 rows\ndone\n");
    node.awaitRun(id, run -> stepStatus(run, "backup").equals("Running"));

    HttpResponse<String> logs = node.get("/api/v1/runs/" + id + "/steps/backup/logs");
    HttpResponse<String> tail = node.get("/api/v1/runs/" + id + "/steps/backup/logs?tailLines=1");

    assertThat(logs.statusCode()).isEqualTo(200);
    assertThat(logs.body()).isEqualTo("==> pod " + pod + " <==\ndumping orders\n42 rows\ndone\n");
    assertThat(tail.body()).isEqualTo("==> pod " + pod + " <==\ndone\n");

    kube.client().pods().inNamespace(NS).withName(pod).delete();
    HttpResponse<String> gone = node.get("/api/v1/runs/" + id + "/steps/backup/logs");
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(gone.body()).contains("is gone");
  }

  @Test
  void two_nodes_the_leader_stopped_while_a_job_runs_the_other_adopts_it_and_no_job_is_doubled()
      throws Exception {
    NightshiftNode other = NightshiftNode.start(node("other"));
    List<NightshiftNode> nodes = new ArrayList<>(List.of(node, other));
    NightshiftNode leader = null;
    try {
      node.put("/api/v1/namespaces/" + NS + "/workflows/handover", "application/yaml", nightly());
      String id = runNow(other, "handover");
      kube.jobs().awaitJob(NS, "handover-1-backup", JOB_WAIT);
      leader = NightshiftNode.leaderOf(nodes);
      NightshiftNode survivor = leader == node ? other : node;

      leader.close();
      // The Job completes while the leadership moves.
      kube.jobs().complete(NS, "handover-1-backup");
      kube.jobs().awaitJob(NS, "handover-1-cleanup", JOB_WAIT);
      kube.jobs().complete(NS, "handover-1-cleanup");
      kube.jobs().awaitJob(NS, "handover-1-etl", JOB_WAIT);
      kube.jobs().complete(NS, "handover-1-etl");

      JsonNode done = survivor.awaitRun(id, run -> run.get("status").asText().equals("Succeeded"));
      assertThat(done.get("steps").findValuesAsText("attempt")).containsOnly("1", "0");
      assertThat(
              kube.jobCreations(NS).stream().filter(name -> name.startsWith("handover-")).toList())
          .containsExactly("handover-1-backup", "handover-1-cleanup", "handover-1-etl");
    } finally {
      if (leader == node) {
        node = other; // the class's node for the tests after this one
      } else if (leader == null) {
        other.close();
      }
    }
  }

  @Test
  void a_step_recorded_running_whose_job_was_never_created_is_created_by_the_next_leader()
      throws Exception {
    NightshiftNode other = NightshiftNode.start(node("other-unlaunched"));
    List<NightshiftNode> nodes = new ArrayList<>(List.of(node, other));
    NightshiftNode leader = null;
    try {
      node.put("/api/v1/namespaces/" + NS + "/workflows/unlaunched", "application/yaml", nightly());
      // The leader records the step Running, but its create never gets through before it stops:
      // as if it died between the commit and the launch.
      kube.fail("POST", "/apis/batch/v1/namespaces/" + NS + "/jobs", 503, 1_000);
      String id = runNow(other, "unlaunched");
      other.awaitRun(id, run -> stepStatus(run, "backup").equals("Running"));
      leader = NightshiftNode.leaderOf(nodes);
      NightshiftNode survivor = leader == node ? other : node;

      leader.close();
      kube.clearFaults();

      kube.jobs().awaitJob(NS, "unlaunched-1-backup", JOB_WAIT);
      kube.jobs().complete(NS, "unlaunched-1-backup");
      kube.jobs().awaitJob(NS, "unlaunched-1-cleanup", JOB_WAIT);
      kube.jobs().complete(NS, "unlaunched-1-cleanup");
      kube.jobs().awaitJob(NS, "unlaunched-1-etl", JOB_WAIT);
      kube.jobs().complete(NS, "unlaunched-1-etl");
      JsonNode done =
          survivor.awaitRun(id, run -> !List.of("Pending", "Running").contains(status(run)));
      assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("Succeeded");
      assertThat(step(done, "backup").get("attempt").asInt()).isEqualTo(1);
      assertThat(
              kube.jobCreations(NS).stream()
                  .filter(name -> name.startsWith("unlaunched-"))
                  .toList())
          .containsExactly("unlaunched-1-backup", "unlaunched-1-cleanup", "unlaunched-1-etl");
    } finally {
      kube.clearFaults();
      if (leader == node) {
        node = other; // the class's node for the tests after this one
      } else if (leader == null) {
        other.close();
      }
    }
  }

  private static String status(JsonNode run) {
    return run.get("status").asText();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void awaitDeleted(String name) {
    for (int i = 0; i < 200 && !kube.jobs().deleted(NS, name); i++) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    assertThat(kube.jobs().deleted(NS, name)).as(name + " deleted").isTrue();
  }
}
