package io.nightshift.engine;

import io.nightshift.run.Change;
import io.nightshift.run.RunRow;
import io.nightshift.run.RunStore;
import io.nightshift.run.StepRow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The leader's view of the active runs and their steps, kept in memory between passes so that a
 * pass reads only what changed since the last: the runs its own writes touched, and those other
 * writers signalled ({@link io.nightshift.run.RunSignals}: runs created, cancelled or retried
 * through the API on any node, fired by a due scan, deleted with their workflow). Everything is
 * read again when the view may have missed something (a new leadership, signals lost with their
 * connection) and every {@code resync}, as an informer relists: a safety net, not the way changes
 * arrive.
 *
 * <p>{@link #refresh} and what it returns belong to the engine thread; {@link #touched} and {@link
 * #invalidate} may be called from any thread.
 */
final class ActiveView {

  /** Oldest first, as admission and capacity weigh them. */
  private static final Comparator<RunRow> OLDEST_FIRST =
      Comparator.comparing(RunRow::createdAt).thenComparingLong(RunRow::seq);

  private final RunStore store;
  private final Duration resync;
  private final Set<String> touched = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean stale = new AtomicBoolean(true);
  private final Map<String, RunRow> runs = new HashMap<>();
  private final Map<String, List<StepRow>> steps = new HashMap<>();
  private List<RunRow> ordered = List.of();
  private long token = -1;
  private Instant loadedAt = Instant.MIN;
  private int reads;

  ActiveView(RunStore store, Duration resync) {
    this.store = store;
    this.resync = resync;
  }

  /** The active runs, oldest first, their ids and their steps, as of a {@link #refresh}. */
  record Snapshot(List<RunRow> runs, Set<String> ids, Map<String, List<StepRow>> steps) {}

  /** These runs changed: read again at the next refresh. */
  void touched(Collection<String> ids) {
    touched.addAll(ids);
  }

  /** The runs these changes were written to. */
  void wrote(List<Change> changes) {
    for (Change change : changes) {
      String id = runId(change);
      if (id != null) {
        touched.add(id);
      }
    }
  }

  /** Something may have been missed: read everything at the next refresh. */
  void invalidate() {
    stale.set(true);
  }

  /** How many runs the refreshes have read so far: what a test tells full reads from others by. */
  int reads() {
    return reads;
  }

  /**
   * Brings the view up to date for a pass of the leadership {@code token} at {@code now}: all of it
   * under a new leadership, after {@link #invalidate} or once {@code resync} has passed since the
   * last full read; else only the runs touched since the last refresh.
   */
  Snapshot refresh(long token, Instant now) {
    boolean gap = stale.getAndSet(false);
    boolean full =
        gap
            || token != this.token
            || loadedAt == Instant.MIN
            || !now.isBefore(loadedAt.plus(resync));
    if (full) {
      // Cleared before reading: what is touched from here on is read again next time.
      touched.clear();
      this.token = token;
      loadedAt = now;
      List<RunRow> all = store.active();
      runs.clear();
      steps.clear();
      all.forEach(run -> runs.put(run.id(), run));
      steps.putAll(store.stepsOf(runs.keySet()));
      ordered = List.copyOf(all);
      reads += all.size();
    } else {
      Set<String> ids = drainTouched();
      if (!ids.isEmpty()) {
        update(ids);
      }
    }
    return new Snapshot(ordered, Collections.unmodifiableSet(runs.keySet()), steps);
  }

  private Set<String> drainTouched() {
    Set<String> ids = new HashSet<>();
    for (Iterator<String> it = touched.iterator(); it.hasNext(); ) {
      ids.add(it.next());
      it.remove();
    }
    return ids;
  }

  /** Reads these runs again: a known run keeps the definition it has, a new one is read with it. */
  private void update(Set<String> ids) {
    List<String> known = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    ids.forEach(id -> (runs.containsKey(id) ? known : unknown).add(id));
    List<RunRow> fresh = new ArrayList<>(store.runs(known, false));
    fresh.addAll(store.runs(unknown, true));
    reads += fresh.size();
    Map<String, RunRow> active = new HashMap<>();
    for (RunRow run : fresh) {
      if (!run.status().ended()) {
        RunRow old = runs.get(run.id());
        active.put(
            run.id(),
            old == null || run.definition() != null ? run : run.withDefinition(old.definition()));
      }
    }
    boolean added = false;
    for (String id : ids) {
      RunRow run = active.get(id);
      if (run == null) {
        runs.remove(id);
        steps.remove(id);
      } else {
        added |= runs.put(id, run) == null;
      }
    }
    Map<String, List<StepRow>> freshSteps = store.stepsOf(active.keySet());
    for (String id : active.keySet()) {
      steps.put(id, freshSteps.getOrDefault(id, List.of()));
    }
    if (added) {
      List<RunRow> sorted = new ArrayList<>(runs.values());
      sorted.sort(OLDEST_FIRST);
      ordered = List.copyOf(sorted);
    } else {
      List<RunRow> kept = new ArrayList<>(ordered.size());
      for (RunRow run : ordered) {
        RunRow now = runs.get(run.id());
        if (now != null) {
          kept.add(now);
        }
      }
      ordered = List.copyOf(kept);
    }
  }

  private static String runId(Change change) {
    if (change instanceof Change.RunUpdated c) {
      return c.runId();
    } else if (change instanceof Change.StepAdded c) {
      return c.runId();
    } else if (change instanceof Change.StepUpdated c) {
      return c.runId();
    } else if (change instanceof Change.AttemptStarted c) {
      return c.runId();
    } else if (change instanceof Change.AttemptAcknowledged c) {
      return c.runId();
    } else if (change instanceof Change.AttemptEnded c) {
      return c.runId();
    }
    return null; // FirstStepLaunched: a metric, no run's state
  }
}
