package io.nightshift.store;

import io.nightshift.cluster.Lease;
import io.nightshift.cluster.LeaseStore;
import io.nightshift.cluster.Node;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** The leader lease row and the node heartbeats; each change is one atomic statement. */
@Singleton
public class LeaseRepository implements LeaseStore {

  static final String LEASE = "engine";

  private final Jdbc jdbc;

  public LeaseRepository(DataSource dataSource) {
    this.jdbc = new Jdbc(dataSource);
  }

  /**
   * Takes the lease for {@code node} when it is free, expired or already {@code node}'s, and
   * extends it to {@code expiresAt}. The token grows only when the holder changes. Returns the
   * lease when {@code node} holds it now; empty when another node holds it unexpired.
   */
  @Override
  public Optional<Lease> acquireOrRenew(String node, Instant now, Instant expiresAt) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "UPDATE leader_lease SET"
                      + " fencing_token = CASE WHEN holder = ? THEN fencing_token ELSE fencing_token"
                      + " + 1 END,"
                      + " acquired_at = CASE WHEN holder = ? THEN acquired_at ELSE ? END,"
                      + " holder = ?, expires_at = ?"
                      + " WHERE name = ? AND (holder = ? OR holder IS NULL OR expires_at <= ?)"
                      + " RETURNING holder, acquired_at, expires_at, fencing_token")) {
            Timestamp at = Jdbc.timestamp(now);
            statement.setString(1, node);
            statement.setString(2, node);
            statement.setTimestamp(3, at);
            statement.setString(4, node);
            statement.setTimestamp(5, Jdbc.timestamp(expiresAt));
            statement.setString(6, LEASE);
            statement.setString(7, node);
            statement.setTimestamp(8, at);
            try (ResultSet result = statement.executeQuery()) {
              return result.next() ? Optional.of(lease(result)) : Optional.empty();
            }
          }
        });
  }

  /** Gives the lease up at once, so that another node need not wait for it to expire. */
  @Override
  public void release(String node, Instant now) {
    jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "UPDATE leader_lease SET holder = NULL, expires_at = ? WHERE name = ? AND holder"
                      + " = ?")) {
            statement.setTimestamp(1, Jdbc.timestamp(now));
            statement.setString(2, LEASE);
            statement.setString(3, node);
            return statement.executeUpdate();
          }
        });
  }

  @Override
  public Lease current() {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "SELECT holder, acquired_at, expires_at, fencing_token FROM leader_lease WHERE"
                      + " name = ?")) {
            statement.setString(1, LEASE);
            try (ResultSet result = statement.executeQuery()) {
              result.next();
              return lease(result);
            }
          }
        });
  }

  /**
   * True when {@code node} still holds the lease under {@code fencingToken}. An engine write runs
   * this check in its own transaction, with the lease row locked, before writing.
   */
  public static boolean holds(Connection connection, String node, long fencingToken)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT 1 FROM leader_lease WHERE name = ? AND holder = ? AND fencing_token = ?"
                + " FOR SHARE")) {
      statement.setString(1, LEASE);
      statement.setString(2, node);
      statement.setLong(3, fencingToken);
      try (ResultSet result = statement.executeQuery()) {
        return result.next();
      }
    }
  }

  @Override
  public void heartbeat(String node, Instant startedAt, Instant now) {
    jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "INSERT INTO cluster_nodes (id, started_at, last_seen) VALUES (?, ?, ?)"
                      + " ON CONFLICT (id) DO UPDATE SET started_at = EXCLUDED.started_at,"
                      + " last_seen = EXCLUDED.last_seen")) {
            statement.setString(1, node);
            statement.setTimestamp(2, Jdbc.timestamp(startedAt));
            statement.setTimestamp(3, Jdbc.timestamp(now));
            return statement.executeUpdate();
          }
        });
  }

  /** Nodes seen at or after {@code since}, by id. */
  @Override
  public List<Node> nodesSeenSince(Instant since) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "SELECT id, started_at, last_seen FROM cluster_nodes WHERE last_seen >= ? ORDER"
                      + " BY id")) {
            statement.setTimestamp(1, Jdbc.timestamp(since));
            List<Node> nodes = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
              while (result.next()) {
                nodes.add(
                    new Node(
                        result.getString(1),
                        result.getTimestamp(2).toInstant(),
                        result.getTimestamp(3).toInstant()));
              }
            }
            return nodes;
          }
        });
  }

  private static Lease lease(ResultSet result) throws SQLException {
    Timestamp acquired = result.getTimestamp("acquired_at");
    return new Lease(
        result.getString("holder"),
        acquired == null ? null : acquired.toInstant(),
        result.getTimestamp("expires_at").toInstant(),
        result.getLong("fencing_token"));
  }
}
