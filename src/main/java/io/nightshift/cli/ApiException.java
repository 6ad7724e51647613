package io.nightshift.cli;

import java.util.List;

/**
 * An error answer of the API, from its {@code application/problem+json} body when it has one.
 *
 * @see Exit#ofHttp
 */
final class ApiException extends CliException {

  /** One violation of a problem: where, as a JSON pointer or {@code ?name}, and what. */
  record Violation(String path, String message) {}

  private final int status;
  private final String title;
  private final String detail;
  private final List<Violation> violations;

  ApiException(
      int status,
      boolean aboutRun,
      String title,
      String detail,
      List<Violation> violations,
      String what) {
    super(Exit.ofHttp(status, aboutRun), what + title + (detail == null ? "" : ": " + detail));
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.violations = List.copyOf(violations);
  }

  int status() {
    return status;
  }

  String title() {
    return title;
  }

  String detail() {
    return detail;
  }

  List<Violation> violations() {
    return violations;
  }

  @Override
  String describe() {
    StringBuilder out = new StringBuilder(super.describe());
    for (Violation violation : violations) {
      out.append("\n  ").append(violation.path()).append(": ").append(violation.message());
    }
    return out.toString();
  }
}
