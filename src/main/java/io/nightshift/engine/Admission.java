package io.nightshift.engine;

import io.nightshift.workflow.ConcurrencyPolicy;
import java.util.List;

/**
 * Whether a new run of a workflow may start now, under its concurrency policy, given the runs of
 * that workflow already active or waiting. The same rule for every trigger: schedule, manual,
 * backfill.
 */
public final class Admission {

  /** What happens to the new run. */
  public enum Verdict {
    /** Start it now. */
    START,
    /** Start it now, after cancelling {@link Decision#cancel}. */
    REPLACE,
    /** Let it wait until the active run ends. */
    QUEUE,
    /** Record it as Skipped with {@link Decision#reason}. */
    SKIP
  }

  /** The verdict, the runs to cancel (Replace) and the reason (Skip). */
  public record Decision(Verdict verdict, List<String> cancel, String reason) {
    static Decision of(Verdict verdict) {
      return new Decision(verdict, List.of(), null);
    }
  }

  private Admission() {}

  /**
   * @param active ids of the workflow's runs that are running now
   * @param waiting how many of its runs are already queued
   */
  public static Decision decide(ConcurrencyPolicy policy, List<String> active, int waiting) {
    if (active.isEmpty() && waiting == 0) {
      return Decision.of(Verdict.START);
    }
    return switch (policy) {
      case ALLOW -> Decision.of(Verdict.START);
      case FORBID -> new Decision(Verdict.SKIP, List.of(), "ConcurrencyForbid");
      case REPLACE -> new Decision(Verdict.REPLACE, List.copyOf(active), null);
      case QUEUE ->
          waiting == 0
              ? Decision.of(Verdict.QUEUE)
              : new Decision(Verdict.SKIP, List.of(), "QueueFull");
    };
  }
}
