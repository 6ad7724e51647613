package io.nightshift.run;

/** An engine write refused because the writer no longer holds the lease it was granted. */
public class NotLeaderException extends RuntimeException {

  public NotLeaderException(String node, long fencingToken) {
    super("node " + node + " no longer holds the leader lease under fencing token " + fencingToken);
  }
}
