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

  /** The reason of a Pending run that waits in its workflow's queue. */
  public static final String QUEUED = "Queued";

  private Admission() {}

  /** Why a run was Skipped: the runs of its workflow that were running. */
  public static String skipMessage(List<String> running) {
    return "a run of this workflow was active: " + String.join(", ", running);
  }

  /** What a queued run waits for. */
  public static String queueMessage(List<String> running) {
    return "waits for " + String.join(", ", running);
  }

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
