package io.nightshift.security;

import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.security.token.jwt.signature.jwks.JwksClient;
import jakarta.inject.Singleton;

/**
 * With OIDC off, application.yml leaves the JWKS URL empty. A JWT sent then must simply be an
 * unknown token (401), not a fetch of "" that logs a stack trace on every request: this answers an
 * empty URL with no keys.
 */
@Singleton
public class UnconfiguredJwks implements BeanCreatedEventListener<JwksClient> {

  @Override
  public JwksClient onCreated(BeanCreatedEvent<JwksClient> event) {
    JwksClient client = event.getBean();
    return (providerName, url) ->
        url == null || url.isBlank() ? Publishers.empty() : client.load(providerName, url);
  }
}
