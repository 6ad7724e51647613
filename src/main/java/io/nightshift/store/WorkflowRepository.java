package io.nightshift.store;

import io.nightshift.workflow.StoredWorkflow;
import io.nightshift.workflow.WorkflowStore;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.sql.DataSource;

/** The workflows table. Every change reads and writes its row in one transaction. */
@Singleton
public class WorkflowRepository implements WorkflowStore {

  private static final String COLUMNS =
      "namespace, name, uid, generation, resource_version, definition::text AS definition,"
          + " created_at, updated_at";

  private final Jdbc jdbc;

  public WorkflowRepository(DataSource dataSource) {
    this.jdbc = new Jdbc(dataSource);
  }

  @Override
  public Optional<StoredWorkflow> find(String namespace, String name) {
    return jdbc.inTransaction(connection -> select(connection, namespace, name, false));
  }

  /**
   * Workflows ordered by namespace and name, after the given key (exclusive) when there is one.
   *
   * @param namespaces only these namespaces, or all when null
   */
  @Override
  public List<StoredWorkflow> list(
      Collection<String> namespaces, String afterNamespace, String afterName, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM workflows WHERE true");
    List<Object> arguments = new ArrayList<>();
    if (namespaces != null) {
      sql.append(" AND namespace = ANY(?)");
      arguments.add(namespaces.toArray(String[]::new));
    }
    if (afterNamespace != null) {
      sql.append(" AND (namespace, name) > (?, ?)");
      arguments.add(afterNamespace);
      arguments.add(afterName);
    }
    sql.append(" ORDER BY namespace, name LIMIT ?");
    arguments.add(limit);
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < arguments.size(); i++) {
              Object argument = arguments.get(i);
              if (argument instanceof String[] array) {
                statement.setArray(i + 1, connection.createArrayOf("text", array));
              } else {
                statement.setObject(i + 1, argument);
              }
            }
            List<StoredWorkflow> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
              while (result.next()) {
                rows.add(row(result));
              }
            }
            return rows;
          }
        });
  }

  /**
   * Reads the row (locked), lets {@code decide} compute its new state, and writes it: an insert
   * when there was none, an update when it differs, nothing when it is the same. {@code decide} may
   * throw to refuse the change; nothing is written then.
   */
  public Change change(
      String namespace, String name, Function<Optional<StoredWorkflow>, StoredWorkflow> decide) {
    return change(namespace, name, decide, change -> {});
  }

  /**
   * As {@link #change(String, String, Function)}, then calls {@code afterWrite} inside the same
   * transaction when something was written: what it does commits or rolls back with the change.
   */
  @Override
  public Change change(
      String namespace,
      String name,
      Function<Optional<StoredWorkflow>, StoredWorkflow> decide,
      Consumer<Change> afterWrite) {
    return write(namespace, name, decide, afterWrite);
  }

  private Change write(
      String namespace,
      String name,
      Function<Optional<StoredWorkflow>, StoredWorkflow> decide,
      Consumer<Change> afterWrite) {
    return jdbc.inTransaction(
        connection -> {
          Optional<StoredWorkflow> current = select(connection, namespace, name, true);
          StoredWorkflow next = decide.apply(current);
          if (current.isEmpty()) {
            if (!insert(connection, next)) {
              // Created concurrently since our SELECT; deciding again against it is correct.
              connection.rollback();
              return write(namespace, name, decide, afterWrite);
            }
            Change created = new Change(next, true, true);
            afterWrite.accept(created);
            return created;
          }
          if (next.equals(current.get())) {
            return new Change(next, false, false);
          }
          update(connection, next);
          Change updated = new Change(next, false, true);
          afterWrite.accept(updated);
          return updated;
        });
  }

  public boolean delete(String namespace, String name) {
    return delete(namespace, name, () -> {}, () -> {});
  }

  /**
   * Deletes the row, and its runs with it; {@code beforeDelete} and {@code afterDelete} run in the
   * same transaction when there is a row, before and after the delete.
   */
  @Override
  public boolean delete(
      String namespace, String name, Runnable beforeDelete, Runnable afterDelete) {
    return jdbc.inTransaction(
        connection -> {
          if (select(connection, namespace, name, true).isPresent()) {
            beforeDelete.run();
          }
          // The leader's engine forgets the active runs deleted with the workflow.
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "SELECT pg_notify('"
                      + RunNotifications.CHANNEL
                      + "', id) FROM runs WHERE namespace = ? AND workflow = ? AND status IN"
                      + " ('Pending', 'Running')")) {
            statement.setString(1, namespace);
            statement.setString(2, name);
            statement.execute();
          }
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "DELETE FROM workflows WHERE namespace = ? AND name = ?")) {
            statement.setString(1, namespace);
            statement.setString(2, name);
            boolean deleted = statement.executeUpdate() == 1;
            if (deleted) {
              afterDelete.run();
            }
            return deleted;
          }
        });
  }

  private static Optional<StoredWorkflow> select(
      Connection connection, String namespace, String name, boolean forUpdate) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM workflows WHERE namespace = ? AND name = ?"
                + (forUpdate ? " FOR UPDATE" : ""))) {
      statement.setString(1, namespace);
      statement.setString(2, name);
      try (ResultSet result = statement.executeQuery()) {
        return result.next() ? Optional.of(row(result)) : Optional.empty();
      }
    }
  }

  private static boolean insert(Connection connection, StoredWorkflow row) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO workflows (namespace, name, uid, generation, resource_version, definition,"
                + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, CAST(? AS json), ?, ?)"
                + " ON CONFLICT (namespace, name) DO NOTHING")) {
      statement.setString(1, row.namespace());
      statement.setString(2, row.name());
      statement.setObject(3, row.uid());
      statement.setLong(4, row.generation());
      statement.setLong(5, row.resourceVersion());
      statement.setString(6, row.definition());
      statement.setTimestamp(7, Jdbc.timestamp(row.createdAt()));
      statement.setTimestamp(8, Jdbc.timestamp(row.updatedAt()));
      return statement.executeUpdate() == 1;
    }
  }

  private static void update(Connection connection, StoredWorkflow row) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "UPDATE workflows SET generation = ?, resource_version = ?, definition = CAST(? AS"
                + " json), updated_at = ? WHERE namespace = ? AND name = ?")) {
      statement.setLong(1, row.generation());
      statement.setLong(2, row.resourceVersion());
      statement.setString(3, row.definition());
      statement.setTimestamp(4, Jdbc.timestamp(row.updatedAt()));
      statement.setString(5, row.namespace());
      statement.setString(6, row.name());
      statement.executeUpdate();
    }
  }

  private static StoredWorkflow row(ResultSet result) throws SQLException {
    return new StoredWorkflow(
        result.getString("namespace"),
        result.getString("name"),
        result.getObject("uid", java.util.UUID.class),
        result.getLong("generation"),
        result.getLong("resource_version"),
        result.getString("definition"),
        result.getTimestamp("created_at").toInstant(),
        result.getTimestamp("updated_at").toInstant());
  }
}
