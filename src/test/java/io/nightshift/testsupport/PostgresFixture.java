package io.nightshift.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The one PostgreSQL every database test uses: a Testcontainers container when a Docker engine
 * answers, else an embedded server from the real PostgreSQL binaries. Never a stand-in. One server
 * per test JVM; each caller gets a database of its own, so tests cannot see each other's rows.
 */
public final class PostgresFixture {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresFixture.class);
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static volatile Server server;

  /** A connection's coordinates, for the application's NIGHTSHIFT_DATASOURCE_* settings. */
  public record Database(String url, String username, String password) {
    public Connection connect() throws SQLException {
      return DriverManager.getConnection(url, username, password);
    }

    /** The first column of the first row of {@code sql}, as a number: a count, a max. */
    public long count(String sql) throws SQLException {
      try (Connection connection = connect();
          java.sql.Statement statement = connection.createStatement();
          java.sql.ResultSet result = statement.executeQuery(sql)) {
        result.next();
        return result.getLong(1);
      }
    }

    /** Runs one statement. */
    public void execute(String sql) throws SQLException {
      try (Connection connection = connect();
          java.sql.Statement statement = connection.createStatement()) {
        statement.execute(sql);
      }
    }

    /** A plain DataSource on this database with Nightshift's schema migrated, without a node. */
    public DataSource migratedDataSource() {
      PGSimpleDataSource dataSource = new PGSimpleDataSource();
      dataSource.setUrl(url);
      dataSource.setUser(username);
      dataSource.setPassword(password);
      Flyway.configure()
          .dataSource(dataSource)
          .locations("classpath:db/migration")
          .load()
          .migrate();
      return dataSource;
    }
  }

  private interface Server {
    String url(String database);

    String username();

    String password();
  }

  private PostgresFixture() {}

  /** A new, empty database on the shared server. */
  public static Database newDatabase() {
    Server shared = server();
    String name =
        "nightshift_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    try (Connection admin =
            DriverManager.getConnection(
                shared.url("postgres"), shared.username(), shared.password());
        Statement statement = admin.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name, e);
    }
    return new Database(shared.url(name), shared.username(), shared.password());
  }

  private static synchronized Server server() {
    if (server == null) {
      server = dockerAvailable() ? container() : embedded();
    }
    return server;
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  private static Server container() {
    PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:17-alpine");
    container.start();
    LOG.info("PostgreSQL for tests: Testcontainers, {}", container.getJdbcUrl());
    String base = container.getJdbcUrl().substring(0, container.getJdbcUrl().lastIndexOf('/') + 1);
    return new Server() {
      public String url(String database) {
        return base + database;
      }

      public String username() {
        return container.getUsername();
      }

      public String password() {
        return container.getPassword();
      }
    };
  }

  private static Server embedded() {
    try {
      EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(postgres)));
      LOG.info("PostgreSQL for tests: embedded (no Docker engine), port {}", postgres.getPort());
      return new Server() {
        public String url(String database) {
          return postgres.getJdbcUrl("postgres", database);
        }

        public String username() {
          return "postgres";
        }

        public String password() {
          return "";
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
    }
  }

  private static void closeQuietly(EmbeddedPostgres postgres) {
    try {
      postgres.close();
    } catch (IOException e) {
      LOG.warn("closing the embedded PostgreSQL failed", e);
    }
  }
}
