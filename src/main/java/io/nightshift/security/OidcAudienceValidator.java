package io.nightshift.security;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.security.token.Claims;
import io.micronaut.security.token.jwt.validator.AudienceJwtClaimsValidator;
import io.micronaut.security.token.jwt.validator.GenericJwtClaimsValidator;
import jakarta.inject.Singleton;
import java.util.Collection;

/**
 * Checks a JWT's {@code aud} against {@code nightshift.oidc.audience} when that is set, and does
 * not check it when it is unset or blank. Micronaut's own validator, given the empty value an unset
 * variable interpolates to, would instead refuse every JWT.
 */
@Singleton
@Replaces(AudienceJwtClaimsValidator.class)
public class OidcAudienceValidator<T> implements GenericJwtClaimsValidator<T> {

  private final String expected;

  public OidcAudienceValidator(OidcConfig config) {
    this.expected = config.audience() == null ? "" : config.audience().strip();
  }

  @Override
  public boolean validate(Claims claims, T request) {
    if (expected.isEmpty()) {
      return true;
    }
    Object audience = claims.get(Claims.AUDIENCE);
    if (audience instanceof Collection<?> list) {
      return list.stream().anyMatch(expected::equals);
    }
    return expected.equals(audience);
  }
}
