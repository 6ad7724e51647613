package io.nightshift.run;

import java.util.Set;
import java.util.function.Consumer;

/**
 * Tells the leader's engine which runs other writers changed: runs created, cancelled or retried
 * through the API on any node, fired by a due scan, or deleted with their workflow. The engine
 * keeps its view of the active runs from its own writes and these signals instead of reading every
 * active run each pass.
 */
public interface RunSignals {

  /**
   * From now until the node stops: {@code changed} gets the ids of runs changed elsewhere, after
   * their changes are committed; {@code gap} runs whenever signals may have been missed (before the
   * first one is listened for, after the connection carrying them was lost), so that the listener
   * reads everything again.
   */
  void subscribe(Consumer<Set<String>> changed, Runnable gap);
}
