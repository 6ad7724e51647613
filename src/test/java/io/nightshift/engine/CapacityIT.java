package io.nightshift.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import io.nightshift.testsupport.Scrape;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cap on steps running at once and the namespace quotas, on a real node with the local
 * executor: a burst of runs whose steps block on a file until the test releases them.
 */
class CapacityIT {

  @TempDir Path dataDir;

  /** A workflow of one step that runs until a file named after its run is in {@code releases}. */
  private static String blocking(Path releases, String schedule) {
    return """
        apiVersion: nightshift.io/v1
        kind: Workflow
        spec:
          %s
          concurrencyPolicy: Allow
          steps:
            - name: work
              image: busybox:1.36
              command: [sh, -c, 'while [ ! -e %s/$NIGHTSHIFT_RUN_ID ]; do sleep 0.05; done']
        """
        .formatted(schedule == null ? "" : "schedule: \"" + schedule + "\"", releases);
  }

  private static NightshiftNode node(Path dataDir, Object... more) {
    List<Object> properties = new ArrayList<>(List.of("nightshift.data-dir", dataDir.toString()));
    properties.addAll(List.of(more));
    return NightshiftNode.start(
        NightshiftNode.quick(PostgresFixture.newDatabase(), properties.toArray()));
  }

  private static JsonNode run(NightshiftNode node, String id) {
    return Json.parse(node.get("/api/v1/runs/" + id).body());
  }

  private static JsonNode work(JsonNode run) {
    for (JsonNode step : run.get("steps")) {
      if (step.get("name").asText().equals("work")) {
        return step;
      }
    }
    return Json.parse("{\"status\": \"\"}"); // not admitted yet: no steps
  }

  private static String status(JsonNode run) {
    return work(run).get("status").asText();
  }

  private static boolean waitingForCapacity(JsonNode run) {
    return "Pending".equals(status(run))
        && "WaitingForCapacity".equals(work(run).path("reason").asText());
  }

  /** The runs, read one after another. */
  private static List<JsonNode> read(NightshiftNode node, List<String> ids) {
    return ids.stream().map(id -> run(node, id)).toList();
  }

  private static long count(List<JsonNode> runs, Predicate<JsonNode> which) {
    return runs.stream().filter(which).count();
  }

  /**
   * Reads the runs every 50 ms until {@code until} holds of them (for up to 20 s), then for 20 more
   * reads (at least ten engine passes at 100 ms), asserting {@code always} of every read.
   */
  private static List<JsonNode> observe(
      NightshiftNode node,
      List<String> ids,
      Predicate<List<JsonNode>> until,
      Predicate<List<JsonNode>> always,
      String what)
      throws InterruptedException {
    List<JsonNode> runs = read(node, ids);
    int settled = 0;
    for (int i = 0; i < 400 && settled < 20; i++) {
      assertThat(always.test(runs)).as(what + ": " + runs).isTrue();
      if (settled > 0 || until.test(runs)) {
        settled++;
      }
      Thread.sleep(50);
      runs = read(node, ids);
    }
    assertThat(settled).as("never settled: " + runs).isEqualTo(20);
    assertThat(always.test(runs)).as(what + ": " + runs).isTrue();
    assertThat(until.test(runs)).as(runs.toString()).isTrue();
    return runs;
  }

  private static List<String> runNow(NightshiftNode node, String namespace, String name, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(node.runNow(namespace, name));
    }
    return ids;
  }

  /** Lets the step of each of these runs end. */
  private static void release(Path releases, List<String> ids) throws IOException {
    for (String id : ids) {
      if (!Files.exists(releases.resolve(id))) {
        Files.createFile(releases.resolve(id));
      }
    }
  }

  private static List<String> ids(List<JsonNode> runs, Predicate<JsonNode> which) {
    return runs.stream().filter(which).map(run -> run.get("id").asText()).toList();
  }

  private static boolean running(JsonNode run) {
    return "Running".equals(status(run));
  }

  @Test
  void a_backfill_of_six_runs_under_a_cap_of_two_runs_two_steps_at_a_time_and_ends_them_all()
      throws Exception {
    Path releases = Files.createDirectory(dataDir.resolve("releases"));
    // A string, as an environment variable gives it.
    try (NightshiftNode node = node(dataDir, "nightshift.engine.max-running-steps", "2")) {
      // Yearly at New Year: it does not fire during the test, and six past years are six runs.
      node.put(
          "/api/v1/namespaces/team/workflows/yearly",
          "application/yaml",
          blocking(releases, "0 0 1 1 *"));
      HttpResponse<String> backfill =
          node.send(
              node.request("/api/v1/namespaces/team/workflows/yearly/backfill")
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"from\": \"2020-01-01T00:00:00Z\", \"to\":"
                              + " \"2025-01-01T00:00:00Z\"}")));
      assertThat(backfill.statusCode()).as(backfill.body()).isEqualTo(201);
      List<String> ids = Json.parse(backfill.body()).get("items").findValuesAsText("id");
      assertThat(ids).hasSize(6);
      try {
        List<String> left = new ArrayList<>(ids);
        for (int round = 1; !left.isEmpty(); round++) {
          int expectRunning = Math.min(2, left.size());
          int expectWaiting = left.size() - expectRunning;
          List<JsonNode> runs =
              observe(
                  node,
                  left,
                  r ->
                      count(r, CapacityIT::running) == expectRunning
                          && count(r, CapacityIT::waitingForCapacity) == expectWaiting,
                  r -> count(r, CapacityIT::running) <= 2,
                  "round " + round + ", at most 2 steps Running");

          // Waiting runs are admitted (their deadline runs); only their steps wait, not started.
          assertThat(runs)
              .allSatisfy(run -> assertThat(run.get("status").asText()).isEqualTo("Running"));
          for (JsonNode waiting : runs.stream().filter(CapacityIT::waitingForCapacity).toList()) {
            assertThat(work(waiting).get("message").asText())
                .contains("nightshift.engine.max-running-steps");
            assertThat(work(waiting).get("startedAt").isNull()).isTrue();
          }

          assertThat(
                  Scrape.of(node)
                      .value(
                          "nightshift_steps_waiting_for_capacity",
                          "namespace",
                          "team",
                          "workflow",
                          "yearly"))
              .isEqualTo(expectWaiting == 0 ? null : (double) expectWaiting);

          List<String> released = ids(runs, CapacityIT::running);
          release(releases, released);
          for (String id : released) {
            JsonNode ended =
                node.awaitRun(id, run -> run.get("status").asText().equals("Succeeded"));
            assertThat(work(ended).get("reason").isNull()).as(ended.toString()).isTrue();
          }
          left.removeAll(released);
        }
      } finally {
        release(releases, ids);
      }
    }
  }

  @Test
  void a_namespace_at_its_quota_waits_while_another_namespace_still_runs_two() throws Exception {
    Path releases = Files.createDirectory(dataDir.resolve("releases"));
    try (NightshiftNode node =
        node(
            dataDir,
            "nightshift.engine.max-running-steps",
            "10",
            "nightshift.engine.namespace-quotas",
            "a=1")) {
      node.put(
          "/api/v1/namespaces/a/workflows/burst", "application/yaml", blocking(releases, null));
      node.put(
          "/api/v1/namespaces/b/workflows/burst", "application/yaml", blocking(releases, null));
      List<String> inA = runNow(node, "a", "burst", 2);
      List<String> inB = runNow(node, "b", "burst", 2);
      List<String> all = new ArrayList<>(inA);
      all.addAll(inB);
      try {
        List<JsonNode> runs =
            observe(
                node,
                all,
                r ->
                    count(r.subList(0, 2), CapacityIT::running) == 1
                        && count(r.subList(0, 2), CapacityIT::waitingForCapacity) == 1
                        && count(r.subList(2, 4), CapacityIT::running) == 2,
                r -> count(r.subList(0, 2), CapacityIT::running) <= 1,
                "at most 1 step of namespace a Running");
        JsonNode waiting =
            work(
                runs.subList(0, 2).stream()
                    .filter(CapacityIT::waitingForCapacity)
                    .findFirst()
                    .get());
        assertThat(waiting.get("message").asText())
            .contains("namespace a")
            .contains("nightshift.engine.namespace-quotas");

        // The running step of a ends: the waiting one starts.
        List<String> first = ids(runs.subList(0, 2), CapacityIT::running);
        release(releases, first);
        node.awaitRun(first.get(0), run -> run.get("status").asText().equals("Succeeded"));
        List<String> second = ids(runs.subList(0, 2), CapacityIT::waitingForCapacity);
        node.awaitRun(second.get(0), CapacityIT::running);

        release(releases, all);
        for (String id : all) {
          node.awaitRun(id, run -> run.get("status").asText().equals("Succeeded"));
        }
      } finally {
        release(releases, all);
      }
    }
  }
}
