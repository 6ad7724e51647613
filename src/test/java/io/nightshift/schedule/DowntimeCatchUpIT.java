package io.nightshift.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import io.nightshift.testsupport.Scrape;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole cluster is down for several periods of an hourly schedule, then its three nodes come
 * back at once. Each workflow gets exactly one record per missed time: the latest one runs when it
 * is within {@code startingDeadlineSeconds}, and every other one is recorded as Missed, never run.
 * (Missed records count towards {@code failedRunsHistoryLimit}, raised here so all are kept.)
 *
 * <p>Schedules keep time on the system clock, so the outage is made by moving the schedules' stored
 * next fire times back while no node runs (the fire four hours before the latest was the last one
 * made), which is what the nodes find after a real outage.
 */
class DowntimeCatchUpIT {

  @TempDir Path dataDir;

  private Map<String, Object> node(PostgresFixture.Database database, String id) {
    return NightshiftNode.quick(
        database, "nightshift.cluster.node-id", id, "nightshift.data-dir", dataDir.toString());
  }

  private static String hourly(int minute, long startingDeadlineSeconds) {
    return """
        apiVersion: nightshift.io/v1
        kind: Workflow
        spec:
          schedule: "%d * * * *"
          timeZone: UTC
          startingDeadlineSeconds: %d
          failedRunsHistoryLimit: 10
          steps:
            - {name: work, image: busybox:1.36, command: ["true"]}
        """
        .formatted(minute, startingDeadlineSeconds);
  }

  @Test
  void three_nodes_back_from_four_missed_hours_make_one_record_per_missed_time() throws Exception {
    PostgresFixture.Database database = PostgresFixture.newDatabase();
    // The schedule's minute is half an hour from now, so the latest missed time is ~30 minutes old:
    // within a 2-hour deadline, past a 10-minute one.
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    int minute = (now.getMinute() + 30) % 60;
    Instant latest = now.truncatedTo(ChronoUnit.HOURS).withMinute(minute).toInstant();
    if (latest.isAfter(now.toInstant())) {
      latest = latest.minus(Duration.ofHours(1));
    }

    List<NightshiftNode> nodes = new ArrayList<>();
    try {
      for (String id : List.of("one", "two", "three")) {
        nodes.add(NightshiftNode.start(node(database, id)));
      }
      nodes
          .get(0)
          .put(
              "/api/v1/namespaces/down/workflows/catchup",
              "application/yaml",
              hourly(minute, 7200));
      nodes
          .get(1)
          .put("/api/v1/namespaces/down/workflows/strict", "application/yaml", hourly(minute, 600));
    } finally {
      nodes.forEach(NightshiftNode::close);
      nodes.clear();
    }

    // The cluster was down since the fire four hours before the latest one.
    try (Connection connection = database.connect();
        PreparedStatement statement =
            connection.prepareStatement(
                "UPDATE schedules SET next_fire_time = ? WHERE namespace = 'down'")) {
      statement.setTimestamp(1, Timestamp.from(latest.minus(Duration.ofHours(3))));
      assertThat(statement.executeUpdate()).isEqualTo(2);
    }

    try {
      for (String id : List.of("one", "two", "three")) {
        nodes.add(NightshiftNode.start(node(database, id)));
      }
      Map<Instant, String> expectedCatchUp = new LinkedHashMap<>();
      Map<Instant, String> expectedStrict = new LinkedHashMap<>();
      for (int hoursBefore = 0; hoursBefore <= 3; hoursBefore++) {
        Instant missed = latest.minus(Duration.ofHours(hoursBefore));
        expectedCatchUp.put(missed, hoursBefore == 0 ? "Succeeded" : "Missed");
        expectedStrict.put(missed, "Missed");
      }

      assertThat(awaitHistory(nodes.get(2), "catchup", expectedCatchUp)).isEqualTo(expectedCatchUp);
      assertThat(awaitHistory(nodes.get(0), "strict", expectedStrict)).isEqualTo(expectedStrict);
      // Nothing more comes later: no replay of the missed times, by any node.
      Thread.sleep(3000);
      assertThat(history(nodes.get(1), "catchup")).isEqualTo(expectedCatchUp);
      assertThat(history(nodes.get(1), "strict")).isEqualTo(expectedStrict);
      Scrape scrape = Scrape.of(NightshiftNode.leaderOf(nodes));
      assertThat(
              scrape.value(
                  "nightshift_missed_runs_total", "namespace", "down", "workflow", "catchup"))
          .as(scrape.text())
          .isEqualTo(3.0);
      assertThat(
              scrape.value(
                  "nightshift_missed_runs_total", "namespace", "down", "workflow", "strict"))
          .isEqualTo(4.0);
    } finally {
      nodes.forEach(NightshiftNode::close);
    }
  }

  private static Map<Instant, String> awaitHistory(
      NightshiftNode node, String workflow, Map<Instant, String> expected)
      throws InterruptedException {
    Map<Instant, String> history = history(node, workflow);
    for (int i = 0; i < 300 && !history.equals(expected); i++) {
      Thread.sleep(100);
      history = history(node, workflow);
    }
    return history;
  }

  /** Scheduled time to status, newest first, as the history API lists them. */
  private static Map<Instant, String> history(NightshiftNode node, String workflow) {
    JsonNode page =
        Json.parse(node.get("/api/v1/namespaces/down/workflows/" + workflow + "/runs").body());
    Map<Instant, String> history = new LinkedHashMap<>();
    for (JsonNode run : page.get("items")) {
      history.put(Instant.parse(run.get("scheduledTime").asText()), run.get("status").asText());
    }
    return history;
  }
}
