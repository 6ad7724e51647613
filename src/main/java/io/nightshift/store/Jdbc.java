package io.nightshift.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;

/** Transactions over a DataSource, with SQL failures turned into unchecked exceptions. */
public final class Jdbc {

  /** Work to do on one connection inside a transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T apply(Connection connection) throws SQLException;
  }

  private final DataSource dataSource;

  public Jdbc(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Runs {@code work} in a transaction: committed when it returns, rolled back when it throws. */
  public <T> T inTransaction(Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.apply(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  public static Timestamp timestamp(Instant instant) {
    return Timestamp.from(instant);
  }

  /** A failure of the database itself, as opposed to a rule of the domain. */
  public static final class StoreException extends RuntimeException {
    public StoreException(SQLException cause) {
      super(cause.getMessage(), cause);
    }
  }
}
