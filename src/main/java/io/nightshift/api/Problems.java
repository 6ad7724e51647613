package io.nightshift.api;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.nightshift.workflow.Violation;
import java.util.List;

/** Builds problem+json responses; the one place that knows their shape. */
final class Problems {

  private Problems() {}

  static MutableHttpResponse<Problem> response(
      HttpRequest<?> request,
      HttpStatus status,
      String type,
      String detail,
      List<Violation> violations) {
    return response(
        status,
        new Problem(
            Problem.TYPE_BASE + type,
            status.getReason(),
            status.getCode(),
            detail,
            request.getPath(),
            violations == null || violations.isEmpty() ? null : violations,
            null,
            null));
  }

  static MutableHttpResponse<Problem> response(HttpStatus status, Problem problem) {
    return HttpResponse.<Problem>status(status).body(problem).contentType(Problem.MEDIA_TYPE);
  }

  /** The problem type of an HTTP status the framework answered with (404 route, 405, 413, …). */
  static String typeOf(HttpStatus status) {
    return switch (status) {
      case NOT_FOUND -> "not-found";
      case METHOD_NOT_ALLOWED -> "method-not-allowed";
      case REQUEST_ENTITY_TOO_LARGE -> "body-too-large";
      case UNSUPPORTED_MEDIA_TYPE -> "unsupported-media-type";
      case NOT_ACCEPTABLE -> "not-acceptable";
      case BAD_REQUEST -> "bad-request";
      default -> status.getCode() >= 500 ? "internal-error" : "http-" + status.getCode();
    };
  }
}
