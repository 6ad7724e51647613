package io.nightshift.api;

import io.nightshift.workflow.Violation;
import java.util.List;

/** A request whose parameters or headers are wrong, each named in a violation. */
class BadRequestException extends RuntimeException {

  private final transient List<Violation> violations;

  BadRequestException(List<Violation> violations) {
    super(violations.size() == 1 ? violations.get(0).message() : violations.size() + " violations");
    this.violations = List.copyOf(violations);
  }

  List<Violation> violations() {
    return violations;
  }
}
