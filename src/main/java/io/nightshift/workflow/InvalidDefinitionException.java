package io.nightshift.workflow;

import java.util.List;

/** A definition that parsed but breaks one or more rules; carries every violation at once. */
public class InvalidDefinitionException extends RuntimeException {

  private final transient List<Violation> violations;

  public InvalidDefinitionException(List<Violation> violations) {
    super(violations.size() + (violations.size() == 1 ? " violation" : " violations"));
    this.violations = List.copyOf(violations);
  }

  public List<Violation> violations() {
    return violations;
  }
}
