package io.nightshift.security;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Where a verified OIDC JWT names the caller's role and namespaces, and which audience it must
 * carry ({@code NIGHTSHIFT_OIDC_*}). The issuer and the JWKS URL ({@code nightshift.oidc.issuer},
 * {@code jwks-url}) are handed by application.yml to micronaut-security-jwt, which checks the
 * signature against the provider's keys, the issuer and the expiry; the audience is checked by
 * {@link OidcAudienceValidator}.
 *
 * @param rolesClaim the claim listing the caller's roles; the highest Nightshift role in it counts
 * @param namespacesClaim the claim listing the namespaces the caller may see: {@code ["*"]} (or
 *     {@code "*"}) for all of them; absent, null or empty for none
 * @param audience the {@code aud} a JWT must carry; unset or blank: the audience is not checked
 * @param clientId the console's client at the provider: with the issuer set, the console's sign-in
 *     page offers the authorization-code flow with PKCE, and keeps the ID token it gets as the
 *     session's token (set the audience to this client, or leave it unset)
 * @param clientSecret the client's secret, for a confidential client; unset for a public one
 * @param displayName the provider's name on the sign-in button
 * @param redirectUri where the provider sends the browser back to; unset: {@code
 *     <scheme>://<Host>/sign-in/oidc/callback} of the sign-in request
 */
@ConfigurationProperties("nightshift.oidc")
public record OidcConfig(
    @Bindable(defaultValue = "roles") String rolesClaim,
    @Bindable(defaultValue = "namespaces") String namespacesClaim,
    @Nullable String audience,
    @Nullable String clientId,
    @Nullable String clientSecret,
    @Bindable(defaultValue = "single sign-on") String displayName,
    @Nullable String redirectUri) {}
