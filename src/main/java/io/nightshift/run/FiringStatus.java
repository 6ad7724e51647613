package io.nightshift.run;

/**
 * Whether this node is recording fires now. The engine on the leader makes no pass meanwhile: runs
 * due at the same instant are all admitted before the first of them is launched, and the launches,
 * which cost the machine far more than recording, do not slow the recording down.
 */
public interface FiringStatus {

  /** True while a due scan of this node is recording runs. */
  boolean inProgress();
}
