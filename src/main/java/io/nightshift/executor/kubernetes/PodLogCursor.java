package io.nightshift.executor.kubernetes;

import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Pod;
import io.nightshift.executor.LogCursor;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Follows the logs of a Job's pods by polling: each {@link #next} lists the pods and reads the log
 * of every container still running (or just ended), and returns the part not returned before, as
 * {@code tail -f} does with several files: a {@code ==> pod <name> <==} header (with {@code
 * container <name>} when the pod has several) whenever the output switches to another container.
 * Only whole lines are returned while a container runs, so a header never splits a line.
 *
 * <p>Why poll rather than the API server's {@code follow=true} stream: a followed stream breaks (an
 * API server or kubelet restart, a proxy's timeout) and is then reopened from the start or from a
 * timestamp, which either sends lines twice or loses some; a Job's pods come and go (retries,
 * parallelism), each needing its own stream; and the fake API server of the tests cannot stream
 * logs. Reading the log again and sending only what lies past the last byte sent gives every line
 * exactly once and in order, at the cost of two requests (the list and the log) a poll per running
 * container, through the node's rate limit. A log that is shorter than what was sent, or that no
 * longer begins as it did (the container restarted, or the kubelet rotated its log), is sent again
 * from its start under a new header.
 */
final class PodLogCursor implements LogCursor {

  /** What the cursor reads from the API server. */
  interface Cluster {
    /** The Job's pods; throws when the API server cannot say. */
    List<V1Pod> pods();

    /**
     * The log of one container of a pod ({@code container} null for a pod's only one); empty when
     * there is none (the pod is gone, or its container has not started); throws when the API server
     * cannot say now.
     */
    Optional<String> log(String pod, String container);
  }

  /** A namespace Nightshift may not read: no pods, so nothing to follow. */
  static final Cluster NO_PODS =
      new Cluster() {
        @Override
        public List<V1Pod> pods() {
          return List.of();
        }

        @Override
        public Optional<String> log(String pod, String container) {
          return Optional.empty();
        }
      };

  /** How many bytes at its start identify a container's log, to tell it from a restarted one. */
  private static final int MARK = 256;

  private static final byte[] NOTHING = new byte[0];

  private final Cluster cluster;
  private final OptionalInt tailLines;
  private final long maxBytes;
  private final Map<Source, Progress> progress = new HashMap<>();
  private boolean firstPoll = true;
  private boolean finished;
  private long omitted;
  private Source last;

  PodLogCursor(Cluster cluster, OptionalInt tailLines, long maxBytes) {
    this.cluster = cluster;
    this.tailLines = tailLines;
    this.maxBytes = maxBytes;
  }

  /** One container of one pod; {@code container} null when it is the pod's only one. */
  private record Source(String pod, String container) {
    String header() {
      return "==> pod " + pod + (container == null ? "" : " container " + container) + " <==\n";
    }
  }

  /** How far a container's log was sent, and how it began, to notice a new log in its place. */
  private static final class Progress {
    final boolean tailed;
    boolean positioned;
    boolean done;
    long offset;
    byte[] mark = NOTHING;
    int markAt;

    Progress(boolean tailed) {
      this.tailed = tailed;
    }
  }

  private enum State {
    WAITING,
    RUNNING,
    TERMINATED
  }

  @Override
  public byte[] next() {
    List<V1Pod> pods;
    try {
      pods = new ArrayList<>(cluster.pods());
    } catch (RuntimeException unavailable) {
      finished = false;
      return NOTHING; // asked again at the next poll
    }
    pods.sort(Comparator.comparing(PodLogCursor::created).thenComparing(PodLogCursor::name));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean allStopped = true;
    for (V1Pod pod : pods) {
      for (String container : containers(pod)) {
        Source source = new Source(name(pod), container);
        Progress seen = progress.computeIfAbsent(source, key -> new Progress(firstPoll));
        if (seen.done) {
          continue;
        }
        // Read from the list, before the log: a container seen ended has its whole log read next.
        State state = state(pod, container);
        if (state == State.WAITING) {
          allStopped = false;
          continue;
        }
        try {
          read(source, seen, state, out);
          seen.done = state == State.TERMINATED;
          allStopped &= seen.done;
        } catch (RuntimeException unavailable) {
          allStopped = false; // read again at the next poll
        }
      }
    }
    firstPoll = false;
    finished = allStopped;
    return out.toByteArray();
  }

  /** Sends what the container's log holds past what was sent: nothing when it has no log. */
  private void read(Source source, Progress seen, State state, ByteArrayOutputStream out) {
    Optional<String> text = cluster.log(source.pod(), source.container());
    if (text.isEmpty()) {
      return;
    }
    byte[] log = text.get().getBytes(StandardCharsets.UTF_8);
    boolean restarted = position(seen, log);
    boolean ended = state == State.TERMINATED;
    int end = ended ? log.length : lineEnd(log, (int) seen.offset);
    if (end > seen.offset) {
      if (restarted || !source.equals(last)) {
        out.writeBytes(source.header().getBytes(StandardCharsets.UTF_8));
      }
      out.write(log, (int) seen.offset, end - (int) seen.offset);
      if (ended && log[end - 1] != '\n') {
        out.write('\n');
      }
      seen.offset = end;
      last = source;
    }
  }

  /**
   * Places the first read of a container's log (its last lines and the cap apply to the logs there
   * are when following starts, not to those that start later), and notices a log that is not the
   * one read before. Returns true when it starts again from the beginning.
   */
  private boolean position(Progress seen, byte[] log) {
    if (!seen.positioned) {
      seen.positioned = true;
      if (seen.tailed) {
        seen.offset = windowStart(log, tailLines, maxBytes);
        omitted += windowOmitted(log, seen.offset, tailLines, maxBytes);
      }
      seen.markAt = (int) seen.offset;
      seen.mark = Arrays.copyOfRange(log, seen.markAt, Math.min(log.length, seen.markAt + MARK));
      return false;
    }
    boolean same =
        log.length >= seen.offset
            && log.length >= seen.markAt + seen.mark.length
            && Arrays.equals(
                log, seen.markAt, seen.markAt + seen.mark.length, seen.mark, 0, seen.mark.length);
    if (!same) {
      seen.offset = 0;
      seen.markAt = 0;
      seen.mark = Arrays.copyOfRange(log, 0, Math.min(log.length, MARK));
      return true;
    }
    if (seen.mark.length < MARK) {
      seen.mark = Arrays.copyOfRange(log, seen.markAt, Math.min(log.length, seen.markAt + MARK));
    }
    return false;
  }

  /** Where the last whole line before the end of {@code log} ends, from {@code from}. */
  private static int lineEnd(byte[] log, int from) {
    for (int i = log.length - 1; i >= from; i--) {
      if (log[i] == '\n') {
        return i + 1;
      }
    }
    return from;
  }

  /**
   * Where an answer of the last {@code tailLines} lines of {@code log} (all when empty) starts, at
   * most its last {@code maxBytes} bytes, from the first line that starts in them.
   */
  static int windowStart(byte[] log, OptionalInt tailLines, long maxBytes) {
    int start = tailLines.isPresent() ? tailStart(log, tailLines.getAsInt()) : 0;
    long floor = Math.max(0, log.length - maxBytes);
    if (start >= floor) {
      return start;
    }
    int cut = (int) floor;
    if (log[cut - 1] == '\n') {
      return cut;
    }
    for (int i = cut; i < log.length - 1; i++) {
      if (log[i] == '\n') {
        return i + 1;
      }
    }
    return cut; // one line longer than the cap: cut within it
  }

  /** How many bytes before {@code start} the cap, not {@code tailLines}, left out. */
  private static long windowOmitted(byte[] log, long start, OptionalInt tailLines, long maxBytes) {
    int tailed = tailLines.isPresent() ? tailStart(log, tailLines.getAsInt()) : 0;
    return start > tailed ? start : 0;
  }

  /** Where the last {@code lines} lines begin; a final newline ends the last line. */
  private static int tailStart(byte[] log, int lines) {
    if (lines == 0) {
      return log.length;
    }
    int end = log.length > 0 && log[log.length - 1] == '\n' ? log.length - 1 : log.length;
    int found = 0;
    for (int i = end - 1; i >= 0; i--) {
      if (log[i] == '\n' && ++found == lines) {
        return i + 1;
      }
    }
    return 0;
  }

  /** The pod's containers as sources: one unnamed when it has one, each by name otherwise. */
  private static List<String> containers(V1Pod pod) {
    List<V1Container> containers =
        pod.getSpec() == null || pod.getSpec().getContainers() == null
            ? List.of()
            : pod.getSpec().getContainers();
    if (containers.size() <= 1) {
      return java.util.Collections.singletonList(null);
    }
    return containers.stream().map(V1Container::getName).toList();
  }

  private static State state(V1Pod pod, String container) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
      return State.TERMINATED;
    }
    Optional<V1ContainerStatus> status = status(pod, container);
    if (status.isPresent() && status.get().getState() != null) {
      if (status.get().getState().getTerminated() != null) {
        return State.TERMINATED;
      }
      if (status.get().getState().getRunning() != null) {
        return State.RUNNING;
      }
      return State.WAITING;
    }
    return "Running".equals(phase) ? State.RUNNING : State.WAITING;
  }

  private static Optional<V1ContainerStatus> status(V1Pod pod, String container) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    List<V1ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
    if (container == null) {
      return statuses.stream().findFirst();
    }
    return statuses.stream().filter(s -> container.equals(s.getName())).findFirst();
  }

  private static OffsetDateTime created(V1Pod pod) {
    return pod.getMetadata() == null || pod.getMetadata().getCreationTimestamp() == null
        ? OffsetDateTime.MIN
        : pod.getMetadata().getCreationTimestamp();
  }

  private static String name(V1Pod pod) {
    return pod.getMetadata() == null ? "" : pod.getMetadata().getName();
  }

  @Override
  public boolean finished() {
    return finished;
  }

  @Override
  public long omittedBytes() {
    return omitted;
  }

  @Override
  public void close() {
    // nothing held between polls
  }
}
