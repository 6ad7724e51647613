package io.nightshift.executor.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightshift.api.WaitLimiter;
import io.nightshift.testsupport.Definitions;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ?follow=true} on the local executor: the log is sent as the step writes it, every line
 * once and in order, and the answer ends when the step has ended; a follow holds a place among the
 * waits until it ends or its client goes away.
 */
class LocalLogFollowIT {

  private static final String NS = "follow";
  private static final int PER_CALLER = 2;

  @TempDir static Path dataDir;
  private static NightshiftNode node;

  @BeforeAll
  static void start() {
    node =
        NightshiftNode.start(
            NightshiftNode.quickOnLocal(
                PostgresFixture.newDatabase(),
                dataDir,
                "nightshift.logs.follow-interval",
                "100ms",
                "nightshift.api.max-waits-per-caller",
                PER_CALLER));
  }

  @AfterAll
  static void stop() throws Exception {
    try (var files = Files.list(dataDir)) {
      // Ends every held step still running: processes outlive their node.
      for (Path gate : files.filter(f -> f.getFileName().toString().startsWith("gate-")).toList()) {
        Files.writeString(gate.resolveSibling("open-" + gate.getFileName()), "");
      }
    }
    node.close();
  }

  /** Defines a one-step workflow running {@code script} and starts a run of it. */
  private static String run(String workflow, String script) {
    String path = "/api/v1/namespaces/" + NS + "/workflows/" + workflow;
    String definition =
        """
        apiVersion: nightshift.io/v1
        kind: Workflow
        spec:
          steps:
            - name: only
              image: busybox:1.36
              command: [sh, -c, '%s']
        """
            .formatted(script);
    HttpResponse<String> put = node.put(path, "application/yaml", definition);
    assertThat(put.statusCode()).as(put.body()).isIn(200, 201);
    return node.runNow(NS, workflow);
  }

  /** A script that waits until the test opens its gate. */
  private static Path gate(String name) throws Exception {
    Path gate = dataDir.resolve("gate-" + name);
    Files.writeString(gate, "");
    return dataDir.resolve("open-gate-" + name);
  }

  private static String waitFor(Path open) {
    return "while [ ! -e " + open + " ]; do sleep 0.05; done";
  }

  private static String logsOf(String id) {
    return "/api/v1/runs/" + id + "/steps/only/logs";
  }

  private static JsonNode awaitRunning(String id) {
    return node.awaitRun(id, run -> run.at("/steps/0/status").asText().equals("Running"));
  }

  private static String stepStatus(String id) {
    return Json.parse(node.get("/api/v1/runs/" + id).body()).at("/steps/0/status").asText();
  }

  private static int waiting() {
    return node.context().getBean(WaitLimiter.class).waiting();
  }

  @Test
  void every_line_arrives_once_and_in_order_as_it_is_written_and_the_answer_ends_with_the_step()
      throws Exception {
    String id = run("numbered", "for i in $(seq 1 30); do echo line-$i; sleep 0.1; done");
    awaitRunning(id);

    HttpResponse<InputStream> followed =
        node.stream(logsOf(id) + "?follow=true").get(30, TimeUnit.SECONDS);
    assertThat(followed.statusCode()).isEqualTo(200);
    assertThat(followed.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    List<String> lines = new ArrayList<>();
    String statusAtFirstLine = null;
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(followed.body(), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (lines.isEmpty()) {
          statusAtFirstLine = stepStatus(id);
        }
        lines.add(line);
      }
    }

    assertThat(statusAtFirstLine).as("the first line came while the step ran").isEqualTo("Running");
    assertThat(lines)
        .containsExactlyElementsOf(
            IntStream.rangeClosed(1, 30).mapToObj(i -> "line-" + i).toList());
    assertThat(stepStatus(id)).isEqualTo("Succeeded");
    await().atMost(Duration.ofSeconds(5)).until(() -> waiting() == 0);
  }

  @Test
  void tail_lines_starts_from_the_last_lines_written_and_goes_on_from_there() throws Exception {
    Path open = gate("tail");
    String id =
        run(
            "tailed",
            "echo early-1; echo early-2; echo early-3; "
                + waitFor(open)
                + "; echo late-1; echo late-2");
    awaitRunning(id);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> node.get(logsOf(id)).body().contains("early-3"));

    CompletableFuture<HttpResponse<InputStream>> followed =
        node.stream(logsOf(id) + "?follow=true&tailLines=1");
    HttpResponse<InputStream> response = followed.get(30, TimeUnit.SECONDS);
    Files.writeString(open, "");

    assertThat(new String(response.body().readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo("early-3\nlate-1\nlate-2\n");
  }

  @Test
  void following_an_ended_step_answers_its_whole_log_at_once() {
    String id = run("ended", "echo one; echo two");
    node.awaitRun(id, run -> run.get("terminal").asBoolean());

    HttpResponse<String> followed = node.get(logsOf(id) + "?follow=true");

    assertThat(followed.statusCode()).isEqualTo(200);
    assertThat(followed.body()).isEqualTo("one\ntwo\n");
  }

  @Test
  void a_caller_that_may_not_see_the_namespace_gets_404_and_a_bad_follow_400() throws Exception {
    Path open = gate("scoped");
    String id = run("scoped", "echo secret; " + waitFor(open));
    awaitRunning(id);
    NightshiftNode elsewhere = node.as(token("follow-elsewhere", "viewer", "other"));
    try {
      HttpResponse<String> hidden = elsewhere.get(logsOf(id) + "?follow=true");
      assertThat(hidden.statusCode()).as(hidden.body()).isEqualTo(404);
      assertThat(hidden.body()).doesNotContain("secret");

      HttpResponse<String> bad = node.get(logsOf(id) + "?follow=yes");
      assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
      assertThat(Json.parse(bad.body()).at("/violations/0/path").asText()).isEqualTo("?follow");
      assertThat(waiting()).isZero();
    } finally {
      Files.writeString(open, "");
    }
  }

  @Test
  void follows_past_the_callers_cap_get_429_and_a_client_that_leaves_gives_its_place_back()
      throws Exception {
    Path open = gate("capped");
    String id = run("capped", "echo started; " + waitFor(open));
    awaitRunning(id);
    NightshiftNode follower = node.as(token("follower", "viewer"));
    try {
      List<HttpResponse<InputStream>> held = new ArrayList<>();
      for (int i = 0; i < PER_CALLER; i++) {
        HttpResponse<InputStream> response =
            follower.stream(logsOf(id) + "?follow=true").get(30, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        held.add(response);
      }
      assertThat(waiting()).isEqualTo(PER_CALLER);

      HttpResponse<String> refused = follower.get(logsOf(id) + "?follow=true");
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      assertThat(Json.parse(refused.body()).get("type").asText()).endsWith("too-many-waits");

      held.get(0).body().close(); // the client goes away
      await().atMost(Duration.ofSeconds(10)).until(() -> waiting() == PER_CALLER - 1);
      HttpResponse<InputStream> again =
          follower.stream(logsOf(id) + "?follow=true").get(30, TimeUnit.SECONDS);
      assertThat(again.statusCode()).isEqualTo(200);
      held.set(0, again);

      Files.writeString(open, "");
      for (HttpResponse<InputStream> response : held) {
        assertThat(new String(response.body().readAllBytes(), StandardCharsets.UTF_8))
            .isEqualTo("started\n");
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> waiting() == 0);
    } finally {
      Files.writeString(open, "");
    }
  }

  private static String token(String name, String role, String... namespaces) {
    HttpResponse<String> created =
        node.send(
            node.request("/api/v1/tokens")
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        Definitions.json(
                            Map.of(
                                "name", name, "role", role, "namespaces", List.of(namespaces))))));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return Json.parse(created.body()).get("token").asText();
  }
}
