package io.nightshift.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Named;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one DataSource of a node: a pool on the configured PostgreSQL, or on an embedded one when
 * none is configured. The schema is migrated before the DataSource is handed to anyone.
 */
@Factory
class StoreFactory {

  private static final Logger LOG = LoggerFactory.getLogger(StoreFactory.class);

  // @Context: created at startup, so the schema is migrated and a bad URL fails the start.
  @Context
  @Named("default")
  @Bean(preDestroy = "close")
  HikariDataSource dataSource(
      DatasourceConfig config, @Value("${nightshift.data-dir:./nightshift-data}") Path dataDir) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("nightshift");
    hikari.setMaximumPoolSize(config.maximumPoolSize());
    hikari.setConnectionTimeout(config.connectionTimeout().toMillis());
    HikariDataSource dataSource;
    if (config.embedded()) {
      EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dataDir);
      hikari.setJdbcUrl(server.jdbcUrl());
      hikari.setUsername(server.username());
      hikari.setPassword(server.password());
      dataSource = new EmbeddedDataSource(hikari, server);
    } else {
      hikari.setJdbcUrl(config.url());
      hikari.setUsername(config.username());
      hikari.setPassword(config.password());
      dataSource = new HikariDataSource(hikari);
      // Without the query string: a URL may carry a password there.
      LOG.info("Using PostgreSQL at {}", config.url().replaceFirst("\\?.*", ""));
    }
    try {
      migrate(dataSource);
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    return dataSource;
  }

  private static void migrate(DataSource dataSource) {
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
  }

  /** A pool that stops its embedded server after its last connection is closed. */
  private static final class EmbeddedDataSource extends HikariDataSource {
    private final EmbeddedPostgresServer server;

    EmbeddedDataSource(HikariConfig config, EmbeddedPostgresServer server) {
      super(config);
      this.server = server;
    }

    @Override
    public void close() {
      try {
        super.close();
      } finally {
        server.close();
      }
    }
  }
}
