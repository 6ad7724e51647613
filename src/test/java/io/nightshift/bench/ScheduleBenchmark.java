package io.nightshift.bench;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.nightshift.schedule.ScheduleConfig;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * How fast schedules turn into running steps: three Nightshift nodes on one PostgreSQL, N workflows
 * due at the same minute with a no-op local step; and, on the same database in the same run, bare
 * clustered Quartz firing N empty jobs, as the ceiling. Prints figures; asserts nothing.
 *
 * <p>{@code ./mvnw -B -Pbenchmark -DskipTests verify} runs it for N = 1,000 and 10,000; {@code
 * -Dbenchmark.sizes=200} picks other sizes.
 */
public final class ScheduleBenchmark {

  private static final int NODES = 3;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** Fire times recorded by the bare Quartz job. */
  static final ConcurrentLinkedQueue<Long> BARE_FIRES = new ConcurrentLinkedQueue<>();

  private ScheduleBenchmark() {}

  public static void main(String[] args) throws Exception {
    int[] sizes =
        Arrays.stream(System.getProperty("benchmark.sizes", "1000,10000").split(","))
            .map(String::trim)
            .mapToInt(Integer::parseInt)
            .toArray();
    PostgresFixture.Database database = PostgresFixture.newDatabase();
    database.migratedDataSource(); // Quartz's tables, for the bare schedulers that come first
    Path dataDir = Files.createTempDirectory("nightshift-bench");
    List<String> table = new ArrayList<>();
    table.add(
        "| N | lag p50 | lag p99 | lag max | runs completed/s | Nightshift fires/s | bare Quartz"
            + " fires/s | ratio |");
    table.add("|---|---|---|---|---|---|---|---|");

    List<ApplicationContext> nodes = new ArrayList<>();
    try {
      for (int i = 1; i <= NODES; i++) {
        nodes.add(node(database, dataDir, "bench-" + i));
      }
      // The ceiling runs with the nodes' own scheduler settings, while the nodes idle.
      ScheduleConfig config = nodes.get(0).getBean(ScheduleConfig.class);
      for (int size : sizes) {
        double bare = bareQuartz(database, config, size);
        Result result = nightshift(database, nodes, size);
        table.add(
            String.format(
                Locale.ROOT,
                "| %,d | %.2f s | %.2f s | %.2f s | %.0f | %.0f | %.0f | %.2f |",
                size,
                result.p50(),
                result.p99(),
                result.max(),
                result.completedPerSecond(),
                result.firesPerSecond(),
                bare,
                result.firesPerSecond() / bare));
      }
    } finally {
      nodes.forEach(ApplicationContext::close);
    }
    System.out.println();
    System.out.printf(
        "Machine: %d cores, %s %s, Java %s; %d nodes in one JVM, embedded PostgreSQL%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        System.getProperty("java.version"),
        NODES);
    table.forEach(System.out::println);
  }

  record Result(
      double p50, double p99, double max, double completedPerSecond, double firesPerSecond) {}

  private static ApplicationContext node(
      PostgresFixture.Database database, Path dataDir, String id) {
    Map<String, Object> properties = new HashMap<>();
    properties.put("micronaut.server.port", -1);
    properties.put("nightshift.datasource.url", database.url());
    properties.put("nightshift.datasource.username", database.username());
    properties.put("nightshift.datasource.password", database.password());
    properties.put("nightshift.data-dir", dataDir.toString());
    properties.put("nightshift.executor", "local");
    properties.put("nightshift.cluster.node-id", id);
    properties.put("nightshift.admin-token", NightshiftNode.ADMIN_TOKEN);
    return ApplicationContext.run(EmbeddedServer.class, properties).getApplicationContext();
  }

  /** N workflows due at one minute, defined through the API of every node in turn. */
  private static Result nightshift(
      PostgresFixture.Database database, List<ApplicationContext> nodes, int size)
      throws Exception {
    String namespace = "bench" + size;
    // Far enough ahead to define them all first: about 2.5 ms a definition here, plus a margin.
    Instant due =
        Instant.now()
            .plus(Duration.ofMillis(4L * size))
            .plusSeconds(20)
            .truncatedTo(ChronoUnit.MINUTES)
            .plus(Duration.ofMinutes(1));
    ZonedDateTime at = due.atZone(ZoneOffset.UTC);
    String body =
        """
        apiVersion: nightshift.io/v1
        kind: Workflow
        spec:
          schedule: "%d %d %d %d *"
          timeZone: UTC
          steps:
            - {name: noop, image: busybox:1.36, command: ["true"]}
        """
            .formatted(at.getMinute(), at.getHour(), at.getDayOfMonth(), at.getMonthValue());
    List<String> urls =
        nodes.stream().map(node -> node.getBean(EmbeddedServer.class).getURL().toString()).toList();
    ExecutorService clients = Executors.newFixedThreadPool(8);
    List<Future<Integer>> puts = new ArrayList<>();
    Instant defining = Instant.now();
    for (int i = 0; i < size; i++) {
      String url =
          urls.get(i % urls.size()) + "/api/v1/namespaces/" + namespace + "/workflows/w" + i;
      puts.add(
          clients.submit(
              () ->
                  HTTP.send(
                          HttpRequest.newBuilder(URI.create(url))
                              .header("Content-Type", "application/yaml")
                              .header("Authorization", "Bearer " + NightshiftNode.ADMIN_TOKEN)
                              .PUT(HttpRequest.BodyPublishers.ofString(body))
                              .build(),
                          HttpResponse.BodyHandlers.discarding())
                      .statusCode()));
    }
    for (Future<Integer> put : puts) {
      if (put.get() != 201) {
        throw new IllegalStateException("defining a workflow answered " + put.get());
      }
    }
    clients.shutdown();
    System.out.printf(
        "N=%,d: defined in %.1f s; due at %s%n",
        size, Duration.between(defining, Instant.now()).toMillis() / 1000.0, due);
    if (Instant.now().isAfter(due.minusSeconds(2))) {
      throw new IllegalStateException("defining took past the due minute: the figures would lie");
    }

    Instant deadline = due.plus(Duration.ofMinutes(15));
    long succeeded = 0;
    while (Instant.now().isBefore(deadline)) {
      succeeded =
          count(
              database,
              "SELECT count(*) FROM runs WHERE namespace = ? AND status = 'Succeeded'",
              namespace);
      if (succeeded == size) {
        break;
      }
      Thread.sleep(500);
    }
    if (succeeded != size) {
      throw new IllegalStateException(succeeded + " of " + size + " runs succeeded in 15 minutes");
    }

    List<Double> lags = new ArrayList<>();
    List<Double> fireLags = new ArrayList<>();
    Instant lastCreated = due;
    Instant lastFinished = due;
    try (Connection connection = database.connect();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT r.scheduled_time, r.created_at, r.finished_at, min(s.started_at)"
                    + " FROM runs r JOIN run_steps s ON s.run_id = r.id WHERE r.namespace = ?"
                    + " GROUP BY r.id")) {
      statement.setString(1, namespace);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          Instant scheduled = rows.getTimestamp(1).toInstant();
          Instant created = rows.getTimestamp(2).toInstant();
          Instant finished = rows.getTimestamp(3).toInstant();
          Instant started = rows.getTimestamp(4).toInstant();
          lags.add(Duration.between(scheduled, started).toMillis() / 1000.0);
          fireLags.add(Duration.between(scheduled, created).toMillis() / 1000.0);
          lastCreated = created.isAfter(lastCreated) ? created : lastCreated;
          lastFinished = finished.isAfter(lastFinished) ? finished : lastFinished;
        }
      }
    }
    lags.sort(Double::compare);
    fireLags.sort(Double::compare);
    double fireSeconds = Math.max(0.001, Duration.between(due, lastCreated).toMillis() / 1000.0);
    double doneSeconds = Math.max(0.001, Duration.between(due, lastFinished).toMillis() / 1000.0);
    Result result =
        new Result(
            percentile(lags, 50),
            percentile(lags, 99),
            lags.get(lags.size() - 1),
            size / doneSeconds,
            size / fireSeconds);
    System.out.printf(
        Locale.ROOT,
        "N=%,d: lag p50 %.2f s, p99 %.2f s, max %.2f s (of which the fire: p50 %.2f s, p99 %.2f"
            + " s); all fired in %.1f s, all done in %.1f s%n",
        size,
        result.p50(),
        result.p99(),
        result.max(),
        percentile(fireLags, 50),
        percentile(fireLags, 99),
        fireSeconds,
        doneSeconds);
    return result;
  }

  private static double percentile(List<Double> sorted, int percent) {
    int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static long count(PostgresFixture.Database database, String sql, String parameter)
      throws SQLException {
    try (Connection connection = database.connect();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, parameter);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getLong(1);
      }
    }
  }

  /**
   * The ceiling: three clustered Quartz schedulers configured as Nightshift's are (threads, store,
   * locking), under a scheduler name of their own, firing N empty jobs due at one instant. Returns
   * their fire rate: N over the time from the due instant to the last fire.
   */
  private static double bareQuartz(
      PostgresFixture.Database database, ScheduleConfig config, int size) throws Exception {
    BARE_FIRES.clear();
    String name = "bare" + size;
    List<Scheduler> schedulers = new ArrayList<>();
    try {
      for (int i = 1; i <= NODES; i++) {
        schedulers.add(bareScheduler(database, config, name, "bare-" + i));
      }
      Scheduler scheduler = schedulers.get(0);
      Date due = Date.from(Instant.now().plusSeconds(10L + size / 200));
      for (int i = 0; i < size; i++) {
        Trigger trigger =
            TriggerBuilder.newTrigger()
                .withIdentity("t" + i)
                .startAt(due)
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withRepeatCount(0))
                .build();
        scheduler.scheduleJob(
            JobBuilder.newJob(EmptyJob.class).withIdentity("j" + i).build(), trigger);
      }
      if (new Date().after(due)) {
        throw new IllegalStateException("scheduling took past the due instant");
      }
      for (Scheduler each : schedulers) {
        each.start();
      }
      long deadline = System.currentTimeMillis() + Duration.ofMinutes(10).toMillis();
      while (BARE_FIRES.size() < size && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      long last = BARE_FIRES.stream().mapToLong(Long::longValue).max().orElseThrow();
      double seconds = Math.max(0.001, (last - due.getTime()) / 1000.0);
      System.out.printf(
          Locale.ROOT,
          "N=%,d: bare Quartz fired %d in %.1f s: %.0f fires/s%n",
          size,
          BARE_FIRES.size(),
          seconds,
          BARE_FIRES.size() / seconds);
      return BARE_FIRES.size() / seconds;
    } finally {
      for (Scheduler scheduler : schedulers) {
        scheduler.shutdown(true);
      }
    }
  }

  private static Scheduler bareScheduler(
      PostgresFixture.Database database, ScheduleConfig config, String name, String instance)
      throws Exception {
    Properties properties = new Properties();
    properties.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, name);
    properties.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_ID, instance);
    properties.setProperty("org.quartz.threadPool.threadCount", Integer.toString(config.threads()));
    properties.setProperty(
        "org.quartz.scheduler.batchTriggerAcquisitionMaxCount",
        Integer.toString(config.batchSize()));
    properties.setProperty(
        "org.quartz.scheduler.idleWaitTime", Long.toString(config.idleWait().toMillis()));
    properties.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
    properties.setProperty(
        "org.quartz.jobStore.driverDelegateClass",
        "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
    properties.setProperty("org.quartz.jobStore.dataSource", "bare");
    properties.setProperty("org.quartz.jobStore.isClustered", "true");
    properties.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
    properties.setProperty("org.quartz.dataSource.bare.provider", "hikaricp");
    properties.setProperty("org.quartz.dataSource.bare.driver", "org.postgresql.Driver");
    properties.setProperty("org.quartz.dataSource.bare.URL", database.url());
    properties.setProperty("org.quartz.dataSource.bare.user", database.username());
    properties.setProperty("org.quartz.dataSource.bare.password", database.password());
    properties.setProperty(
        "org.quartz.dataSource.bare.maxConnections", Integer.toString(config.threads() + 2));
    Scheduler scheduler = new StdSchedulerFactory(properties).getScheduler();
    SchedulerRepository.getInstance().remove(name); // one per instance in this JVM
    return scheduler;
  }

  /** Does nothing but note when it fired. */
  public static final class EmptyJob implements Job {
    @Override
    public void execute(JobExecutionContext context) {
      BARE_FIRES.add(System.currentTimeMillis());
    }
  }
}
