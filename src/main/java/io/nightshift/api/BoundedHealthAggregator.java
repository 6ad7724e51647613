package io.nightshift.api;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.endpoint.health.HealthEndpoint;
import io.micronaut.management.health.aggregator.DefaultHealthAggregator;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.runtime.ApplicationConfiguration;
import jakarta.inject.Singleton;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Micronaut's health aggregation, with every indicator bounded: one that throws, errors or does not
 * answer within {@link HealthConfig#timeout} is {@code DOWN} with a short reason, so {@code
 * /health} answers 503 and never 500 or nothing. An indicator may block (the Kubernetes one asks
 * the API server), so each is asked off the event loop.
 */
@Singleton
@Replaces(DefaultHealthAggregator.class)
@Requires(beans = HealthEndpoint.class)
public class BoundedHealthAggregator extends DefaultHealthAggregator {

  private static final Logger LOG = LoggerFactory.getLogger(BoundedHealthAggregator.class);

  private final HealthConfig config;
  private final Map<String, String> lastLogged = new ConcurrentHashMap<>();

  public BoundedHealthAggregator(
      ApplicationConfiguration applicationConfiguration, HealthConfig config) {
    super(applicationConfiguration);
    this.config = config;
  }

  @Override
  protected Flux<HealthResult> aggregateResults(HealthIndicator[] indicators) {
    return Flux.merge(Arrays.stream(indicators).map(this::bounded).toList());
  }

  private Flux<HealthResult> bounded(HealthIndicator indicator) {
    String name = nameOf(indicator);
    return Flux.defer(indicator::getResult)
        .subscribeOn(Schedulers.boundedElastic())
        .timeout(
            config.timeout(),
            Mono.fromSupplier(
                () -> down(name, "no answer within " + config.timeout().toMillis() + " ms")))
        .doOnNext(result -> logChange(name, result, null))
        .onErrorResume(
            failure -> {
              HealthResult down = down(name, "the check failed; the node's log says why");
              logChange(name, down, failure);
              return Mono.just(down);
            });
  }

  private static HealthResult down(String name, String reason) {
    return HealthResult.builder(name, HealthStatus.DOWN).details(Map.of("reason", reason)).build();
  }

  /** Logs an indicator going down, or coming back, once per change rather than on every probe. */
  private void logChange(String name, HealthResult result, Throwable failure) {
    String state =
        result.getStatus().equals(HealthStatus.DOWN) ? String.valueOf(result.getDetails()) : "UP";
    String before = lastLogged.put(name, state);
    if (state.equals(before)) {
      return;
    }
    if (result.getStatus().equals(HealthStatus.DOWN)) {
      LOG.warn("Health check {} is DOWN: {}", name, state, failure);
    } else if (before != null) {
      LOG.info("Health check {} is UP again", name);
    }
  }

  /** {@code JdbcIndicator} is "jdbc", {@code KubernetesHealthIndicator} "kubernetes". */
  static String nameOf(HealthIndicator indicator) {
    String simple = indicator.getClass().getSimpleName().replaceAll("\\$.*", "");
    String name = simple.replaceFirst("(Health)?Indicator$", "");
    return name.isEmpty()
        ? simple
        : name.substring(0, 1).toLowerCase(Locale.ROOT) + name.substring(1);
  }
}
