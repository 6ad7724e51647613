package io.nightshift.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.nightshift.workflow.Violation;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

/**
 * Turns the errors the framework answers by itself (no such route, wrong method, body too large,
 * unsupported media type, unconvertible parameter, a request Netty could not decode) into
 * problem+json like every other error.
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
public class ProblemErrorResponseProcessor implements ErrorResponseProcessor<Problem> {

  private final RefusalLog refusals;

  public ProblemErrorResponseProcessor(RefusalLog refusals) {
    this.refusals = refusals;
  }

  /** A request whose framing or headers Netty refused: too large, malformed, ambiguous. */
  private static boolean undecodable(HttpRequest<?> request) {
    return request instanceof NettyHttpRequest<?> netty
        && netty.getNativeRequest().decoderResult().isFailure();
  }

  @Override
  public MutableHttpResponse<Problem> processResponse(
      ErrorContext context, MutableHttpResponse<?> response) {
    HttpStatus status = response.getStatus();
    List<Violation> violations =
        context.getErrors().stream()
            .filter(error -> error.getPath().isPresent())
            .map(error -> new Violation(error.getPath().get(), error.getMessage()))
            .toList();
    String detail =
        context.getErrors().stream().map(Error::getMessage).findFirst().orElse(status.getReason());
    String type = Problems.typeOf(status);
    Optional<JsonProcessingException> json =
        context.getRootCause().flatMap(JsonErrors::find).filter(e -> status.getCode() < 500);
    if (json.isPresent()) {
      // Jackson's own words name Java classes: say what was wrong in the API's words instead.
      Violation violation = JsonErrors.violation(json.get());
      violations = List.of(violation);
      detail =
          "the body cannot be read: "
              + (violation.path().isEmpty() ? "" : violation.path() + ": ")
              + violation.message();
    } else if (JsonErrors.namesJava(detail)
        || violations.stream().anyMatch(v -> JsonErrors.namesJava(v.message()))) {
      // Whatever else the framework says, a Java class name is no answer for a client.
      violations = List.of();
      detail = "the request cannot be read: " + status.getReason();
    }
    boolean undecodable = undecodable(context.getRequest());
    if (undecodable && status == HttpStatus.REQUEST_ENTITY_TOO_LARGE) {
      type = "headers-too-large";
      detail = "the request line or the headers are larger than the server accepts";
    } else if (undecodable) {
      detail = "the request's framing or headers are malformed";
    } else if (status == HttpStatus.REQUEST_ENTITY_TOO_LARGE) {
      detail =
          "the body is larger than the limit of " + ApiLimits.MAX_BODY_BYTES + " bytes (1 MiB)";
    }
    Problem problem =
        new Problem(
            Problem.TYPE_BASE + type,
            status.getReason(),
            status.getCode(),
            detail,
            context.getRequest().getPath(),
            violations.isEmpty() ? null : violations,
            null,
            null);
    if (undecodable) {
      // Such a request never reaches the filters, so RefusalLog would not see it.
      refusals.refused(context.getRequest(), status.getCode(), detail);
    }
    return response.contentType(Problem.MEDIA_TYPE).body(problem);
  }
}
