package io.nightshift.executor;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nightshift.metrics.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Records {@link Metrics#STEP_LAUNCH_LAG}: from {@link Executor.Launch#admitted()} to the moment an
 * executor has its Job or process. Measured on the clock the engine admits by, so the two agree; a
 * launch admitted "after" now (clocks adjusted meanwhile) counts as no lag.
 */
public final class LaunchLag {

  private final Optional<MeterRegistry> registry;
  private final Clock clock;

  /**
   * @param registry where the histogram goes
   * @param clock the engine's clock
   */
  public LaunchLag(MeterRegistry registry, Clock clock) {
    this(Optional.of(registry), clock);
  }

  private LaunchLag(Optional<MeterRegistry> registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  /** Records nothing: for executors built without a registry. */
  public static LaunchLag none() {
    return new LaunchLag(Optional.empty(), Clock.systemUTC());
  }

  /** The attempt's Job or process exists now. */
  public void launched(Executor.Launch launch) {
    if (registry.isEmpty()) {
      return;
    }
    Duration lag = Duration.between(launch.admitted(), clock.instant());
    Timer.builder(Metrics.STEP_LAUNCH_LAG.name())
        .description(Metrics.STEP_LAUNCH_LAG.help())
        .tag("namespace", launch.namespace())
        .tag("workflow", String.valueOf(launch.workflow()))
        .serviceLevelObjectives(
            Metrics.STEP_LAUNCH_LAG.buckets().stream()
                .map(seconds -> Duration.ofNanos(Math.round(seconds * 1e9)))
                .toArray(Duration[]::new))
        .register(registry.get())
        .record(lag.isNegative() ? Duration.ZERO : lag);
  }
}
