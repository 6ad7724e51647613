package io.nightshift.store;

import io.nightshift.security.StoredToken;
import io.nightshift.security.TokenStore;
import jakarta.inject.Singleton;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** The API tokens: stored by the hash of their value, never the value itself. */
@Singleton
public class TokenRepository implements TokenStore {

  private static final String COLUMNS =
      "name, role, namespaces, created_at, created_by, expires_at, last_used_at";

  /** How stale {@code last_used_at} may get: it is written at most this often per token. */
  private static final Duration USE_RESOLUTION = Duration.ofMinutes(1);

  private final Jdbc jdbc;

  public TokenRepository(DataSource dataSource) {
    this.jdbc = new Jdbc(dataSource);
  }

  /**
   * The unexpired token whose value hashes to {@code hash}, noting that it is used {@code now}
   * (written at most once a minute, so that reads stay reads).
   */
  @Override
  public Optional<StoredToken> use(String hash, Instant now) {
    return jdbc.inTransaction(
        connection -> {
          Optional<StoredToken> token;
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM api_tokens WHERE token_hash = ?"
                      + " AND (expires_at IS NULL OR expires_at > ?)")) {
            statement.setString(1, hash);
            statement.setTimestamp(2, Jdbc.timestamp(now));
            try (ResultSet result = statement.executeQuery()) {
              token = result.next() ? Optional.of(row(result)) : Optional.empty();
            }
          }
          if (token.isPresent()
              && (token.get().lastUsedAt() == null
                  || token.get().lastUsedAt().isBefore(now.minus(USE_RESOLUTION)))) {
            try (PreparedStatement statement =
                connection.prepareStatement(
                    "UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?")) {
              statement.setTimestamp(1, Jdbc.timestamp(now));
              statement.setString(2, hash);
              statement.executeUpdate();
            }
          }
          return token;
        });
  }

  /** Every token, by name. */
  @Override
  public List<StoredToken> list() {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
                  connection.prepareStatement(
                      "SELECT " + COLUMNS + " FROM api_tokens ORDER BY name");
              ResultSet result = statement.executeQuery()) {
            List<StoredToken> tokens = new ArrayList<>();
            while (result.next()) {
              tokens.add(row(result));
            }
            return tokens;
          }
        });
  }

  /** Stores a new token; false, and nothing changed, when one of that name exists. */
  @Override
  public boolean create(StoredToken token, String hash) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "INSERT INTO api_tokens (token_hash, "
                      + COLUMNS
                      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING")) {
            bind(statement, connection, token, hash);
            return statement.executeUpdate() == 1;
          }
        });
  }

  /**
   * Makes {@code token} hold the value that hashes to {@code hash}, creating or replacing it: how
   * the configured admin token is installed at every start.
   */
  @Override
  public void put(StoredToken token, String hash) {
    jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "INSERT INTO api_tokens (token_hash, "
                      + COLUMNS
                      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
                      + " token_hash = excluded.token_hash, role = excluded.role,"
                      + " namespaces = excluded.namespaces, expires_at = excluded.expires_at"
                      + " WHERE api_tokens.token_hash IS DISTINCT FROM excluded.token_hash"
                      + " OR api_tokens.role IS DISTINCT FROM excluded.role"
                      + " OR api_tokens.namespaces IS DISTINCT FROM excluded.namespaces"
                      + " OR api_tokens.expires_at IS DISTINCT FROM excluded.expires_at")) {
            bind(statement, connection, token, hash);
            return statement.executeUpdate();
          }
        });
  }

  /** Deletes the token; false when there is none of that name. */
  @Override
  public boolean delete(String name) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement("DELETE FROM api_tokens WHERE name = ?")) {
            statement.setString(1, name);
            return statement.executeUpdate() == 1;
          }
        });
  }

  private static void bind(
      PreparedStatement statement, Connection connection, StoredToken token, String hash)
      throws SQLException {
    statement.setString(1, hash);
    statement.setString(2, token.name());
    statement.setString(3, token.role());
    statement.setArray(4, connection.createArrayOf("text", token.namespaces().toArray()));
    statement.setTimestamp(5, Jdbc.timestamp(token.createdAt()));
    statement.setString(6, token.createdBy());
    statement.setTimestamp(7, token.expiresAt() == null ? null : Jdbc.timestamp(token.expiresAt()));
    statement.setTimestamp(
        8, token.lastUsedAt() == null ? null : Jdbc.timestamp(token.lastUsedAt()));
  }

  private static StoredToken row(ResultSet result) throws SQLException {
    Array namespaces = result.getArray("namespaces");
    return new StoredToken(
        result.getString("name"),
        result.getString("role"),
        Arrays.stream((Object[]) namespaces.getArray()).map(String::valueOf).toList(),
        result.getTimestamp("created_at").toInstant(),
        result.getString("created_by"),
        instant(result.getTimestamp("expires_at")),
        instant(result.getTimestamp("last_used_at")));
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
