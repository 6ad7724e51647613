package io.nightshift.metrics;

import java.util.List;

/**
 * Every meter Nightshift exports (docs/operations.md lists them), declared here and nowhere else.
 * No label carries a run id or another unbounded value.
 */
public final class Metrics {

  /** What a meter is, as Prometheus types it. */
  public enum Type {
    COUNTER,
    GAUGE,
    HISTOGRAM
  }

  /**
   * One meter: its name (a counter's without {@code _total}, as the exposition adds it), help,
   * label names and, for a histogram, its bucket upper bounds.
   */
  public record Meter(
      String name, Type type, String help, List<String> labels, List<Double> buckets) {}

  /** Batch work lasts seconds to hours: buckets from 1 s to 8 h. */
  static final List<Double> DURATION_BUCKETS =
      List.of(
          1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0, 14400.0,
          28800.0);

  /** Lag should be well under a second; minutes mean trouble. */
  static final List<Double> LAG_BUCKETS =
      List.of(0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0);

  /**
   * A local process starts in milliseconds, a Job in tens of them; seconds mean the rate limit or
   * the API server holds launches back.
   */
  static final List<Double> LAUNCH_LAG_BUCKETS =
      List.of(
          0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0);

  public static final Meter RUNS =
      new Meter(
          "nightshift_runs",
          Type.COUNTER,
          "Runs that ended, by how they were asked for and how they ended",
          List.of("namespace", "workflow", "trigger", "status"),
          List.of());
  public static final Meter RUN_DURATION =
      new Meter(
          "nightshift_run_duration_seconds",
          Type.HISTOGRAM,
          "How long runs took, from start to end",
          List.of("namespace", "workflow", "status"),
          DURATION_BUCKETS);
  public static final Meter STEP_DURATION =
      new Meter(
          "nightshift_step_duration_seconds",
          Type.HISTOGRAM,
          "How long step attempts took, from launch to end",
          List.of("namespace", "workflow", "step", "status"),
          DURATION_BUCKETS);
  public static final Meter STEP_FAILURES =
      new Meter(
          "nightshift_step_failures",
          Type.COUNTER,
          "Step attempts that failed, by reason (BackoffLimitExceeded, DeadlineExceeded, ...)",
          List.of("namespace", "workflow", "step", "reason"),
          List.of());
  public static final Meter RUNS_ACTIVE =
      new Meter(
          "nightshift_runs_active",
          Type.GAUGE,
          "Runs pending or running now",
          List.of("namespace", "workflow"),
          List.of());
  public static final Meter STEPS_WAITING =
      new Meter(
          "nightshift_steps_waiting_for_capacity",
          Type.GAUGE,
          "Steps ready to start that wait for nightshift.engine.max-running-steps or their"
              + " namespace's quota",
          List.of("namespace", "workflow"),
          List.of());
  public static final Meter SCHEDULE_LAG =
      new Meter(
          "nightshift_schedule_lag_seconds",
          Type.HISTOGRAM,
          "From a scheduled run's scheduled time to its first step launched",
          List.of("namespace", "workflow"),
          LAG_BUCKETS);

  /**
   * Recorded by the executor on the node that launches, in memory (executors never touch the
   * database): it counts from that node's start, and a new leader starts from zero.
   */
  public static final Meter STEP_LAUNCH_LAG =
      new Meter(
          "nightshift_step_launch_lag_seconds",
          Type.HISTOGRAM,
          "From a step attempt admitted to launch to its Job created (or adopted after 409) or its"
              + " local process started: time spent waiting for a Job creator, the Kubernetes API"
              + " rate limit and the API server",
          List.of("namespace", "workflow"),
          LAUNCH_LAG_BUCKETS);

  public static final Meter MISSED_RUNS =
      new Meter(
          "nightshift_missed_runs",
          Type.COUNTER,
          "Scheduled times recorded as Missed, never run (downtime past startingDeadlineSeconds)",
          List.of("namespace", "workflow"),
          List.of());
  public static final Meter SKIPPED_RUNS =
      new Meter(
          "nightshift_skipped_runs",
          Type.COUNTER,
          "Runs skipped by the concurrency policy, by reason (ConcurrencyForbid, QueueFull)",
          List.of("namespace", "workflow", "reason"),
          List.of());
  public static final Meter LAST_SUCCESS =
      new Meter(
          "nightshift_last_success_timestamp_seconds",
          Type.GAUGE,
          "When a run of the workflow last succeeded, in Unix seconds",
          List.of("namespace", "workflow"),
          List.of());
  public static final Meter NEXT_RUN =
      new Meter(
          "nightshift_next_run_timestamp_seconds",
          Type.GAUGE,
          "When the workflow's schedule fires next, in Unix seconds",
          List.of("namespace", "workflow"),
          List.of());

  /**
   * For the "not succeeded for too long" alert, which compares the time since the last success with
   * a multiple of this interval.
   */
  public static final Meter SCHEDULE_INTERVAL =
      new Meter(
          "nightshift_schedule_interval_seconds",
          Type.GAUGE,
          "The time between the workflow's next two scheduled fires",
          List.of("namespace", "workflow"),
          List.of());

  public static final Meter LEADER =
      new Meter(
          "nightshift_leader",
          Type.GAUGE,
          "1 on the node that holds the leader lease, 0 on the others",
          List.of("node"),
          List.of());
  public static final Meter KUBERNETES_REQUESTS =
      new Meter(
          "nightshift_kubernetes_requests",
          Type.COUNTER,
          "Requests this node made to the Kubernetes API, by verb, resource and answer code",
          List.of("verb", "resource", "code"),
          List.of());

  static final List<Double> PASS_BUCKETS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);

  /** Kept by the node itself, not stored: only the leader runs passes. */
  public static final Meter ENGINE_PASS =
      new Meter(
          "nightshift_engine_pass_seconds",
          Type.HISTOGRAM,
          "How long one engine pass took on this node (the leader): the ends written, every active"
              + " run decided, its changes written",
          List.of(),
          PASS_BUCKETS);

  /**
   * A timer for a node's own histogram meter, with its declared buckets, registered in {@code
   * registry}.
   */
  public static io.micrometer.core.instrument.Timer timer(
      Meter meter, io.micrometer.core.instrument.MeterRegistry registry) {
    return io.micrometer.core.instrument.Timer.builder(meter.name())
        .description(meter.help())
        .serviceLevelObjectives(
            meter.buckets().stream()
                .map(seconds -> java.time.Duration.ofNanos((long) (seconds * 1e9)))
                .toArray(java.time.Duration[]::new))
        .register(registry);
  }

  /** The meters kept in PostgreSQL, the same on every node. */
  static final List<Meter> STORED =
      List.of(
          RUNS,
          RUN_DURATION,
          STEP_DURATION,
          STEP_FAILURES,
          SCHEDULE_LAG,
          MISSED_RUNS,
          SKIPPED_RUNS,
          LAST_SUCCESS);

  private Metrics() {}
}
