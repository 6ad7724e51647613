package io.nightshift.security;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

/**
 * The bootstrap metrics token.
 *
 * @param metricsToken {@code NIGHTSHIFT_METRICS_TOKEN}: installed at every start as the token
 *     {@value MetricsTokenBootstrap#NAME} with the role {@code metrics}, which may scrape {@code
 *     /prometheus} and nothing else; at least {@value Tokens#MIN_CONFIGURED_LENGTH} characters, or
 *     the node does not start. Unset: no bootstrap metrics token (an admin that sees every
 *     namespace scrapes, and metrics tokens can be created through {@code /api/v1/tokens}).
 */
@ConfigurationProperties("nightshift")
public record MetricsTokenConfig(@Nullable String metricsToken) {}
