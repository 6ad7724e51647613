package io.nightshift.store;

import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/** The runs table. */
@Singleton
public class RunRepository {

  private final Jdbc jdbc;

  public RunRepository(DataSource dataSource) {
    this.jdbc = new Jdbc(dataSource);
  }

  /** A new run's identity. */
  public record NewRun(String id, long seq) {}

  /**
   * Records a run of the workflow (Pending, or Missed when too late to start) for {@code
   * scheduledTime}, once: when a run for that time exists already (another node's fire, a retried
   * fire), nothing is written and the result is empty. The run takes the workflow's next {@code
   * seq}; a refused insert consumes none.
   */
  public Optional<NewRun> insertOnce(
      String namespace,
      String workflow,
      String trigger,
      Instant scheduledTime,
      String status,
      String parametersJson,
      Instant now) {
    return jdbc.inTransaction(
        connection -> {
          // Locks the workflow row: fires of one workflow take their seq one after another.
          Optional<Long> seq = nextSeq(connection, namespace, workflow);
          if (seq.isEmpty()) {
            return Optional.empty();
          }
          String id = RunIds.next(now);
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "INSERT INTO runs (id, namespace, workflow, seq, trigger, status,"
                      + " scheduled_time, created_at, parameters)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS json))"
                      + " ON CONFLICT DO NOTHING")) {
            statement.setString(1, id);
            statement.setString(2, namespace);
            statement.setString(3, workflow);
            statement.setLong(4, seq.get());
            statement.setString(5, trigger);
            statement.setString(6, status);
            statement.setTimestamp(7, Jdbc.timestamp(scheduledTime));
            statement.setTimestamp(8, Jdbc.timestamp(now));
            statement.setString(9, parametersJson);
            if (statement.executeUpdate() == 0) {
              connection.rollback();
              return Optional.empty();
            }
          }
          return Optional.of(new NewRun(id, seq.get()));
        });
  }

  private static Optional<Long> nextSeq(Connection connection, String namespace, String workflow)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "UPDATE workflows SET last_run_seq = last_run_seq + 1 WHERE namespace = ? AND name = ?"
                + " RETURNING last_run_seq")) {
      statement.setString(1, namespace);
      statement.setString(2, workflow);
      try (ResultSet result = statement.executeQuery()) {
        return result.next() ? Optional.of(result.getLong(1)) : Optional.empty();
      }
    }
  }
}
