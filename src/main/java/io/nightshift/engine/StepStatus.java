package io.nightshift.engine;

/** The states of a step of a run (docs/architecture.md, "Run and step states"). */
public enum StepStatus {
  PENDING,
  RUNNING,
  SUCCEEDED,
  FAILED,
  /** Its {@code when} was not met; its reason says why. */
  SKIPPED,
  CANCELLED;

  public boolean ended() {
    return this != PENDING && this != RUNNING;
  }
}
