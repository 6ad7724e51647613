package io.nightshift.workflow;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a new run does when a run of the same workflow is still active. */
public enum ConcurrencyPolicy {
  /** Runs overlap. */
  @JsonProperty("Allow")
  ALLOW,
  /** The new run is recorded as Skipped (reason ConcurrencyForbid). */
  @JsonProperty("Forbid")
  FORBID,
  /** The active run is cancelled and the new one starts. */
  @JsonProperty("Replace")
  REPLACE,
  /** The new run waits for the active one; at most one waits. */
  @JsonProperty("Queue")
  QUEUE
}
