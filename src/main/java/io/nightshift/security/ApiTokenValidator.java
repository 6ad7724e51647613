package io.nightshift.security;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.validator.TokenValidator;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.reactivestreams.Publisher;

/**
 * Accepts a bearer token that is one of the stored, unexpired API tokens. The lookup is by the
 * token's hash, on the blocking pool, so that the event loop never waits on the database. A token
 * that is not stored is left to the next validator (the OIDC one, when configured).
 */
@Singleton
public class ApiTokenValidator implements TokenValidator<HttpRequest<?>> {

  private final TokenStore tokens;
  private final ExecutorService blocking;
  private final Clock clock;

  public ApiTokenValidator(
      TokenStore tokens, @Named(TaskExecutors.BLOCKING) ExecutorService blocking, Clock clock) {
    this.tokens = tokens;
    this.blocking = blocking;
    this.clock = clock;
  }

  @Override
  public Publisher<Authentication> validateToken(String token, HttpRequest<?> request) {
    return Publishers.fromCompletableFuture(
        () -> CompletableFuture.supplyAsync(() -> lookup(token).orElse(null), blocking));
  }

  private Optional<Authentication> lookup(String token) {
    return tokens.use(Tokens.hash(token), clock.instant()).map(ApiTokenValidator::caller);
  }

  private static Authentication caller(StoredToken token) {
    return new Caller(
            "token:" + token.name(),
            Role.parse(token.role()),
            token.namespaces().isEmpty()
                ? Optional.empty()
                : Optional.of(Set.copyOf(token.namespaces())))
        .authentication();
  }
}
