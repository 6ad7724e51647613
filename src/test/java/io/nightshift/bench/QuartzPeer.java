package io.nightshift.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nightshift.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;

/**
 * Bare clustered Quartz: three schedulers on the benchmark's database, under a scheduler name of
 * their own (in Quartz's tables, which Nightshift's migrations create), firing N empty jobs due at
 * one instant. Configured as Nightshift's per-workflow triggers were, so that the figure stays
 * comparable whatever Nightshift's fire path becomes: 8 threads, 8 triggers acquired under one
 * lock, JDBC store, clustered.
 */
final class QuartzPeer {

  private static final int THREADS = 8;
  private static final int BATCH = 8;
  private static final Duration IDLE_WAIT = Duration.ofSeconds(5);

  /** Fire times recorded by the empty job. */
  static final ConcurrentLinkedQueue<Long> FIRES = new ConcurrentLinkedQueue<>();

  private QuartzPeer() {}

  static PeerResult run(PostgresFixture.Database database, int instances, int size)
      throws Exception {
    FIRES.clear();
    String name = "bare" + size;
    List<Scheduler> schedulers = new ArrayList<>();
    try {
      for (int i = 1; i <= instances; i++) {
        schedulers.add(scheduler(database, name, "bare-" + i));
      }
      Scheduler scheduler = schedulers.get(0);
      Date placeholder = Date.from(Instant.now().plus(Duration.ofDays(1)));
      for (int i = 0; i < size; i++) {
        Trigger trigger =
            TriggerBuilder.newTrigger()
                .withIdentity("t" + i)
                .startAt(placeholder)
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withRepeatCount(0))
                .build();
        scheduler.scheduleJob(
            JobBuilder.newJob(EmptyJob.class).withIdentity("j" + i).build(), trigger);
      }
      // Storing N triggers takes from seconds to minutes as the machine is loaded: they are all
      // moved to the due instant at once when stored, as an outage would leave them.
      Date due = Date.from(Instant.now().plusSeconds(2));
      moveTriggers(database, name, due);
      for (Scheduler each : schedulers) {
        each.start();
      }
      long deadline = System.currentTimeMillis() + Duration.ofMinutes(10).toMillis();
      while (FIRES.size() < size && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      List<Long> lags = FIRES.stream().map(fire -> fire - due.getTime()).toList();
      long last = FIRES.stream().mapToLong(Long::longValue).max().orElse(due.getTime());
      double seconds = Math.max(0.001, (last - due.getTime()) / 1000.0);
      ObjectNode setup = JsonNodeFactory.instance.objectNode();
      setup.put("instances", instances);
      setup.put("threads_each", THREADS);
      setup.put("batch_trigger_acquisition_max_count", BATCH);
      setup.put("acquire_triggers_within_lock", true);
      setup.put("job", "empty (records its fire time)");
      return new PeerResult(
          "fires/s", lags.size() / seconds, size, lags.size(), Lags.ofMillis(lags), setup);
    } finally {
      for (Scheduler scheduler : schedulers) {
        scheduler.shutdown(true);
      }
    }
  }

  private static void moveTriggers(PostgresFixture.Database database, String name, Date due)
      throws SQLException {
    try (Connection connection = database.connect();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE qrtz_triggers SET start_time = ?, next_fire_time = ? WHERE sched_name = ?")) {
      update.setLong(1, due.getTime());
      update.setLong(2, due.getTime());
      update.setString(3, name);
      update.executeUpdate();
    }
  }

  private static Scheduler scheduler(
      PostgresFixture.Database database, String name, String instance) throws Exception {
    Properties properties = new Properties();
    properties.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, name);
    properties.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_ID, instance);
    properties.setProperty("org.quartz.threadPool.threadCount", Integer.toString(THREADS));
    properties.setProperty(
        "org.quartz.scheduler.batchTriggerAcquisitionMaxCount", Integer.toString(BATCH));
    properties.setProperty(
        "org.quartz.scheduler.idleWaitTime", Long.toString(IDLE_WAIT.toMillis()));
    properties.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
    properties.setProperty(
        "org.quartz.jobStore.driverDelegateClass",
        "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
    // Quartz keeps data sources by name JVM-wide and closes one when its scheduler stops: one each.
    String dataSource = name + "-" + instance;
    properties.setProperty("org.quartz.jobStore.dataSource", dataSource);
    properties.setProperty("org.quartz.jobStore.isClustered", "true");
    properties.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
    properties.setProperty("org.quartz.dataSource." + dataSource + ".provider", "hikaricp");
    properties.setProperty(
        "org.quartz.dataSource." + dataSource + ".driver", "org.postgresql.Driver");
    properties.setProperty("org.quartz.dataSource." + dataSource + ".URL", database.url());
    properties.setProperty("org.quartz.dataSource." + dataSource + ".user", database.username());
    properties.setProperty(
        "org.quartz.dataSource." + dataSource + ".password", database.password());
    properties.setProperty(
        "org.quartz.dataSource." + dataSource + ".maxConnections", Integer.toString(THREADS + 2));
    Scheduler scheduler = new StdSchedulerFactory(properties).getScheduler();
    SchedulerRepository.getInstance().remove(name); // one per instance in this JVM
    return scheduler;
  }

  /** Does nothing but note when it fired. */
  public static final class EmptyJob implements Job {
    @Override
    public void execute(JobExecutionContext context) {
      FIRES.add(System.currentTimeMillis());
    }
  }
}
