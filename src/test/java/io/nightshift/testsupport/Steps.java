package io.nightshift.testsupport;

import io.nightshift.workflow.Step;
import io.nightshift.workflow.When;
import java.util.List;

/** Steps built directly as records, for tests of the logic that reads them. */
public final class Steps {

  private Steps() {}

  /** A shorthand busybox step. */
  public static Step step(String name, When when, String... dependsOn) {
    return new Step(
        name,
        List.of(dependsOn),
        when,
        null,
        "busybox",
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }
}
