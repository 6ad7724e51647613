package io.nightshift.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateRunning;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStateWaiting;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class PodLogCursorTest {

  private static final OffsetDateTime T0 =
      OffsetDateTime.of(2026, 3, 1, 2, 0, 0, 0, ZoneOffset.UTC);
  private static final long NO_CAP = Long.MAX_VALUE;

  /** The pods of one Job and their logs, as a test sets them. */
  private static final class FakeCluster implements PodLogCursor.Cluster {
    final List<V1Pod> pods = new ArrayList<>();
    final Map<String, String> logs = new HashMap<>();
    boolean unavailable;
    final List<String> reads = new ArrayList<>();

    @Override
    public List<V1Pod> pods() {
      if (unavailable) {
        throw new IllegalStateException("503");
      }
      return List.copyOf(pods);
    }

    @Override
    public Optional<String> log(String pod, String container) {
      String key = container == null ? pod : pod + "/" + container;
      reads.add(key);
      return Optional.ofNullable(logs.get(key));
    }

    V1Pod pod(String name, int secondsAfterT0, String state, String... containers) {
      V1PodSpec spec = new V1PodSpec();
      List<V1ContainerStatus> statuses = new ArrayList<>();
      for (String container : containers.length == 0 ? new String[] {"main"} : containers) {
        spec.addContainersItem(new V1Container().name(container));
        statuses.add(new V1ContainerStatus().name(container).state(state(state)));
      }
      V1Pod pod =
          new V1Pod()
              .metadata(
                  new V1ObjectMeta().name(name).creationTimestamp(T0.plusSeconds(secondsAfterT0)))
              .spec(spec)
              .status(new V1PodStatus().phase(phase(state)).containerStatuses(statuses));
      pods.removeIf(p -> p.getMetadata().getName().equals(name));
      pods.add(pod);
      return pod;
    }

    private static V1ContainerState state(String state) {
      return switch (state) {
        case "waiting" -> new V1ContainerState().waiting(new V1ContainerStateWaiting());
        case "running" -> new V1ContainerState().running(new V1ContainerStateRunning());
        default -> new V1ContainerState().terminated(new V1ContainerStateTerminated().exitCode(0));
      };
    }

    private static String phase(String state) {
      return switch (state) {
        case "waiting" -> "Pending";
        case "running" -> "Running";
        default -> "Succeeded";
      };
    }
  }

  private static String next(PodLogCursor cursor) {
    return new String(cursor.next(), StandardCharsets.UTF_8);
  }

  @Test
  void sends_whole_lines_while_a_container_runs_and_the_rest_once_it_ended() {
    FakeCluster cluster = new FakeCluster();
    PodLogCursor cursor = new PodLogCursor(cluster, OptionalInt.empty(), NO_CAP);
    cluster.pod("job-a", 0, "running");
    cluster.logs.put("job-a", "1\n2");

    assertThat(next(cursor)).isEqualTo("==> pod job-a <==\n1\n");
    assertThat(cursor.finished()).isFalse();

    cluster.logs.put("job-a", "1\n2\n3\n");
    assertThat(next(cursor)).isEqualTo("2\n3\n");
    assertThat(next(cursor)).isEmpty();

    cluster.pod("job-a", 0, "terminated");
    cluster.logs.put("job-a", "1\n2\n3\n4");
    assertThat(next(cursor)).isEqualTo("4\n");
    assertThat(cursor.finished()).isTrue();

    cluster.reads.clear();
    assertThat(next(cursor)).isEmpty();
    assertThat(cluster.reads).as("an ended container's log is not read again").isEmpty();
  }

  @Test
  void a_container_that_has_not_started_is_not_read_and_nothing_is_finished() {
    FakeCluster cluster = new FakeCluster();
    PodLogCursor cursor = new PodLogCursor(cluster, OptionalInt.empty(), NO_CAP);
    cluster.pod("job-a", 0, "waiting");

    assertThat(next(cursor)).isEmpty();
    assertThat(cluster.reads).isEmpty();
    assertThat(cursor.finished()).isFalse();
  }

  @Test
  void no_pods_is_finished_and_an_unanswered_list_is_not() {
    FakeCluster cluster = new FakeCluster();
    PodLogCursor cursor = new PodLogCursor(cluster, OptionalInt.empty(), NO_CAP);

    assertThat(next(cursor)).isEmpty();
    assertThat(cursor.finished()).isTrue();

    cluster.unavailable = true;
    assertThat(next(cursor)).isEmpty();
    assertThat(cursor.finished()).isFalse();
  }

  @Test
  void tail_lines_apply_to_the_logs_there_are_when_following_starts_not_to_later_pods() {
    FakeCluster cluster = new FakeCluster();
    PodLogCursor cursor = new PodLogCursor(cluster, OptionalInt.of(2), NO_CAP);
    cluster.pod("job-a", 0, "terminated");
    cluster.logs.put("job-a", "1\n2\n3\n");

    assertThat(next(cursor)).isEqualTo("==> pod job-a <==\n2\n3\n");

    cluster.pod("job-b", 10, "running");
    cluster.logs.put("job-b", "x\ny\nz\n");
    assertThat(next(cursor)).isEqualTo("==> pod job-b <==\nx\ny\nz\n");
  }

  @Test
  void pods_that_run_side_by_side_are_told_apart_by_a_header_at_each_switch() {
    FakeCluster cluster = new FakeCluster();
    PodLogCursor cursor = new PodLogCursor(cluster, OptionalInt.empty(), NO_CAP);
    cluster.pod("job-a", 0, "running");
    cluster.pod("job-b", 1, "running");
    cluster.logs.put("job-a", "a1\n");
    cluster.logs.put("job-b", "b1\n");

    assertThat(next(cursor)).isEqualTo("==> pod job-a <==\na1\n==> pod job-b <==\nb1\n");

    cluster.logs.put("job-b", "b1\nb2\n");
    assertThat(next(cursor)).isEqualTo("b2\n");

    cluster.logs.put("job-a", "a1\na2\n");
    assertThat(next(cursor)).isEqualTo("==> pod job-a <==\na2\n");
  }

  @Test
  void several_containers_are_read_each_under_its_name() {
    FakeCluster cluster = new FakeCluster();
    PodLogCursor cursor = new PodLogCursor(cluster, OptionalInt.empty(), NO_CAP);
    cluster.pod("job-a", 0, "terminated", "main", "sidecar");
    cluster.logs.put("job-a/main", "m\n");
    cluster.logs.put("job-a/sidecar", "s\n");

    assertThat(next(cursor))
        .isEqualTo("==> pod job-a container main <==\nm\n==> pod job-a container sidecar <==\ns\n");
    assertThat(cursor.finished()).isTrue();
  }

  @Test
  void a_log_that_no_longer_begins_as_it_did_is_sent_again_from_its_start() {
    FakeCluster cluster = new FakeCluster();
    PodLogCursor cursor = new PodLogCursor(cluster, OptionalInt.empty(), NO_CAP);
    cluster.pod("job-a", 0, "running");
    cluster.logs.put("job-a", "first run\n");
    assertThat(next(cursor)).isEqualTo("==> pod job-a <==\nfirst run\n");

    cluster.logs.put("job-a", "again run\nmore\n"); // the container restarted
    assertThat(next(cursor)).isEqualTo("==> pod job-a <==\nagain run\nmore\n");
  }

  @Test
  void the_cap_keeps_the_end_of_a_long_backlog_from_a_line_start_and_counts_what_it_left_out() {
    FakeCluster cluster = new FakeCluster();
    PodLogCursor cursor = new PodLogCursor(cluster, OptionalInt.empty(), 8);
    cluster.pod("job-a", 0, "running");
    cluster.logs.put("job-a", "aaaa\nbbbb\ncc\n");

    assertThat(next(cursor)).isEqualTo("==> pod job-a <==\nbbbb\ncc\n");
    assertThat(cursor.omittedBytes()).isEqualTo(5);

    cluster.logs.put("job-a", "aaaa\nbbbb\ncc\ndddddddddd\n");
    assertThat(next(cursor)).as("what follows is sent whole").isEqualTo("dddddddddd\n");
  }
}
