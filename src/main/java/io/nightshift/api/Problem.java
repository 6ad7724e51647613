package io.nightshift.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.nightshift.workflow.Violation;
import java.util.List;

/**
 * An error body as RFC 9457 {@code application/problem+json} defines it, with the list of
 * violations when a request broke several rules at once.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    String type,
    String title,
    int status,
    String detail,
    String instance,
    List<Violation> violations,
    Integer line,
    Integer column) {

  public static final String MEDIA_TYPE = "application/problem+json";

  /** Where the problem types are documented: docs/api.md. */
  static final String TYPE_BASE = "https://nightshift.io/problems/";
}
