package io.nightshift.executor.kubernetes;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.nightshift.executor.Executor;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * Whether the Kubernetes API server answers, and whether the Job informers have listed once; only
 * when the executor is kubernetes.
 */
@Singleton
public class KubernetesHealthIndicator implements HealthIndicator {

  private final Executor executor;

  public KubernetesHealthIndicator(Executor executor) {
    this.executor = executor;
  }

  @Override
  public Publisher<HealthResult> getResult() {
    if (!(executor instanceof KubernetesExecutor kubernetes)) {
      return Publishers.empty();
    }
    KubernetesExecutor.ApiServerCheck apiServer = kubernetes.apiServerVersion();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("apiServer", apiServer.version().orElse(apiServer.problem()));
    details.put("informersSynced", kubernetes.synced());
    return Publishers.just(
        HealthResult.builder(
                "kubernetes", apiServer.version().isPresent() ? HealthStatus.UP : HealthStatus.DOWN)
            .details(details)
            .build());
  }
}
