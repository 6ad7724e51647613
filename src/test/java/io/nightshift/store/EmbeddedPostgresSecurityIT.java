package io.nightshift.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.nightshift.testsupport.NightshiftNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL listens on localhost, where every user of the machine can reach it: it
 * must not let one in as its superuser without the password only the server's user can read.
 */
class EmbeddedPostgresSecurityIT {

  private static final String WORKFLOW_PATH = "/api/v1/namespaces/data/workflows/kept";
  private static final String WORKFLOW =
      """
      apiVersion: nightshift.io/v1
      kind: Workflow
      spec:
        steps:
          - {name: only, image: busybox:1.36, command: ["true"]}
      """;

  private static Map<String, Object> embedded(Path dataDir) {
    return Map.of("nightshift.datasource.url", "", "nightshift.data-dir", dataDir.toString());
  }

  @Test
  void another_local_user_cannot_log_in_to_the_embedded_database_without_its_password(
      @TempDir Path dataDir) throws Exception {
    try (NightshiftNode node = NightshiftNode.start(embedded(dataDir))) {
      String url = node.context().getBean(HikariDataSource.class).getJdbcUrl();
      Path passwordFile = dataDir.resolve("postgres-password");
      String password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();

      assertRefused(url, null);
      assertRefused(url, "postgres");
      assertRefused(url, password + "x");
      assertThat(selectOne(url, password)).isEqualTo(1);
      // Durable, unlike the embedded databases of tests: a commit is on disk when answered.
      assertThat(show(url, password, "fsync")).isEqualTo("on");
      assertThat(show(url, password, "synchronous_commit")).isEqualTo("on");

      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir)))
          .isEqualTo("rwx------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)))
          .isEqualTo("rw-------");
      assertPsqlRefused(url);
    }
  }

  @Test
  void a_data_directory_made_trusting_by_an_older_version_is_locked_at_start_and_keeps_its_data(
      @TempDir Path dataDir) throws Exception {
    // What the older version left: zonky's default initdb, "trust" for every local connection.
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (EmbeddedPostgres old =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDir.resolve("postgres"))
            .setCleanDataDirectory(false)
            .start()) {
      try (Connection connection = old.getPostgresDatabase().getConnection();
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE SCHEMA old");
        statement.execute("CREATE TABLE old.left_by_the_old_version (id int)");
      }
    }
    assertThat(Files.readString(dataDir.resolve("postgres/pg_hba.conf"))).contains("trust");

    try (NightshiftNode node = NightshiftNode.start(embedded(dataDir))) {
      assertThat(node.put(WORKFLOW_PATH, "application/yaml", WORKFLOW).statusCode()).isEqualTo(201);
      String url = node.context().getBean(HikariDataSource.class).getJdbcUrl();
      String password =
          Files.readString(dataDir.resolve("postgres-password"), StandardCharsets.UTF_8).strip();
      assertRefused(url, null);
      assertRefused(url, "wrong");
      try (Connection connection = DriverManager.getConnection(url, "postgres", password);
          Statement statement = connection.createStatement();
          ResultSet rows =
              statement.executeQuery("SELECT count(*) FROM old.left_by_the_old_version")) {
        assertThat(rows.next()).isTrue();
      }
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir)))
          .isEqualTo("rwx------");
      assertThat(Files.readString(dataDir.resolve("postgres/pg_hba.conf")))
          .doesNotContainPattern("(?m)^[^#]*\\btrust\\b");
      assertPsqlRefused(url);
    }

    // The next start finds the password it wrote, and the definition.
    try (NightshiftNode again = NightshiftNode.start(embedded(dataDir))) {
      assertThat(again.get(WORKFLOW_PATH).statusCode()).isEqualTo(200);
    }
  }

  private static String show(String url, String password, String setting) throws Exception {
    try (Connection connection = DriverManager.getConnection(url, "postgres", password);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SHOW " + setting)) {
      result.next();
      return result.getString(1);
    }
  }

  private static void assertRefused(String url, String password) {
    Properties properties = new Properties();
    properties.setProperty("user", "postgres");
    if (password != null) {
      properties.setProperty("password", password);
    }
    assertThatThrownBy(() -> DriverManager.getConnection(url, properties).close())
        .as("connecting as postgres with password %s", password == null ? "(none)" : "(wrong)")
        .isInstanceOf(SQLException.class)
        .satisfiesAnyOf(
            e -> assertThat(e).hasMessageContaining("password authentication failed"),
            e -> assertThat(e).hasMessageContaining("no password was provided"));
  }

  private static int selectOne(String url, String password) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url, "postgres", password);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT 1")) {
      rows.next();
      return rows.getInt(1);
    }
  }

  /** psql, as another local user would try it, when it is installed: no password, no prompt. */
  private static void assertPsqlRefused(String url) throws Exception {
    if (!onPath("psql")) {
      System.out.println("psql not on the PATH: the psql part of this test is skipped");
      return;
    }
    String port = url.replaceFirst("^jdbc:postgresql://[^:]+:([0-9]+)/.*$", "$1");
    ProcessBuilder builder =
        new ProcessBuilder(
                "psql", "-w", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-c", "select 1")
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().remove("PGPASSWORD");
    builder.environment().remove("PGPASSFILE");
    builder.environment().put("HOME", "/nonexistent");
    Process psql = builder.start();
    assertThat(psql.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String output = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(psql.exitValue()).as(output).isNotZero();
    assertThat(output).contains("password");
  }

  private static boolean onPath(String tool) {
    for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, tool))) {
        return true;
      }
    }
    return false;
  }
}
