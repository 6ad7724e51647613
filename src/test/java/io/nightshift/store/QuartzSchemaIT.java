package io.nightshift.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quartz.impl.jdbcjobstore.PostgreSQLDelegate;

/** Our Flyway migration of Quartz's tables must stay what the Quartz jar on the classpath ships. */
class QuartzSchemaIT {

  @Test
  void the_migrated_quartz_tables_match_the_ddl_in_the_quartz_jar() throws Exception {
    PostgresFixture.Database database = PostgresFixture.newDatabase();
    try (NightshiftNode node = NightshiftNode.start(database)) {
      // starting a node migrates the database
    }

    try (Connection connection = database.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA quartz_reference");
      statement.execute("SET search_path TO quartz_reference");
      statement.execute(jarDdlWithoutDropsAndCommit());
      statement.execute("SET search_path TO public");

      assertThat(columns(connection, "public"))
          .isNotEmpty()
          .isEqualTo(columns(connection, "quartz_reference"));
      assertThat(indexes(connection, "public")).isEqualTo(indexes(connection, "quartz_reference"));
      assertThat(lockRows(connection))
          .containsExactly("nightshift/STATE_ACCESS", "nightshift/TRIGGER_ACCESS");
    }
  }

  private static String jarDdlWithoutDropsAndCommit() throws IOException {
    try (InputStream ddl =
        PostgreSQLDelegate.class.getResourceAsStream(
            "/org/quartz/impl/jdbcjobstore/tables_postgres.sql")) {
      assertThat(ddl).as("tables_postgres.sql in the quartz jar").isNotNull();
      StringBuilder kept = new StringBuilder();
      for (String line : new String(ddl.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.startsWith("DROP TABLE") && !line.startsWith("COMMIT")) {
          kept.append(line).append('\n');
        }
      }
      return kept.toString();
    }
  }

  private static List<String> columns(Connection connection, String schema) throws SQLException {
    return query(
        connection,
        "SELECT table_name || '.' || column_name || ' ' || data_type || ' '"
            + " || coalesce(character_maximum_length::text, '') || ' ' || coalesce(numeric_precision::text, '')"
            + " || ' ' || is_nullable FROM information_schema.columns"
            + " WHERE table_schema = '"
            + schema
            + "' AND table_name LIKE 'qrtz%'"
            + " ORDER BY table_name, column_name");
  }

  private static List<String> indexes(Connection connection, String schema) throws SQLException {
    return query(
        connection,
        "SELECT tablename || ' ' || replace(indexdef, '"
            + schema
            + ".', '') FROM pg_indexes"
            + " WHERE schemaname = '"
            + schema
            + "' AND tablename LIKE 'qrtz%' ORDER BY indexname");
  }

  private static List<String> lockRows(Connection connection) throws SQLException {
    return query(
        connection, "SELECT sched_name || '/' || lock_name FROM public.qrtz_locks ORDER BY 1");
  }

  private static List<String> query(Connection connection, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      while (result.next()) {
        rows.add(result.getString(1));
      }
    }
    return rows;
  }
}
