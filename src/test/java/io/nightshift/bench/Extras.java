package io.nightshift.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;

/** The measures that take long, run only when asked for: heap with a long history, writes/s. */
final class Extras {

  private Extras() {}

  /**
   * Definition writes per second: {@code count} workflows PUT by {@link NightshiftRound#CLIENTS}
   * clients spread over the nodes, each PUT a new workflow.
   */
  static ObjectNode definitionWrites(List<NightshiftNode> nodes, int count) throws Exception {
    NightshiftRound.Definitions writes =
        NightshiftRound.define(nodes, "writes", "w", count, NightshiftRound.NEVER_DUE_HERE);
    ObjectNode json = writes.toJson();
    json.put("nodes", nodes.size());
    return json;
  }

  /**
   * The heap with {@code workflows} workflows defined and {@code runs} ended runs of history (one
   * step each, written by set-based SQL), after the leader has run its passes over them for a
   * while. The nodes share this JVM, so what is read is the JVM's used heap after a forced GC, the
   * benchmark's own objects included; the figure before is the baseline to subtract.
   */
  static ObjectNode heap(
      List<NightshiftNode> nodes,
      PostgresFixture.Database database,
      int workflows,
      int runs,
      Duration settle)
      throws Exception {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put(
        "measured",
        "used heap of the one JVM that runs all the nodes, after System.gc(), by MemoryMXBean");
    json.put("workflows", workflows);
    json.put("runs_of_history", runs);
    json.put("heap_before_mib", usedHeapAfterGcMib());
    // History limits that keep it all: runs / workflows Succeeded runs each (at most 1,000).
    int kept = Math.min(1000, Math.max(3, (runs + workflows - 1) / workflows));
    NightshiftRound.Definitions defined =
        NightshiftRound.define(
            nodes,
            "heap",
            "h",
            workflows,
            NightshiftRound.NEVER_DUE_HERE,
            "successfulRunsHistoryLimit: " + kept);
    json.set("defined", defined.toJson());
    json.put("heap_with_workflows_mib", usedHeapAfterGcMib());
    long started = System.nanoTime();
    insertHistory(database, workflows, runs);
    json.put("history_inserted_in_seconds", Math.round((System.nanoTime() - started) / 1e6) / 1e3);
    Thread.sleep(settle.toMillis());
    json.put("settled_seconds", settle.toSeconds());
    json.put("heap_with_history_mib", usedHeapAfterGcMib());
    json.put(
        "runs_of_history_kept",
        database.count("SELECT count(*) FROM runs WHERE namespace = 'heap'"));
    json.put(
        "max_heap_mib", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax() >> 20);
    return json;
  }

  /**
   * {@code runs} ended runs spread over the workflows {@code h0...}, a minute apart going back from
   * now, each with one ended step. Their seq starts far above anything the workflows have used, so
   * the history never collides with a run the nodes write.
   */
  private static void insertHistory(PostgresFixture.Database database, int workflows, int runs)
      throws Exception {
    try (Connection connection = database.connect()) {
      // One transaction: the leader's history collection never sees runs without their steps.
      connection.setAutoCommit(false);
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO runs (id, namespace, workflow, seq, trigger, status, scheduled_time,"
                  + " created_at, started_at, finished_at, parameters, definition)"
                  + " SELECT 'history-' || g, 'heap', 'h' || (g % ?), 1000000 + g / ?, 'schedule',"
                  + " 'Succeeded', t, t, t + interval '1 second', t + interval '2 seconds',"
                  + " CAST('{}' AS json), CAST(? AS json)"
                  + " FROM generate_series(0, ? - 1) AS g,"
                  + " LATERAL (SELECT date_trunc('minute', now()) - g * interval '1 minute') AS s(t)")) {
        insert.setInt(1, workflows);
        insert.setInt(2, workflows);
        insert.setString(3, PeerRuns.DEFINITION_JSON);
        insert.setInt(4, runs);
        insert.executeUpdate();
      }
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO run_steps (run_id, name, position, status, attempt, started_at,"
                  + " finished_at) SELECT id, 'noop', 0, 'Succeeded', 1, started_at, finished_at"
                  + " FROM runs WHERE namespace = 'heap' AND id LIKE 'history-%'")) {
        insert.executeUpdate();
      }
      connection.commit();
    }
  }

  private static long usedHeapAfterGcMib() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
  }
}
