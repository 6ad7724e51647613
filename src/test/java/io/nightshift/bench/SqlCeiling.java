package io.nightshift.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nightshift.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * The raw SQL ceiling: N run rows written by one set-based INSERT, in one statement and one
 * transaction, into a table shaped like {@code runs}. No scheduler writes runs faster on this
 * database.
 */
final class SqlCeiling {

  private SqlCeiling() {}

  static PeerResult run(PostgresFixture.Database database, int size) throws Exception {
    PeerRuns runs = PeerRuns.create(database, "bench_sql_runs");
    try (Connection connection = database.connect();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO "
                    + runs.table()
                    + " (id, namespace, workflow, seq, trigger, status, scheduled_time,"
                    + " created_at, parameters, definition)"
                    + " SELECT gen_random_uuid()::text, 'bench', 'w' || i, 1, 'schedule',"
                    + " 'Pending', ?, clock_timestamp(), CAST('{}' AS json), CAST(? AS json)"
                    + " FROM generate_series(0, ? - 1) AS i")) {
      Instant due = Instant.now();
      insert.setTimestamp(1, Timestamp.from(due));
      insert.setString(2, PeerRuns.DEFINITION_JSON);
      insert.setInt(3, size);
      long started = System.nanoTime();
      int inserted = insert.executeUpdate();
      double seconds = Math.max(0.000_001, (System.nanoTime() - started) / 1e9);
      ObjectNode setup = JsonNodeFactory.instance.objectNode();
      setup.put("statement", "INSERT ... SELECT ... FROM generate_series, autocommit");
      setup.put("seconds", Math.round(seconds * 1000) / 1000.0);
      return new PeerResult("runs/s", inserted / seconds, size, inserted, null, setup);
    } finally {
      runs.drop();
    }
  }
}
