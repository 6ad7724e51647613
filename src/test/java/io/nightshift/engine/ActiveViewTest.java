package io.nightshift.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.run.Attempt;
import io.nightshift.run.Change;
import io.nightshift.run.Fence;
import io.nightshift.run.RunRow;
import io.nightshift.run.RunStatus;
import io.nightshift.run.RunStore;
import io.nightshift.run.StepRow;
import io.nightshift.run.StepStatus;
import io.nightshift.run.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The leader's view reads every active run once, then only the runs it is told changed: ended runs
 * leave it, new ones join it in age order, and a gap, a new leadership or the resync interval makes
 * it read everything again.
 */
class ActiveViewTest {

  private static final Instant T0 = Instant.parse("2026-12-02T02:00:00Z");
  private static final Duration RESYNC = Duration.ofMinutes(5);

  private final FakeStore store = new FakeStore();
  private final ActiveView view = new ActiveView(store, RESYNC);

  @Test
  void reads_everything_once_then_only_what_was_touched() {
    store.put(run("a", 1, RunStatus.RUNNING), step("a", StepStatus.RUNNING));
    store.put(run("b", 2, RunStatus.PENDING));

    ActiveView.Snapshot first = view.refresh(1, T0);
    assertThat(ids(first)).containsExactly("a", "b");
    assertThat(first.steps().get("a"))
        .extracting(StepRow::status)
        .containsExactly(StepStatus.RUNNING);
    assertThat(view.reads()).isEqualTo(2);

    // Nothing touched: nothing read.
    view.refresh(1, T0.plusSeconds(1));
    assertThat(view.reads()).isEqualTo(2);

    store.put(run("a", 1, RunStatus.SUCCEEDED), step("a", StepStatus.SUCCEEDED));
    store.put(run("c", 3, RunStatus.PENDING));
    store.put(run("z", 0, RunStatus.PENDING)); // older, not yet signalled: not read
    view.wrote(List.of(new Change.RunUpdated("a", RunStatus.SUCCEEDED, null, null, null, T0)));
    view.touched(List.of("c"));

    ActiveView.Snapshot second = view.refresh(1, T0.plusSeconds(2));
    assertThat(ids(second)).containsExactly("b", "c");
    assertThat(second.steps()).doesNotContainKey("a");
    assertThat(view.reads()).isEqualTo(4);
  }

  @Test
  void a_run_read_again_keeps_its_definition_and_its_place() {
    store.put(run("a", 1, RunStatus.PENDING));
    store.put(run("b", 2, RunStatus.PENDING));
    view.refresh(1, T0);

    store.put(run("a", 1, RunStatus.RUNNING), step("a", StepStatus.PENDING));
    view.touched(List.of("a"));
    ActiveView.Snapshot snapshot = view.refresh(1, T0.plusSeconds(1));

    assertThat(ids(snapshot)).containsExactly("a", "b");
    RunRow a = snapshot.runs().get(0);
    assertThat(a.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(a.definition()).isEqualTo("definition of a");
    assertThat(store.definitionsRead).containsExactly("a", "b");
    assertThat(snapshot.steps().get("a")).hasSize(1);
  }

  @Test
  void a_gap_a_new_leadership_or_the_resync_interval_reads_everything() {
    store.put(run("a", 1, RunStatus.PENDING));
    view.refresh(1, T0);
    store.put(run("b", 2, RunStatus.PENDING));

    view.invalidate();
    assertThat(ids(view.refresh(1, T0.plusSeconds(1)))).containsExactly("a", "b");

    store.put(run("c", 3, RunStatus.PENDING));
    assertThat(ids(view.refresh(2, T0.plusSeconds(2)))).containsExactly("a", "b", "c");

    store.put(run("d", 4, RunStatus.PENDING));
    assertThat(ids(view.refresh(2, T0.plusSeconds(3)))).containsExactly("a", "b", "c");
    assertThat(ids(view.refresh(2, T0.plusSeconds(2).plus(RESYNC))))
        .containsExactly("a", "b", "c", "d");
  }

  private static List<String> ids(ActiveView.Snapshot snapshot) {
    return snapshot.runs().stream().map(RunRow::id).toList();
  }

  private static RunRow run(String id, int age, RunStatus status) {
    return new RunRow(
        id,
        "ns",
        "w",
        age,
        Trigger.MANUAL,
        status,
        null,
        null,
        T0,
        T0.plusMillis(age),
        null,
        null,
        "{}",
        "definition of " + id,
        false);
  }

  private static StepRow step(String runId, StepStatus status) {
    return new StepRow(
        runId, "only", 0, status, 1, runId + "-1-only", T0, null, null, null, T0, null);
  }

  /** Runs and steps in memory, as the store would give them back. */
  private static final class FakeStore implements RunStore {
    final Map<String, RunRow> runs = new LinkedHashMap<>();
    final Map<String, List<StepRow>> steps = new LinkedHashMap<>();
    final List<String> definitionsRead = new ArrayList<>();

    void put(RunRow run, StepRow... rows) {
      runs.put(run.id(), run);
      if (rows.length > 0) {
        steps.put(run.id(), List.of(rows));
      }
    }

    @Override
    public List<RunRow> active() {
      List<RunRow> active =
          runs.values().stream()
              .filter(run -> !run.status().ended())
              .sorted(
                  java.util.Comparator.comparing(RunRow::createdAt).thenComparingLong(RunRow::seq))
              .toList();
      active.forEach(run -> definitionsRead.add(run.id()));
      return active;
    }

    @Override
    public List<RunRow> runs(Collection<String> ids, boolean definitions) {
      List<RunRow> found = new ArrayList<>();
      for (String id : ids) {
        RunRow run = runs.get(id);
        if (run == null) {
          continue;
        }
        if (definitions) {
          definitionsRead.add(id);
          found.add(run);
        } else {
          found.add(run.withDefinition(null));
        }
      }
      return found;
    }

    @Override
    public Map<String, List<StepRow>> stepsOf(Collection<String> runIds) {
      Map<String, List<StepRow>> found = new LinkedHashMap<>();
      runIds.forEach(
          id -> {
            if (steps.containsKey(id)) {
              found.put(id, steps.get(id));
            }
          });
      return found;
    }

    @Override
    public List<Attempt> attemptsOf(String namespace, String workflow) {
      return List.of();
    }

    @Override
    public void write(Fence fence, List<Change> changes) {}

    @Override
    public List<Leftover> collectHistory(Fence fence, Instant endedSince, Instant endedBefore) {
      return List.of();
    }
  }
}
