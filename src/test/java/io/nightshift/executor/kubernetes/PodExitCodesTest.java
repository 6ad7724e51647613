package io.nightshift.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateRunning;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class PodExitCodesTest {

  private static final OffsetDateTime T0 =
      OffsetDateTime.of(2026, 3, 1, 2, 0, 0, 0, ZoneOffset.UTC);

  private static V1ContainerState exited(int code) {
    return new V1ContainerState().terminated(new V1ContainerStateTerminated().exitCode(code));
  }

  private static V1Pod pod(int secondsAfterT0, V1ContainerStatus... containers) {
    return new V1Pod()
        .metadata(
            new V1ObjectMeta()
                .name("p" + secondsAfterT0)
                .creationTimestamp(T0.plusSeconds(secondsAfterT0)))
        .status(new V1PodStatus().phase("Failed").containerStatuses(List.of(containers)));
  }

  @Test
  void the_newest_pod_that_failed_gives_the_code_of_its_failing_container() {
    V1Pod first = pod(0, new V1ContainerStatus().name("main").state(exited(2)));
    V1Pod retried =
        pod(
            30,
            new V1ContainerStatus().name("sidecar").state(exited(0)),
            new V1ContainerStatus().name("main").state(exited(7)));

    assertThat(PodExitCodes.failed(List.of(retried, first))).isEqualTo(OptionalInt.of(7));
    assertThat(PodExitCodes.failed(List.of(first, retried))).isEqualTo(OptionalInt.of(7));
  }

  @Test
  void a_container_restarted_in_place_gives_the_code_of_its_last_termination() {
    V1Pod restarted =
        pod(
            0,
            new V1ContainerStatus()
                .name("main")
                .state(new V1ContainerState().running(new V1ContainerStateRunning()))
                .lastState(exited(137)));

    assertThat(PodExitCodes.failed(List.of(restarted))).isEqualTo(OptionalInt.of(137));
  }

  @Test
  void no_pods_or_no_nonzero_code_is_unknown() {
    assertThat(PodExitCodes.failed(List.of())).isEmpty();
    assertThat(PodExitCodes.failed(List.of(pod(0, new V1ContainerStatus().name("main")))))
        .isEmpty();
  }
}
