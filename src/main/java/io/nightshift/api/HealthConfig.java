package io.nightshift.api;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * How {@code /health} answers.
 *
 * @param timeout how long one indicator (the database, the Kubernetes API server) may take before
 *     it counts as {@code DOWN}: a probe must get an answer, and a check that hangs is a failed one
 */
@ConfigurationProperties("nightshift.health")
public record HealthConfig(@Bindable(defaultValue = "3s") Duration timeout) {}
