package io.nightshift.bench;

import io.nightshift.schedule.DueScan;
import io.nightshift.store.ScheduleRepository;
import io.nightshift.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;

/**
 * How fast due schedules become run rows: N schedules due at one instant, fired by {@link DueScan}
 * alone (no node, no engine), first by one scan, then by three racing on separate connections as
 * three nodes would. Prints figures; asserts nothing.
 *
 * <p>{@code java -Dbenchmark.sizes=10000,100000 -cp <test classpath>
 * io.nightshift.bench.DueScanBenchmark}
 */
public final class DueScanBenchmark {

  private static final Instant DUE = Instant.parse("2026-11-23T09:00:00Z");

  private static final String DEFINITION =
      "{\"apiVersion\": \"nightshift.io/v1\", \"kind\": \"Workflow\", \"metadata\": {\"name\":"
          + " \"w\", \"namespace\": \"bench\"}, \"spec\": {\"schedule\": \"* * * * *\","
          + " \"timeZone\": \"UTC\", \"parameters\": {\"retentionDays\": \"30\"}, \"steps\":"
          + " [{\"name\": \"backup\", \"image\": \"postgres:17\", \"command\": [\"sh\", \"-c\","
          + " \"pg_dump | gzip > /backup/db.sql.gz\"]}, {\"name\": \"cleanup\", \"dependsOn\":"
          + " [\"backup\"], \"image\": \"busybox:1.36\", \"command\": [\"sh\", \"-c\", \"find"
          + " /backup -mtime +$RETENTION_DAYS -delete\"]}]}}";

  private DueScanBenchmark() {}

  public static void main(String[] args) throws Exception {
    int[] sizes =
        Arrays.stream(System.getProperty("benchmark.sizes", "10000,100000").split(","))
            .map(String::trim)
            .mapToInt(Integer::parseInt)
            .toArray();
    List<String> table = new ArrayList<>();
    table.add("| N | one scan | per 1,000 | three racing scans |");
    table.add("|---|---|---|---|");
    for (int size : sizes) {
      long one = fire(size, 1);
      long three = fire(size, 3);
      table.add(
          String.format(
              Locale.ROOT,
              "| %,d | %,d ms | %.1f ms | %,d ms |",
              size,
              one,
              one * 1000.0 / size,
              three));
    }
    System.out.printf(
        "Machine: %d cores, %s %s, Java %s; embedded PostgreSQL%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        System.getProperty("java.version"));
    table.forEach(System.out::println);
  }

  /** Milliseconds for {@code scanners} racing scans to fire {@code size} due schedules. */
  private static long fire(int size, int scanners) throws Exception {
    PostgresFixture.Database database = PostgresFixture.newDatabase();
    DataSource dataSource = database.migratedDataSource();
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "INSERT INTO workflows (namespace, name, uid, generation, resource_version, definition,"
              + " created_at, updated_at) SELECT 'bench', 'w' || i, gen_random_uuid(), 1, 1, '"
              + DEFINITION
              + "', now(), now() FROM generate_series(1, "
              + size
              + ") i");
      statement.execute(
          "INSERT INTO workflow_definitions SELECT uid, generation, definition FROM workflows");
      statement.execute(
          "INSERT INTO schedules (namespace, name, uid, generation, cron, time_zone, suspended,"
              + " next_fire_time, successful_history_limit, failed_history_limit, parameters)"
              + " SELECT namespace, name, uid, 1, '* * * * *', 'UTC', false, '"
              + DUE
              + "', 3, 1, definition #> '{spec,parameters}' FROM workflows");
      statement.execute("VACUUM ANALYZE");
    }
    List<DueScan> scans = new ArrayList<>();
    for (int i = 0; i < scanners; i++) {
      scans.add(
          new DueScan(
              new ScheduleRepository(database.migratedDataSource()),
              Clock.fixed(DUE, ZoneOffset.UTC)));
    }
    ExecutorService threads = Executors.newFixedThreadPool(scanners);
    long started = System.nanoTime();
    int runs = 0;
    try {
      List<Future<DueScan.Result>> results = new ArrayList<>();
      for (DueScan scan : scans) {
        results.add(threads.submit(() -> scan.unfenced(DUE.plusMillis(1))));
      }
      for (Future<DueScan.Result> result : results) {
        runs += result.get().runs();
      }
    } finally {
      threads.shutdownNow();
    }
    long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM runs");
        ResultSet result = statement.executeQuery()) {
      result.next();
      if (runs != size || result.getLong(1) != size) {
        throw new IllegalStateException(runs + " runs reported, " + result.getLong(1) + " stored");
      }
    }
    System.out.printf(
        Locale.ROOT, "N=%,d, %d scans: all fired in %,d ms%n", size, scanners, millis);
    return millis;
  }
}
