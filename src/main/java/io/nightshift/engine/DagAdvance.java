package io.nightshift.engine;

import io.nightshift.run.StepStatus;
import io.nightshift.workflow.Step;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The next move of a run along its dependency graph, as a pure function of the steps' states: which
 * steps to start, which to skip and why, and whether the run has ended.
 *
 * <p>A step waits until every parent has ended. Then {@code when: succeeded} runs if every parent
 * succeeded; {@code when: failed} runs if any step upstream of it failed, so a notification at the
 * end of a chain hears of a failure at its start even though the steps between were skipped; {@code
 * when: always} runs in any case. A run whose step failed is Failed, even when a {@code when:
 * failed} step then ran to handle it.
 */
public final class DagAdvance {

  /** Why a step was skipped: its {@code when} was not met. */
  public record Skip(String reason, String message) {}

  /** How a run ended, once no step is pending or running. */
  public enum Outcome {
    SUCCEEDED,
    FAILED,
    CANCELLED
  }

  /** What to do now. Skips are already applied when {@link #start} is computed. */
  public record Move(List<String> start, Map<String, Skip> skip, Optional<Outcome> ended) {}

  private DagAdvance() {}

  public static Move next(List<Step> steps, Map<String, StepStatus> statuses) {
    Map<String, StepStatus> state = new HashMap<>(statuses);
    Map<String, Step> byName = new LinkedHashMap<>();
    steps.forEach(step -> byName.put(step.name(), step));
    Map<String, Skip> skips = new LinkedHashMap<>();
    List<String> start = new ArrayList<>();
    boolean changed = true;
    // Skips cascade: skipping a step can settle its children in the same move.
    while (changed) {
      changed = false;
      for (Step step : steps) {
        if (state.get(step.name()) != StepStatus.PENDING || start.contains(step.name())) {
          continue;
        }
        if (!step.dependsOn().stream().allMatch(parent -> state.get(parent).ended())) {
          continue;
        }
        Optional<Skip> skip = unmet(step, byName, state);
        if (skip.isPresent()) {
          state.put(step.name(), StepStatus.SKIPPED);
          skips.put(step.name(), skip.get());
          changed = true;
        } else {
          start.add(step.name());
        }
      }
    }
    boolean active =
        !start.isEmpty() || state.values().stream().anyMatch(status -> !status.ended());
    Optional<Outcome> ended =
        active
            ? Optional.empty()
            : Optional.of(
                state.containsValue(StepStatus.CANCELLED)
                    ? Outcome.CANCELLED
                    : state.containsValue(StepStatus.FAILED) ? Outcome.FAILED : Outcome.SUCCEEDED);
    return new Move(List.copyOf(start), skips, ended);
  }

  private static Optional<Skip> unmet(
      Step step, Map<String, Step> byName, Map<String, StepStatus> state) {
    Optional<String> cancelled = upstream(step, StepStatus.CANCELLED, byName, state);
    if (cancelled.isPresent()) {
      // Whatever its when: nothing starts after a cancellation.
      return Optional.of(
          new Skip("UpstreamCancelled", cancelled.get() + ", before it, was cancelled"));
    }
    return switch (step.when()) {
      case ALWAYS -> Optional.empty();
      case SUCCEEDED -> {
        List<String> notSucceeded =
            step.dependsOn().stream().filter(p -> state.get(p) != StepStatus.SUCCEEDED).toList();
        yield notSucceeded.isEmpty()
            ? Optional.empty()
            : Optional.of(
                new Skip(
                    "ParentNotSucceeded",
                    "runs when its parents succeed; "
                        + String.join(", ", notSucceeded)
                        + " did not"));
      }
      case FAILED -> {
        Optional<String> failed = upstream(step, StepStatus.FAILED, byName, state);
        yield failed.isPresent()
            ? Optional.empty()
            : Optional.of(new Skip("NothingFailed", "runs when a step before it fails; none did"));
      }
    };
  }

  /** The first step in {@code status} among the ancestors of {@code step}, breadth first. */
  private static Optional<String> upstream(
      Step step, StepStatus status, Map<String, Step> byName, Map<String, StepStatus> state) {
    Deque<String> queue = new ArrayDeque<>(step.dependsOn());
    Set<String> seen = new HashSet<>();
    while (!queue.isEmpty()) {
      String name = queue.poll();
      if (!seen.add(name)) {
        continue;
      }
      if (state.get(name) == status) {
        return Optional.of(name);
      }
      queue.addAll(byName.get(name).dependsOn());
    }
    return Optional.empty();
  }
}
