package io.nightshift.executor.kubernetes;

import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** The exit codes a Job's pods report in their containers' statuses. */
final class PodExitCodes {

  private PodExitCodes() {}

  /**
   * The code a failed Job exited with: the first nonzero terminated code of the newest pod that has
   * one (the Job's last attempt), its containers before its init containers, each one's current
   * state before its last (a container restarted under {@code restartPolicy: OnFailure}). Empty
   * when no container exited nonzero: the pods were deleted, or killed before they ran.
   */
  static OptionalInt failed(List<V1Pod> pods) {
    List<V1Pod> newestFirst = new ArrayList<>(pods);
    newestFirst.sort(Comparator.comparing(PodExitCodes::created).reversed());
    for (V1Pod pod : newestFirst) {
      for (V1ContainerStatus container : statuses(pod)) {
        for (V1ContainerState state : states(container)) {
          OptionalInt code = nonzero(state);
          if (code.isPresent()) {
            return code;
          }
        }
      }
    }
    return OptionalInt.empty();
  }

  private static List<V1ContainerState> states(V1ContainerStatus container) {
    List<V1ContainerState> states = new ArrayList<>(2);
    Optional.ofNullable(container.getState()).ifPresent(states::add);
    Optional.ofNullable(container.getLastState()).ifPresent(states::add);
    return states;
  }

  private static OptionalInt nonzero(V1ContainerState state) {
    if (state.getTerminated() == null) {
      return OptionalInt.empty();
    }
    Integer code = state.getTerminated().getExitCode();
    return code == null || code == 0 ? OptionalInt.empty() : OptionalInt.of(code);
  }

  private static List<V1ContainerStatus> statuses(V1Pod pod) {
    List<V1ContainerStatus> statuses = new ArrayList<>();
    if (pod.getStatus() != null) {
      Optional.ofNullable(pod.getStatus().getContainerStatuses()).ifPresent(statuses::addAll);
      Optional.ofNullable(pod.getStatus().getInitContainerStatuses()).ifPresent(statuses::addAll);
    }
    return statuses;
  }

  private static OffsetDateTime created(V1Pod pod) {
    return pod.getMetadata() == null || pod.getMetadata().getCreationTimestamp() == null
        ? OffsetDateTime.MIN
        : pod.getMetadata().getCreationTimestamp();
  }
}
