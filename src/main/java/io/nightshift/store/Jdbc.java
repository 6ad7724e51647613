package io.nightshift.store;

import io.nightshift.StoreUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

  /** What to do once the transaction this thread is in commits; dropped when it rolls back. */
  private static final ThreadLocal<List<Runnable>> AFTER_COMMIT = new ThreadLocal<>();

  private final DataSource dataSource;

  public Jdbc(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Runs {@code work} in a transaction: committed when it returns, rolled back when it throws. */
  public <T> T inTransaction(Work<T> work) {
    Connection outer = CURRENT.get();
    List<Runnable> outerAfterCommit = AFTER_COMMIT.get();
    List<Runnable> afterCommit = new ArrayList<>();
    T result;
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      CURRENT.set(connection);
      AFTER_COMMIT.set(afterCommit);
      try {
        result = work.apply(connection);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        CURRENT.set(outer);
        AFTER_COMMIT.set(outerAfterCommit);
      }
    } catch (SQLException e) {
      throw new StoreUnavailableException(e.getMessage(), e);
    }
    afterCommit.forEach(Runnable::run);
    return result;
  }

  /**
   * Runs {@code work} in the transaction this thread is in, so that it commits or rolls back with
   * it; in a transaction of its own when there is none.
   */
  public <T> T inCurrentTransaction(Work<T> work) {
    Connection current = CURRENT.get();
    if (current == null) {
      return inTransaction(work);
    }
    try {
      return work.apply(current);
    } catch (SQLException e) {
      throw new StoreUnavailableException(e.getMessage(), e);
    }
  }

  /**
   * Runs {@code action} once the transaction this thread is in has committed (at once when there is
   * none); never when it rolls back.
   */
  public static void afterCommit(Runnable action) {
    List<Runnable> actions = AFTER_COMMIT.get();
    if (actions == null) {
      action.run();
    } else {
      actions.add(action);
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
