package io.nightshift.store;

import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The audit trail: one row per change made through the API. */
@Singleton
public class AuditRepository {

  private final Jdbc jdbc;

  public AuditRepository(DataSource dataSource) {
    this.jdbc = new Jdbc(dataSource);
  }

  /**
   * One change.
   *
   * @param id assigned by the database; 0 before the event is stored
   * @param actor who: {@code token:<name>} or {@code oidc:<subject>}
   * @param action what, e.g. {@code workflow.apply}
   * @param target on what: the request's path
   * @param status the HTTP status it was answered with
   * @param address the client's address
   * @param detail what else is worth knowing, e.g. the run it created; may be null
   */
  public record AuditEvent(
      long id,
      Instant at,
      String actor,
      String action,
      String target,
      int status,
      String address,
      String detail) {}

  public void insert(AuditEvent event) {
    jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "INSERT INTO audit_events (at, actor, action, target, status, address, detail)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            statement.setTimestamp(1, Jdbc.timestamp(event.at()));
            statement.setString(2, event.actor());
            statement.setString(3, event.action());
            statement.setString(4, event.target());
            statement.setInt(5, event.status());
            statement.setString(6, event.address());
            if (event.detail() == null) {
              statement.setNull(7, Types.VARCHAR);
            } else {
              statement.setString(7, event.detail());
            }
            return statement.executeUpdate();
          }
        });
  }

  /** Up to {@code limit} events, newest first, older than event {@code beforeId} when given. */
  public List<AuditEvent> page(Long beforeId, int limit) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "SELECT id, at, actor, action, target, status, address, detail"
                      + " FROM audit_events WHERE (?::bigint IS NULL OR id < ?)"
                      + " ORDER BY id DESC LIMIT ?")) {
            statement.setObject(1, beforeId, Types.BIGINT);
            statement.setObject(2, beforeId, Types.BIGINT);
            statement.setInt(3, limit);
            List<AuditEvent> events = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
              while (result.next()) {
                events.add(
                    new AuditEvent(
                        result.getLong("id"),
                        result.getTimestamp("at").toInstant(),
                        result.getString("actor"),
                        result.getString("action"),
                        result.getString("target"),
                        result.getInt("status"),
                        result.getString("address"),
                        result.getString("detail")));
              }
            }
            return events;
          }
        });
  }
}
