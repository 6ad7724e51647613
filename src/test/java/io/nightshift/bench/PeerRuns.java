package io.nightshift.bench;

import io.nightshift.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A table shaped like {@code runs} (its columns, defaults, checks and indexes, taken from the table
 * itself so it follows the schema; no foreign key) into which a peer writes the run rows a fire
 * would write, and what they say: how late each row came after its scheduled time.
 */
final class PeerRuns {

  /** What a run row carries of its workflow: about the size of a real definition's JSON. */
  static final String DEFINITION_JSON =
      "{\"apiVersion\":\"nightshift.io/v1\",\"kind\":\"Workflow\",\"metadata\":{\"name\":\"w\","
          + "\"namespace\":\"bench\"},\"spec\":{\"schedule\":\"0 0 1 1 *\",\"timeZone\":\"UTC\","
          + "\"concurrencyPolicy\":\"Allow\",\"steps\":[{\"name\":\"noop\",\"image\":"
          + "\"busybox:1.36\",\"command\":[\"true\"]}]}}";

  /** One run row, as a fire writes it: the clock of the database says when. */
  static final String INSERT_ONE =
      "INSERT INTO %s (id, namespace, workflow, seq, trigger, status, scheduled_time, created_at,"
          + " parameters, definition) VALUES (?, ?, ?, 1, 'schedule', 'Pending', ?,"
          + " clock_timestamp(), CAST('{}' AS json), CAST(? AS json)) ON CONFLICT DO NOTHING";

  private final PostgresFixture.Database database;
  private final String table;

  private PeerRuns(PostgresFixture.Database database, String table) {
    this.database = database;
    this.table = table;
  }

  /** Creates the table {@code table} afresh. */
  static PeerRuns create(PostgresFixture.Database database, String table) throws SQLException {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS " + table);
      statement.execute(
          "CREATE TABLE "
              + table
              + " (LIKE runs INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)");
    }
    return new PeerRuns(database, table);
  }

  String table() {
    return table;
  }

  String insertOne() {
    return INSERT_ONE.formatted(table);
  }

  static void bind(PreparedStatement insert, String id, String workflow, Instant scheduled)
      throws SQLException {
    insert.setString(1, id);
    insert.setString(2, "bench");
    insert.setString(3, workflow);
    insert.setTimestamp(4, Timestamp.from(scheduled));
    insert.setString(5, DEFINITION_JSON);
  }

  long count() throws SQLException {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT count(*) FROM " + table)) {
      result.next();
      return result.getLong(1);
    }
  }

  /** How late each row was written after its scheduled time, and when the last one was. */
  Written written() throws SQLException {
    List<Long> lags = new ArrayList<>();
    Instant last = Instant.EPOCH;
    Instant firstScheduled = null;
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT scheduled_time, created_at FROM " + table)) {
      while (rows.next()) {
        Instant scheduled = rows.getTimestamp(1).toInstant();
        Instant created = rows.getTimestamp(2).toInstant();
        lags.add(Duration.between(scheduled, created).toMillis());
        last = created.isAfter(last) ? created : last;
        firstScheduled =
            firstScheduled == null || scheduled.isBefore(firstScheduled)
                ? scheduled
                : firstScheduled;
      }
    }
    double seconds =
        firstScheduled == null
            ? Double.NaN
            : Math.max(0.001, Duration.between(firstScheduled, last).toMillis() / 1000.0);
    return new Written(Lags.ofMillis(lags), lags.size() / seconds);
  }

  /**
   * @param lags scheduled time to row written
   * @param perSecond rows over the time from the scheduled instant to the last row
   */
  record Written(Lags lags, double perSecond) {}

  void drop() throws SQLException {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS " + table);
    }
  }
}
