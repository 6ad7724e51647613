package io.nightshift.schedule;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Context;
import io.nightshift.cluster.NodeIdentity;
import io.nightshift.store.Jdbc;
import jakarta.annotation.PreDestroy;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * The node's Quartz scheduler: clustered on the shared PostgreSQL, started on every node. It holds
 * one job, {@link ScheduleTick}, fired once a minute on one node. It uses JobStoreCMT so that a
 * scheduling call made inside one of our transactions commits or rolls back with it; Quartz's own
 * work (acquiring and firing) runs in transactions of its own.
 */
@Context
public class QuartzScheduler {

  /** The scheduler name every node shares: the SCHED_NAME of the QRTZ_ rows (see V1 migration). */
  public static final String NAME = "nightshift";

  private final Scheduler scheduler;

  public QuartzScheduler(
      DataSource dataSource, NodeIdentity node, ScheduleConfig config, ApplicationContext context)
      throws SchedulerException {
    // Connection providers are registered JVM-wide by name: per node, so that several nodes can
    // share one JVM in tests.
    String managed = "nightshift-managed-" + node.id();
    String own = "nightshift-own-" + node.id();
    DBConnectionManager.getInstance().addConnectionProvider(managed, new Managed(dataSource));
    DBConnectionManager.getInstance().addConnectionProvider(own, new Own(dataSource));

    Properties properties = new Properties();
    properties.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, NAME);
    properties.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_ID, node.id());
    properties.setProperty(
        "org.quartz.scheduler.idleWaitTime", Long.toString(config.idleWait().toMillis()));
    properties.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
    properties.setProperty("org.quartz.threadPool.threadCount", Integer.toString(config.threads()));
    properties.setProperty(
        "org.quartz.scheduler.batchTriggerAcquisitionMaxCount",
        Integer.toString(config.batchSize()));
    properties.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreCMT");
    properties.setProperty(
        "org.quartz.jobStore.driverDelegateClass",
        "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
    properties.setProperty("org.quartz.jobStore.dataSource", managed);
    properties.setProperty("org.quartz.jobStore.nonManagedTXDataSource", own);
    properties.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
    properties.setProperty("org.quartz.jobStore.isClustered", "true");
    properties.setProperty(
        "org.quartz.jobStore.clusterCheckinInterval",
        Long.toString(config.clusterCheckinInterval().toMillis()));
    properties.setProperty(
        "org.quartz.jobStore.misfireThreshold",
        Long.toString(config.misfireThreshold().toMillis()));
    // Closes the duplicate-fire race of quartz #107 in clustered mode.
    properties.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
    this.scheduler = new StdSchedulerFactory(properties).getScheduler();
    // Quartz keeps schedulers in a JVM-wide repository by name, and every node's is "nightshift":
    // forget ours there so that another node in the same JVM gets a scheduler of its own.
    SchedulerRepository.getInstance().remove(NAME);
    scheduler.setJobFactory(
        (bundle, ignored) -> context.getBean(bundle.getJobDetail().getJobClass()));
    // In a transaction of ours, so that Quartz's insert runs under its lock, not autocommitted.
    new Jdbc(dataSource)
        .inTransaction(
            connection -> {
              try {
                ScheduleTick.install(scheduler);
              } catch (SchedulerException e) {
                throw new IllegalStateException("cannot install the schedule tick", e);
              }
              return null;
            });
    scheduler.start();
  }

  public Scheduler scheduler() {
    return scheduler;
  }

  @PreDestroy
  void stop() throws SchedulerException {
    scheduler.shutdown(true);
  }

  /**
   * Connections for scheduling calls: the calling thread's transaction when there is one (Quartz
   * must not close or commit it), else a pooled connection of its own.
   */
  private record Managed(DataSource dataSource) implements ConnectionProvider {
    @Override
    public Connection getConnection() throws SQLException {
      Optional<Connection> transaction = Jdbc.currentTransaction();
      return transaction.isPresent() ? unclosable(transaction.get()) : dataSource.getConnection();
    }

    private static Connection unclosable(Connection connection) {
      return (Connection)
          Proxy.newProxyInstance(
              Connection.class.getClassLoader(),
              new Class<?>[] {Connection.class},
              (proxy, method, args) ->
                  switch (method.getName()) {
                    case "close", "commit", "rollback", "setAutoCommit" -> null;
                    case "isClosed" -> false;
                    default -> method.invoke(connection, args);
                  });
    }

    @Override
    public void shutdown() {}

    @Override
    public void initialize() {}
  }

  /** Connections for Quartz's own transactions. */
  private record Own(DataSource dataSource) implements ConnectionProvider {
    @Override
    public Connection getConnection() throws SQLException {
      return dataSource.getConnection();
    }

    @Override
    public void shutdown() {}

    @Override
    public void initialize() {}
  }
}
