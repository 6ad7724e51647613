package io.nightshift.workflow;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which outcome of a step's parents lets the step run; otherwise it is Skipped. */
public enum When {
  /** Every parent succeeded (the default). */
  @JsonProperty("succeeded")
  SUCCEEDED,
  /** At least one parent failed: for clean-up and notification steps. */
  @JsonProperty("failed")
  FAILED,
  /** Whatever the parents' outcome, once they have all ended. */
  @JsonProperty("always")
  ALWAYS
}
