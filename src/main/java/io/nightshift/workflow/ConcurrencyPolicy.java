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
  QUEUE;

  /** The policy as a definition spells it: Allow, Forbid, Replace or Queue. */
  public static ConcurrencyPolicy of(String spelling) {
    for (ConcurrencyPolicy policy : values()) {
      if (policy.spelling().equals(spelling)) {
        return policy;
      }
    }
    throw new IllegalArgumentException("no concurrency policy " + spelling);
  }

  /** How a definition spells it. */
  public String spelling() {
    String name = name();
    return name.charAt(0) + name.substring(1).toLowerCase(java.util.Locale.ROOT);
  }
}
