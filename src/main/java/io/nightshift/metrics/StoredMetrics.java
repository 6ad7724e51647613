package io.nightshift.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.annotation.Context;
import io.nightshift.cluster.LeaderElector;
import io.nightshift.workflow.cron.CronSchedule;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the meters of {@link Metrics} at {@code /prometheus}: the stored ones from PostgreSQL and
 * the live gauges (active runs, next fire, interval) from the current rows, read at each scrape.
 * They describe the whole fleet, so only the leader exports them: a sum over replicas is never
 * doubled, and whichever node leads, after whatever restart, exports the same values. Every node
 * exports its own leader gauge, through Micrometer.
 */
@Context
public class StoredMetrics implements MultiCollector {

  private static final Logger LOG = LoggerFactory.getLogger(StoredMetrics.class);

  private final DataSource dataSource;
  private final Clock clock;
  private final LeaderElector elector;

  public StoredMetrics(
      DataSource dataSource, MeterRegistry registry, LeaderElector elector, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
    this.elector = elector;
    if (registry instanceof PrometheusMeterRegistry prometheus) {
      prometheus.getPrometheusRegistry().register(this);
    } else if (registry
        instanceof io.micrometer.core.instrument.composite.CompositeMeterRegistry composite) {
      composite.getRegistries().stream()
          .filter(PrometheusMeterRegistry.class::isInstance)
          .map(PrometheusMeterRegistry.class::cast)
          .forEach(prometheus -> prometheus.getPrometheusRegistry().register(this));
    }
    Gauge.builder(Metrics.LEADER.name(), elector, e -> e.isLeader() ? 1 : 0)
        .description(Metrics.LEADER.help())
        .tag("node", elector.nodeId())
        .register(registry);
  }

  @Override
  public MetricSnapshots collect() {
    if (!elector.isLeader()) {
      return new MetricSnapshots();
    }
    // One read-only transaction, so that every meter of a scrape describes the same moment.
    try (java.sql.Connection connection = dataSource.getConnection()) {
      connection.setReadOnly(true);
      connection.setAutoCommit(false);
      connection.setTransactionIsolation(java.sql.Connection.TRANSACTION_REPEATABLE_READ);
      try {
        return read(connection);
      } finally {
        connection.rollback();
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warn("Could not read the stored metrics: {}", e.toString());
      return new MetricSnapshots();
    }
  }

  private MetricSnapshots read(java.sql.Connection connection) throws SQLException {
    List<MetricSnapshot> snapshots = new ArrayList<>();
    Map<String, List<MetricsStore.Row>> byName = new LinkedHashMap<>();
    for (MetricsStore.Row row : MetricsStore.all(connection)) {
      byName.computeIfAbsent(row.name(), name -> new ArrayList<>()).add(row);
    }
    for (Metrics.Meter meter : Metrics.STORED) {
      snapshots.add(snapshot(meter, byName));
    }
    snapshots.add(
        gauge(
            Metrics.RUNS_ACTIVE,
            query(
                connection,
                "SELECT w.namespace, w.name, count(r.id) FROM workflows w LEFT JOIN runs r"
                    + " ON r.namespace = w.namespace AND r.workflow = w.name AND r.status"
                    + " IN ('Pending', 'Running') GROUP BY w.namespace, w.name")));
    snapshots.add(
        gauge(
            Metrics.STEPS_WAITING,
            query(
                connection,
                "SELECT r.namespace, r.workflow, count(*) FROM runs r JOIN run_steps s ON"
                    + " s.run_id = r.id WHERE r.status IN ('Pending', 'Running') AND"
                    + " s.status = 'Pending' AND s.reason = 'WaitingForCapacity'"
                    + " GROUP BY r.namespace, r.workflow")));
    snapshots.add(
        gauge(
            Metrics.NEXT_RUN,
            query(
                connection,
                "SELECT namespace, name, extract(epoch FROM next_fire_time) FROM schedules"
                    + " WHERE next_fire_time IS NOT NULL")));
    snapshots.add(gauge(Metrics.SCHEDULE_INTERVAL, intervals(connection)));
    return new MetricSnapshots(snapshots);
  }

  @Override
  public List<String> getPrometheusNames() {
    List<String> names = new ArrayList<>();
    Metrics.STORED.forEach(meter -> names.add(meter.name()));
    names.add(Metrics.RUNS_ACTIVE.name());
    names.add(Metrics.STEPS_WAITING.name());
    names.add(Metrics.NEXT_RUN.name());
    names.add(Metrics.SCHEDULE_INTERVAL.name());
    return names;
  }

  /** Each scheduled, unsuspended workflow's gap between its next two fires, from its cron. */
  private Map<List<String>, Double> intervals(java.sql.Connection connection) throws SQLException {
    Map<List<String>, Double> intervals = new LinkedHashMap<>();
    Instant now = clock.instant();
    try (PreparedStatement statement =
            connection.prepareStatement(
                "SELECT namespace, name, definition #>> '{spec,schedule}',"
                    + " coalesce(definition #>> '{spec,timeZone}', 'UTC'),"
                    + " coalesce(definition #>> '{spec,suspend}', 'false') FROM workflows"
                    + " WHERE definition #>> '{spec,schedule}' IS NOT NULL");
        ResultSet result = statement.executeQuery()) {
      while (result.next()) {
        if ("true".equals(result.getString(5))) {
          continue;
        }
        try {
          CronSchedule schedule = CronSchedule.parse(result.getString(3));
          ZoneId zone = ZoneId.of(result.getString(4));
          Optional<Instant> next = schedule.nextAfter(now, zone);
          Optional<Instant> after = next.flatMap(first -> schedule.nextAfter(first, zone));
          if (after.isPresent()) {
            intervals.put(
                List.of(result.getString(1), result.getString(2)),
                Duration.between(next.get(), after.get()).toSeconds() * 1.0);
          }
        } catch (RuntimeException e) {
          // stored definitions were valid when stored; a bad one is left out, not the scrape
        }
      }
    }
    return intervals;
  }

  /** (namespace, workflow) to value. */
  private static Map<List<String>, Double> query(java.sql.Connection connection, String sql)
      throws SQLException {
    Map<List<String>, Double> values = new LinkedHashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(sql);
        ResultSet result = statement.executeQuery()) {
      while (result.next()) {
        values.put(List.of(result.getString(1), result.getString(2)), result.getDouble(3));
      }
    }
    return values;
  }

  private static MetricSnapshot gauge(Metrics.Meter meter, Map<List<String>, Double> values) {
    GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(meter.name()).help(meter.help());
    values.forEach(
        (key, value) ->
            gauge.dataPoint(
                GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .labels(Labels.of("namespace", key.get(0), "workflow", key.get(1)))
                    .value(value)
                    .build()));
    return gauge.build();
  }

  private static MetricSnapshot snapshot(
      Metrics.Meter meter, Map<String, List<MetricsStore.Row>> byName) {
    List<MetricsStore.Row> rows = byName.getOrDefault(meter.name(), List.of());
    return switch (meter.type()) {
      case COUNTER -> {
        CounterSnapshot.Builder counter =
            CounterSnapshot.builder().name(meter.name()).help(meter.help());
        rows.forEach(
            row ->
                counter.dataPoint(
                    CounterSnapshot.CounterDataPointSnapshot.builder()
                        .labels(labels(row.labels()))
                        .value(row.value())
                        .build()));
        yield counter.build();
      }
      case GAUGE -> {
        GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(meter.name()).help(meter.help());
        rows.forEach(
            row ->
                gauge.dataPoint(
                    GaugeSnapshot.GaugeDataPointSnapshot.builder()
                        .labels(labels(row.labels()))
                        .value(row.value())
                        .build()));
        yield gauge.build();
      }
      case HISTOGRAM -> histogram(meter, rows, byName);
    };
  }

  private static MetricSnapshot histogram(
      Metrics.Meter meter,
      List<MetricsStore.Row> buckets,
      Map<String, List<MetricsStore.Row>> byName) {
    Map<Map<String, String>, Double> sums = new LinkedHashMap<>();
    byName
        .getOrDefault(meter.name() + "_sum", List.of())
        .forEach(row -> sums.put(row.labels(), row.value()));
    Map<Map<String, String>, Map<String, Double>> countsBySeries = new LinkedHashMap<>();
    for (MetricsStore.Row row : buckets) {
      Map<String, String> series = new TreeMap<>(row.labels());
      String le = series.remove("le");
      countsBySeries.computeIfAbsent(series, key -> new TreeMap<>()).put(le, row.value());
    }
    HistogramSnapshot.Builder histogram =
        HistogramSnapshot.builder().name(meter.name()).help(meter.help());
    for (Map.Entry<Map<String, String>, Map<String, Double>> series : countsBySeries.entrySet()) {
      TreeSet<Double> bounds = new TreeSet<>(meter.buckets());
      bounds.add(Double.POSITIVE_INFINITY);
      double[] upper = new double[bounds.size()];
      long[] counts = new long[bounds.size()];
      int i = 0;
      for (double bound : bounds) {
        upper[i] = bound;
        String key = Double.isInfinite(bound) ? MetricsStore.INFINITY : Double.toString(bound);
        counts[i] = Math.round(series.getValue().getOrDefault(key, 0.0));
        i++;
      }
      histogram.dataPoint(
          HistogramSnapshot.HistogramDataPointSnapshot.builder()
              .labels(labels(series.getKey()))
              .classicHistogramBuckets(ClassicHistogramBuckets.of(upper, counts))
              .sum(sums.getOrDefault(series.getKey(), 0.0))
              .build());
    }
    return histogram.build();
  }

  private static Labels labels(Map<String, String> labels) {
    return Labels.of(new ArrayList<>(labels.keySet()), new ArrayList<>(labels.values()));
  }
}
