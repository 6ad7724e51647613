package io.nightshift.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightshift.api.WaitLimiter;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import io.nightshift.testsupport.kube.FakeKubernetes;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a step's Job leaves for the API on the Kubernetes executor: the exit code its container
 * terminated with, and its pods' log followed as it grows, against the fake API server.
 */
class KubernetesStepOutputIT {

  private static final String NS = "data";
  private static final Duration JOB_WAIT = Duration.ofSeconds(20);

  private static FakeKubernetes kube;
  private static NightshiftNode node;

  @BeforeAll
  static void start() {
    kube = FakeKubernetes.start();
    node =
        NightshiftNode.start(
            NightshiftNode.quickOnKubernetes(
                PostgresFixture.newDatabase(),
                kube,
                NS,
                "nightshift.kubernetes.request-timeout",
                "5s",
                "nightshift.logs.follow-interval",
                "100ms"));
  }

  @AfterAll
  static void stop() {
    node.close();
    kube.close();
  }

  /** Defines a one-step workflow and starts a run of it; returns the run's id. */
  private static String run(String workflow) {
    HttpResponse<String> put =
        node.put(
            "/api/v1/namespaces/" + NS + "/workflows/" + workflow,
            "application/yaml",
            """
            apiVersion: nightshift.io/v1
            kind: Workflow
            spec:
              steps:
                - {name: only, image: busybox:1.36, command: [sh, -c, 'echo hello']}
            """);
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    return node.runNow(NS, workflow);
  }

  private static JsonNode only(JsonNode run) {
    return run.at("/steps/0");
  }

  @Test
  void a_failed_job_gives_its_step_the_exit_code_its_container_terminated_with() {
    String id = run("exits-seven");
    kube.jobs().awaitJob(NS, "exits-seven-1-only", JOB_WAIT);
    kube.jobs().start(NS, "exits-seven-1-only");

    kube.jobs()
        .fail(
            NS,
            "exits-seven-1-only",
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
            7);

    JsonNode done = node.awaitRun(id, run -> run.get("terminal").asBoolean());
    assertThat(done.get("status").asText()).isEqualTo("Failed");
    assertThat(only(done).get("reason").asText()).isEqualTo("BackoffLimitExceeded");
    assertThat(only(done).get("exitCode").asInt()).isEqualTo(7);
  }

  @Test
  void a_completed_job_gives_exit_code_0_and_a_running_one_none() {
    String id = run("exits-zero");
    kube.jobs().awaitJob(NS, "exits-zero-1-only", JOB_WAIT);
    kube.jobs().start(NS, "exits-zero-1-only");
    JsonNode running = node.awaitRun(id, run -> only(run).get("status").asText().equals("Running"));
    assertThat(only(running).get("exitCode").isNull()).isTrue();
    assertThat(running.get("terminal").asBoolean()).isFalse();

    kube.jobs().complete(NS, "exits-zero-1-only");

    JsonNode done = node.awaitRun(id, run -> run.get("terminal").asBoolean());
    assertThat(done.get("status").asText()).isEqualTo("Succeeded");
    assertThat(only(done).get("exitCode").asInt()).isZero();
  }

  @Test
  void a_followed_pod_log_arrives_line_by_line_once_and_in_order_and_ends_with_the_job()
      throws Exception {
    String id = run("followed");
    kube.jobs().awaitJob(NS, "followed-1-only", JOB_WAIT);
    String pod = kube.jobs().start(NS, "followed-1-only");
    StringBuilder written = new StringBuilder("line-1\n");
    kube.podLog(NS, pod, written.toString());
    node.awaitRun(id, run -> only(run).get("status").asText().equals("Running"));

    HttpResponse<InputStream> followed =
        node.stream("/api/v1/runs/" + id + "/steps/only/logs?follow=true")
            .get(30, TimeUnit.SECONDS);
    assertThat(followed.statusCode()).isEqualTo(200);
    CompletableFuture<List<String>> lines =
        CompletableFuture.supplyAsync(
            () -> {
              List<String> read = new ArrayList<>();
              try (BufferedReader reader =
                  new BufferedReader(
                      new InputStreamReader(followed.body(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                  synchronized (read) {
                    read.add(line);
                  }
                }
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
              return read;
            });
    for (int i = 2; i <= 20; i++) {
      Thread.sleep(30);
      written.append("line-").append(i).append(i % 3 == 0 ? "" : "\n");
      if (i % 3 == 0) {
        kube.podLog(NS, pod, written.toString()); // half a line: it waits for its end
        written.append("\n");
      }
      kube.podLog(NS, pod, written.toString());
    }
    kube.podLog(NS, pod, written + "last, without a newline");
    assertThat(lines).isNotDone();

    kube.jobs().complete(NS, "followed-1-only");

    List<String> expected = new ArrayList<>();
    expected.add("==> pod " + pod + " <==");
    IntStream.rangeClosed(1, 20).forEach(i -> expected.add("line-" + i));
    expected.add("last, without a newline");
    assertThat(lines.get(30, TimeUnit.SECONDS)).containsExactlyElementsOf(expected);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> node.context().getBean(WaitLimiter.class).waiting() == 0);
    assertThat(Json.parse(node.get("/api/v1/runs/" + id).body()).get("status").asText())
        .isEqualTo("Succeeded");
  }
}
