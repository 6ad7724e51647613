package io.nightshift.security;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Login with JWTs from an OIDC provider ({@code NIGHTSHIFT_OIDC_*}). Off unless both the issuer and
 * the JWKS URL are set; application.yml hands them to micronaut-security-jwt, which checks the
 * signature against the provider's keys and the issuer, audience and expiry claims.
 *
 * @param issuer the {@code iss} every token must carry
 * @param jwksUrl where the provider publishes its signing keys
 * @param audience the {@code aud} every token must carry; any when empty
 * @param rolesClaim the claim listing the caller's roles; the highest Nightshift role in it counts
 * @param namespacesClaim the claim listing the namespaces the caller may see; all when absent
 */
@ConfigurationProperties("nightshift.oidc")
public record OidcConfig(
    @Nullable String issuer,
    @Nullable String jwksUrl,
    @Nullable String audience,
    @Bindable(defaultValue = "roles") String rolesClaim,
    @Bindable(defaultValue = "namespaces") String namespacesClaim) {

  public boolean enabled() {
    return issuer != null && !issuer.isBlank() && jwksUrl != null && !jwksUrl.isBlank();
  }
}
