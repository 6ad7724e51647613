package io.nightshift.store;

import io.nightshift.security.AuditEvent;
import io.nightshift.security.AuditLog;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The audit trail: one row per change made through the API. */
@Singleton
public class AuditRepository implements AuditLog {

  private final Jdbc jdbc;

  public AuditRepository(DataSource dataSource) {
    this.jdbc = new Jdbc(dataSource);
  }

  @Override
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

  @Override
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
