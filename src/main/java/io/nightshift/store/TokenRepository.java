package io.nightshift.store;

import jakarta.inject.Singleton;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** The API tokens: stored by the hash of their value, never the value itself. */
@Singleton
public class TokenRepository {

  private static final String COLUMNS = "name, role, namespaces, created_at, created_by";

  private final Jdbc jdbc;

  public TokenRepository(DataSource dataSource) {
    this.jdbc = new Jdbc(dataSource);
  }

  /**
   * A token as stored, without its hash.
   *
   * @param namespaces the only namespaces it sees; empty for all
   */
  public record StoredToken(
      String name, String role, List<String> namespaces, Instant createdAt, String createdBy) {}

  /** The token whose value hashes to {@code hash}. */
  public Optional<StoredToken> findByHash(String hash) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "SELECT " + COLUMNS + " FROM api_tokens WHERE token_hash = ?")) {
            statement.setString(1, hash);
            try (ResultSet result = statement.executeQuery()) {
              return result.next() ? Optional.of(row(result)) : Optional.empty();
            }
          }
        });
  }

  /** Every token, by name. */
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
  public boolean create(StoredToken token, String hash) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "INSERT INTO api_tokens (token_hash, "
                      + COLUMNS
                      + ") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING")) {
            bind(statement, connection, token, hash);
            return statement.executeUpdate() == 1;
          }
        });
  }

  /**
   * Makes {@code token} hold the value that hashes to {@code hash}, creating or replacing it: how
   * the configured admin token is installed at every start.
   */
  public void put(StoredToken token, String hash) {
    jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "INSERT INTO api_tokens (token_hash, "
                      + COLUMNS
                      + ") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
                      + " token_hash = excluded.token_hash, role = excluded.role,"
                      + " namespaces = excluded.namespaces"
                      + " WHERE api_tokens.token_hash IS DISTINCT FROM excluded.token_hash"
                      + " OR api_tokens.role IS DISTINCT FROM excluded.role"
                      + " OR api_tokens.namespaces IS DISTINCT FROM excluded.namespaces")) {
            bind(statement, connection, token, hash);
            return statement.executeUpdate();
          }
        });
  }

  /** Deletes the token; false when there is none of that name. */
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
  }

  private static StoredToken row(ResultSet result) throws SQLException {
    Array namespaces = result.getArray("namespaces");
    return new StoredToken(
        result.getString("name"),
        result.getString("role"),
        Arrays.stream((Object[]) namespaces.getArray()).map(String::valueOf).toList(),
        result.getTimestamp("created_at").toInstant(),
        result.getString("created_by"));
  }
}
