package io.nightshift.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.nightshift.workflow.Violation;
import java.util.List;

/**
 * An error body as RFC 9457 {@code application/problem+json} defines it, with the list of
 * violations when a request broke several rules at once.
 *
 * @param type {@code https://nightshift.io/problems/<name>}, e.g. {@code invalid-definition}
 * @param title the HTTP status's reason phrase
 * @param status the HTTP status
 * @param detail what went wrong, in a sentence
 * @param instance the request's path
 * @param violations each broken rule, where (a JSON pointer, or {@code ?name} for a query
 *     parameter) and what; only when there are some
 * @param line where a body that is not YAML or JSON breaks (malformed-body)
 * @param column where a body that is not YAML or JSON breaks (malformed-body)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    String type,
    String title,
    int status,
    String detail,
    String instance,
    @Nullable List<Violation> violations,
    @Nullable Integer line,
    @Nullable Integer column) {

  public static final String MEDIA_TYPE = "application/problem+json";

  /** Where the problem types are documented: docs/api.md. */
  static final String TYPE_BASE = "https://nightshift.io/problems/";
}
