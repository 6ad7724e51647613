package io.nightshift.executor.kubernetes;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
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
 */
@ConfigurationProperties("nightshift.kubernetes")
public record KubernetesConfig(
    @Nullable List<String> namespaces,
    @Nullable String apiUrl,
    @Bindable(defaultValue = "10m") Duration createRetryLimit,
    @Bindable(defaultValue = "30s") Duration requestTimeout) {}
