package io.nightshift.security;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Where a verified OIDC JWT names the caller's role and namespaces ({@code NIGHTSHIFT_OIDC_*}). The
 * rest of OIDC ({@code nightshift.oidc.issuer}, {@code jwks-url}, {@code audience}) is handed by
 * application.yml to micronaut-security-jwt, which checks the signature against the provider's keys
 * and the issuer, audience and expiry claims.
 *
 * @param rolesClaim the claim listing the caller's roles; the highest Nightshift role in it counts
 * @param namespacesClaim the claim listing the namespaces the caller may see; all when absent
 */
@ConfigurationProperties("nightshift.oidc")
public record OidcConfig(
    @Bindable(defaultValue = "roles") String rolesClaim,
    @Bindable(defaultValue = "namespaces") String namespacesClaim) {}
