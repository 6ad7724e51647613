package io.nightshift.security;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.jwt.validator.DefaultJwtAuthenticationFactory;
import io.micronaut.security.token.jwt.validator.JwtAuthenticationFactory;
import jakarta.inject.Singleton;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a JWT that micronaut-security-jwt has verified (signature, issuer, audience, expiry) into a
 * caller: {@code oidc:<sub>}, the highest of {@code viewer}, {@code operator} and {@code admin}
 * named in the roles claim ({@code metrics} is ignored there, like names Nightshift does not know:
 * scrapers use a metrics API token), and the namespaces of the namespaces claim. A claim may be a
 * list or a string of space- or comma-separated values. Every namespace is granted only by an
 * explicit {@code "*"} in the namespaces claim; a claim that is absent, null or empty grants none
 * (the caller sees nothing).
 */
@Singleton
@Replaces(DefaultJwtAuthenticationFactory.class)
public class OidcAuthenticationFactory implements JwtAuthenticationFactory {

  /** The namespaces claim's value that grants every namespace. */
  public static final String ALL_NAMESPACES = "*";

  private final OidcConfig config;

  public OidcAuthenticationFactory(OidcConfig config) {
    this.config = config;
  }

  @Override
  public Optional<Authentication> createAuthentication(JWT token) {
    try {
      JWTClaimsSet claims = token.getJWTClaimsSet();
      if (claims.getSubject() == null) {
        return Optional.empty();
      }
      Optional<Role> role =
          values(claims.getClaim(config.rolesClaim())).stream()
              .flatMap(name -> Role.parse(name).stream())
              // A JWT grants the API's roles only: scraping takes a metrics API token.
              .filter(Role::api)
              .max(Comparator.naturalOrder());
      List<String> namespaces = values(claims.getClaim(config.namespacesClaim()));
      // Fail closed: only an explicit "*" reaches every namespace; no claim reaches none.
      Optional<Set<String>> scope =
          namespaces.contains(ALL_NAMESPACES)
              ? Optional.empty()
              : Optional.of(Set.copyOf(namespaces));
      return Optional.of(new Caller("oidc:" + claims.getSubject(), role, scope).authentication());
    } catch (ParseException e) {
      return Optional.empty();
    }
  }

  private static List<String> values(Object claim) {
    if (claim instanceof Collection<?> list) {
      return list.stream().map(String::valueOf).toList();
    }
    if (claim instanceof String text) {
      return Arrays.stream(text.split("[\\s,]+")).filter(value -> !value.isEmpty()).toList();
    }
    return List.of();
  }
}
