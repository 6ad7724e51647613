package io.nightshift.store;

import io.nightshift.StoreUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/** Transactions over a DataSource, with SQL failures turned into unchecked exceptions. */
public final class Jdbc {

  /** Work to do on one connection inside a transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T apply(Connection connection) throws SQLException;
  }

  /**
   * The connection of the transaction this thread is in, so that Quartz's scheduling calls made
   * inside it (JobStoreCMT) commit or roll back with the definition change that caused them.
   */
  private static final ThreadLocal<Connection> CURRENT = new ThreadLocal<>();

  private final DataSource dataSource;

  public Jdbc(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Runs {@code work} in a transaction: committed when it returns, rolled back when it throws. */
  public <T> T inTransaction(Work<T> work) {
    Connection outer = CURRENT.get();
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      CURRENT.set(connection);
      try {
        T result = work.apply(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        CURRENT.set(outer);
      }
    } catch (SQLException e) {
      throw new StoreUnavailableException(e.getMessage(), e);
    }
  }

  /** The connection of the transaction the calling thread is in, if any. */
  public static Optional<Connection> currentTransaction() {
    return Optional.ofNullable(CURRENT.get());
  }

  public static Timestamp timestamp(Instant instant) {
    return Timestamp.from(instant);
  }
}
