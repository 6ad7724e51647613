package io.nightshift.api;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.nightshift.workflow.Violation;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * Turns the errors the framework answers by itself (no such route, wrong method, body too large,
 * unsupported media type, unconvertible parameter) into problem+json like every other error.
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
public class ProblemErrorResponseProcessor implements ErrorResponseProcessor<Problem> {

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
    if (status == HttpStatus.REQUEST_ENTITY_TOO_LARGE) {
      detail =
          "the body is larger than the limit of " + ApiLimits.MAX_BODY_BYTES + " bytes (1 MiB)";
    }
    Problem problem =
        new Problem(
            Problem.TYPE_BASE + Problems.typeOf(status),
            status.getReason(),
            status.getCode(),
            detail,
            context.getRequest().getPath(),
            violations.isEmpty() ? null : violations,
            null,
            null);
    return response.contentType(Problem.MEDIA_TYPE).body(problem);
  }
}
