package io.nightshift.executor.kubernetes;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Kubernetes executor.
 *
 * @param namespaces where Nightshift may create Jobs ({@code NIGHTSHIFT_KUBERNETES_NAMESPACES},
 *     comma-separated); {@code *} for every namespace; empty for the namespace Nightshift runs in
 * @param apiUrl a plain-HTTP API server to use instead of the in-cluster or kubeconfig one: {@code
 *     kubectl proxy}'s address, or a test's fake API server
 * @param createRetryLimit how long creating a Job is retried while the API server fails or
 *     throttles, before the step fails with reason ApiUnavailable
 * @param requestTimeout how long a request (not a watch) may wait for the API server's answer
 *     before it counts as failed and is tried again: a request never answered must not hold a
 *     thread, and the Jobs behind it, forever
 * @param qps the requests a second this node sends the API server at most, over time, as
 *     client-go's QPS: every create, delete, get and list, and every watch when it is opened, takes
 *     a token of one bucket per node. More than zero.
 * @param burst how many requests may go at once before {@code qps} holds them back, as client-go's
 *     Burst; the bucket holds this many tokens. At least 1.
 * @param creators how many threads create Jobs at once; a Job waiting for a creator or for the rate
 *     limit is seen in {@code nightshift_step_launch_lag_seconds}. At least 1.
 */
@ConfigurationProperties("nightshift.kubernetes")
public record KubernetesConfig(
    @Nullable List<String> namespaces,
    @Nullable String apiUrl,
    @Bindable(defaultValue = "10m") Duration createRetryLimit,
    @Bindable(defaultValue = "30s") Duration requestTimeout,
    @Bindable(defaultValue = "50") double qps,
    @Bindable(defaultValue = "100") int burst,
    @Bindable(defaultValue = "4") int creators) {

  public KubernetesConfig {
    List<String> violations = new ArrayList<>();
    if (!(qps > 0) || Double.isInfinite(qps)) {
      violations.add("nightshift.kubernetes.qps must be a number above 0, was " + qps);
    }
    if (burst < 1) {
      violations.add("nightshift.kubernetes.burst must be at least 1, was " + burst);
    }
    if (creators < 1) {
      violations.add("nightshift.kubernetes.creators must be at least 1, was " + creators);
    }
    if (!violations.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", violations));
    }
  }
}
