package io.nightshift.store;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;

/**
 * The connection pool's meters ({@code hikaricp_connections_*}) at {@code /prometheus}: the pool is
 * ours, so Micronaut's binder does not see it. A bean of its own, so that the pool does not depend
 * on the meter registry and is still open while the other beans stop.
 */
@Context
class PoolMetrics {

  PoolMetrics(HikariDataSource dataSource, MeterRegistry registry) {
    dataSource.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
  }
}
