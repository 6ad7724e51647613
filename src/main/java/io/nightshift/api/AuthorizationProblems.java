package io.nightshift.api;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.security.authentication.AuthorizationException;
import io.micronaut.security.authentication.DefaultAuthorizationExceptionHandler;
import io.nightshift.security.Caller;
import jakarta.inject.Singleton;

/**
 * 401 for a request without a valid bearer token, 403 for a caller whose role does not allow the
 * request (or, on {@code /prometheus}, that may not scrape: see {@link ScrapeRule}); both as
 * problem+json saying what is missing.
 */
@Singleton
@Produces(Problem.MEDIA_TYPE)
@Replaces(DefaultAuthorizationExceptionHandler.class)
public class AuthorizationProblems
    implements ExceptionHandler<AuthorizationException, HttpResponse<Problem>> {

  @Override
  public HttpResponse<Problem> handle(HttpRequest request, AuthorizationException e) {
    if (!e.isForbidden()) {
      boolean sent = request.getHeaders().contains(HttpHeaders.AUTHORIZATION);
      return Problems.response(
              request,
              HttpStatus.UNAUTHORIZED,
              "unauthorized",
              sent
                  ? "the bearer token is not valid: unknown, revoked, expired, or not signed by the"
                      + " configured OIDC provider"
                  : "this API needs a token: send \"Authorization: Bearer <token>\"",
              null)
          .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"nightshift\"");
    }
    Caller caller = Caller.of(e.getAuthentication());
    if (ScrapeRule.scrape(request)) {
      return Problems.response(
          request,
          HttpStatus.FORBIDDEN,
          "forbidden",
          caller.name()
              + " may not scrape: /prometheus needs a token with the role metrics, or an admin,"
              + " that sees every namespace",
          null);
    }
    return Problems.response(
        request,
        HttpStatus.FORBIDDEN,
        "forbidden",
        caller.name()
            + (caller.role().isPresent()
                ? " has the role " + caller.role().get().id() + ", which may not do this"
                : " has no Nightshift role (viewer, operator or admin)"),
        null);
  }
}
