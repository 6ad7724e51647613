package io.nightshift.store;

import com.zaxxer.hikari.HikariDataSource;
import io.nightshift.run.RunSignals;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RunSignals} over PostgreSQL's {@code LISTEN/NOTIFY}: a writer of runs other than the
 * engine {@linkplain #send notifies} channel {@value #CHANNEL} with each run's id in its
 * transaction, so the notice is delivered when, and only if, it commits; every node listens on a
 * connection of its own, outside the pool. Notices are not kept for a listener that is not
 * connected: when the connection is lost the subscriber is told of a gap, and again once it listens
 * anew.
 */
@Singleton
public class RunNotifications implements RunSignals {

  /** The channel of run ids. */
  public static final String CHANNEL = "nightshift_runs";

  private static final Logger LOG = LoggerFactory.getLogger(RunNotifications.class);
  private static final int POLL_MILLIS = 500;
  private static final Duration RECONNECT = Duration.ofSeconds(1);

  private final DataSource dataSource;
  private volatile boolean closed;
  private Thread listener;

  public RunNotifications(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Notifies the listeners of these runs once the transaction of {@code connection} commits. */
  public static void send(Connection connection, Collection<String> runIds) throws SQLException {
    if (runIds.isEmpty()) {
      return;
    }
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT pg_notify('" + CHANNEL + "', id) FROM unnest(?::text[]) AS id")) {
      statement.setArray(1, connection.createArrayOf("text", runIds.toArray()));
      statement.execute();
    }
  }

  @Override
  public synchronized void subscribe(Consumer<Set<String>> changed, Runnable gap) {
    if (listener != null) {
      throw new IllegalStateException("one subscriber per node: the engine");
    }
    listener = new Thread(() -> listen(changed, gap), "nightshift-run-signals");
    listener.setDaemon(true);
    listener.start();
  }

  private void listen(Consumer<Set<String>> changed, Runnable gap) {
    while (!closed) {
      try (Connection connection = connect()) {
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + CHANNEL);
        }
        // What was sent before this LISTEN took effect was not heard.
        gap.run();
        PGConnection postgres = connection.unwrap(PGConnection.class);
        while (!closed) {
          PGNotification[] notices = postgres.getNotifications(POLL_MILLIS);
          if (notices == null || notices.length == 0) {
            continue;
          }
          Set<String> ids = new HashSet<>();
          for (PGNotification notice : notices) {
            ids.add(notice.getParameter());
          }
          changed.accept(ids);
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        LOG.warn(
            "Listening for run changes failed ({}); listening again in {} s",
            e.getMessage(),
            RECONNECT.toSeconds());
        gap.run();
        try {
          Thread.sleep(RECONNECT.toMillis());
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  /**
   * A connection of the listener's own, outside the pool: it is held for as long as the node runs,
   * and the pool is sized for the transactions.
   */
  private Connection connect() throws SQLException {
    if (dataSource.isWrapperFor(HikariDataSource.class)) {
      HikariDataSource pool = dataSource.unwrap(HikariDataSource.class);
      return DriverManager.getConnection(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword());
    }
    return dataSource.getConnection();
  }

  /** Stops listening: the listener sees it within one poll and gives its connection back. */
  @PreDestroy
  void close() throws InterruptedException {
    closed = true;
    Thread thread;
    synchronized (this) {
      thread = listener;
    }
    if (thread != null) {
      thread.join(2L * POLL_MILLIS);
    }
  }
}
