package io.nightshift.api;

import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts the requests waiting for a run ({@code ?wait}) or following a step's log ({@code
 * ?follow=true}), in all and per caller, and refuses one more past {@link WaitConfig}'s caps, so
 * that no caller can hold every thread of the node.
 */
@Singleton
public class WaitLimiter {

  /** What a refused client is told to wait before it tries again, in seconds. */
  static final int RETRY_AFTER_SECONDS = 5;

  private final WaitConfig config;
  private final Map<String, Integer> byCaller = new HashMap<>();
  private int total;

  public WaitLimiter(WaitConfig config) {
    if (config.maxWaits() < 0 || config.maxWaitsPerCaller() < 0) {
      throw new ConfigurationException(
          "nightshift.api.max-waits and max-waits-per-caller must not be negative");
    }
    this.config = config;
  }

  /** A wait being held; closing it gives the place back. */
  public interface Permit extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * A place for one more wait for a run ({@code ?wait}) of {@code caller}.
   *
   * @throws TooManyWaitsException past either cap
   */
  public Permit acquire(String caller) {
    return acquire(caller, "nothing was created. Try again later, or poll without ?wait");
  }

  /**
   * A place for one more log followed ({@code ?follow=true}) by {@code caller}: it holds its
   * connection until the step ends, as a wait does, and counts against the same caps.
   *
   * @throws TooManyWaitsException past either cap
   */
  public Permit acquireFollow(String caller) {
    return acquire(caller, "try again later, or read the log without ?follow");
  }

  private synchronized Permit acquire(String caller, String advice) {
    int mine = byCaller.getOrDefault(caller, 0);
    if (mine >= config.maxWaitsPerCaller()) {
      throw new TooManyWaitsException(
          "this caller already has "
              + mine
              + " requests waiting for runs or following logs, the most one caller may have at"
              + " once ("
              + config.maxWaitsPerCaller()
              + "); "
              + advice);
    }
    if (total >= config.maxWaits()) {
      throw new TooManyWaitsException(
          "this node already has "
              + total
              + " requests waiting for runs or following logs, the most it holds at once ("
              + config.maxWaits()
              + "); "
              + advice);
    }
    byCaller.put(caller, mine + 1);
    total++;
    return new Permit() {
      private boolean closed;

      @Override
      public void close() {
        synchronized (WaitLimiter.this) {
          if (!closed) {
            closed = true;
            total--;
            byCaller.computeIfPresent(caller, (key, count) -> count <= 1 ? null : count - 1);
          }
        }
      }
    };
  }

  /** How many requests wait now. */
  public synchronized int waiting() {
    return total;
  }

  /** Too many requests wait for runs already: 429. */
  public static class TooManyWaitsException extends RuntimeException {
    public TooManyWaitsException(String message) {
      super(message);
    }
  }
}
