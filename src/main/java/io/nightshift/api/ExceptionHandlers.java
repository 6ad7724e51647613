package io.nightshift.api;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.nightshift.StoreUnavailableException;
import io.nightshift.engine.RunService;
import io.nightshift.workflow.ConflictException;
import io.nightshift.workflow.InvalidDefinitionException;
import io.nightshift.workflow.MalformedDefinitionException;
import io.nightshift.workflow.WorkflowNotFoundException;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps each domain exception to its status and problem type. */
final class ExceptionHandlers {

  private ExceptionHandlers() {}

  @Singleton
  @Produces(Problem.MEDIA_TYPE)
  static class Invalid
      implements ExceptionHandler<InvalidDefinitionException, HttpResponse<Problem>> {
    @Override
    public HttpResponse<Problem> handle(HttpRequest request, InvalidDefinitionException e) {
      return Problems.response(
          request,
          HttpStatus.UNPROCESSABLE_ENTITY,
          "invalid-definition",
          "the workflow has " + e.getMessage() + "; nothing was stored",
          e.violations());
    }
  }

  @Singleton
  @Produces(Problem.MEDIA_TYPE)
  static class Malformed
      implements ExceptionHandler<MalformedDefinitionException, HttpResponse<Problem>> {
    @Override
    public HttpResponse<Problem> handle(HttpRequest request, MalformedDefinitionException e) {
      Problem problem =
          new Problem(
              Problem.TYPE_BASE + "malformed-body",
              HttpStatus.BAD_REQUEST.getReason(),
              HttpStatus.BAD_REQUEST.getCode(),
              JsonErrors.withoutJavaNames(e.getMessage()),
              request.getPath(),
              null,
              e.line().isPresent() ? e.line().getAsInt() : null,
              e.column().isPresent() ? e.column().getAsInt() : null);
      return Problems.response(HttpStatus.BAD_REQUEST, problem);
    }
  }

  /** A domain exception whose message is the whole story. */
  abstract static class MessageOnly<E extends RuntimeException>
      implements ExceptionHandler<E, HttpResponse<Problem>> {
    private final HttpStatus status;
    private final String type;

    MessageOnly(HttpStatus status, String type) {
      this.status = status;
      this.type = type;
    }

    @Override
    public HttpResponse<Problem> handle(HttpRequest request, E e) {
      return Problems.response(request, status, type, e.getMessage(), null);
    }
  }

  @Singleton
  @Produces(Problem.MEDIA_TYPE)
  static class NotFound extends MessageOnly<WorkflowNotFoundException> {
    NotFound() {
      super(HttpStatus.NOT_FOUND, "not-found");
    }
  }

  @Singleton
  @Produces(Problem.MEDIA_TYPE)
  static class RunNotFound extends MessageOnly<RunService.RunNotFoundException> {
    RunNotFound() {
      super(HttpStatus.NOT_FOUND, "not-found");
    }
  }

  @Singleton
  @Produces(Problem.MEDIA_TYPE)
  static class OtherNotFound extends MessageOnly<NotFoundException> {
    OtherNotFound() {
      super(HttpStatus.NOT_FOUND, "not-found");
    }
  }

  @Singleton
  @Produces(Problem.MEDIA_TYPE)
  static class Forbidden extends MessageOnly<ForbiddenException> {
    Forbidden() {
      super(HttpStatus.FORBIDDEN, "forbidden");
    }
  }

  @Singleton
  @Produces(Problem.MEDIA_TYPE)
  static class Conflict extends MessageOnly<ConflictException> {
    Conflict() {
      super(HttpStatus.CONFLICT, "conflict");
    }
  }

  @Singleton
  @Produces(Problem.MEDIA_TYPE)
  static class BadRequest implements ExceptionHandler<BadRequestException, HttpResponse<Problem>> {
    @Override
    public HttpResponse<Problem> handle(HttpRequest request, BadRequestException e) {
      return Problems.response(
          request, HttpStatus.BAD_REQUEST, "bad-request", e.getMessage(), e.violations());
    }
  }

  /**
   * The database did not answer (down, restarting, or the pool exhausted): 503 with Retry-After, so
   * a client tries again instead of reading a 500 as a bug. The cause goes to the log, not the
   * body.
   */
  @Singleton
  @Produces(Problem.MEDIA_TYPE)
  static class StoreUnavailable
      implements ExceptionHandler<StoreUnavailableException, HttpResponse<Problem>> {

    private static final Logger LOG = LoggerFactory.getLogger(StoreUnavailable.class);

    @Override
    public HttpResponse<Problem> handle(HttpRequest request, StoreUnavailableException e) {
      LOG.warn("The database did not answer a request: {}", e.getMessage());
      return Problems.response(
              request,
              HttpStatus.SERVICE_UNAVAILABLE,
              "service-unavailable",
              "The database does not answer; try again shortly.",
              null)
          .header("Retry-After", "5");
    }
  }

  /** Too many requests wait for runs already: 429 with Retry-After; nothing was created. */
  @Singleton
  @Produces(Problem.MEDIA_TYPE)
  static class TooManyWaits
      implements ExceptionHandler<WaitLimiter.TooManyWaitsException, HttpResponse<Problem>> {
    @Override
    public HttpResponse<Problem> handle(HttpRequest request, WaitLimiter.TooManyWaitsException e) {
      return Problems.response(
              request, HttpStatus.TOO_MANY_REQUESTS, "too-many-waits", e.getMessage(), null)
          .header("Retry-After", Integer.toString(WaitLimiter.RETRY_AFTER_SECONDS));
    }
  }
}
