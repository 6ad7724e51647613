package io.nightshift.workflow;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * Object metadata. {@code uid}, {@code generation} and {@code creationTimestamp} are set by the
 * server and ignored on input, so that what a GET returns can be PUT back as it is; {@code
 * resourceVersion}, when given on input, must match the stored one (optimistic concurrency).
 *
 * @param name a DNS-1123 label of at most 52 characters; the URL's when left out
 * @param namespace where its Jobs run, a DNS-1123 label; the URL's when left out
 * @param labels Kubernetes labels
 * @param annotations Kubernetes annotations
 * @param uid set by the server
 * @param resourceVersion set by the server, counts every change; on input, must match the stored
 *     one
 * @param generation set by the server, counts changes of the spec
 * @param creationTimestamp set by the server
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkflowMetadata(
    @Nullable String name,
    @Nullable String namespace,
    @Nullable Map<String, String> labels,
    @Nullable Map<String, String> annotations,
    @Nullable String uid,
    @Nullable String resourceVersion,
    @Nullable Long generation,
    @Nullable Instant creationTimestamp) {

  /**
   * An annotation holding the last scheduled time the workflow's source (a CronJob it was imported
   * from) already ran, as RFC 3339: the schedule never fires that time or an earlier one, so a
   * cut-over runs no time twice.
   */
  public static final String LAST_SCHEDULE_TIME = "nightshift.io/last-schedule-time";

  public WorkflowMetadata {
    labels = Immutable.map(labels);
    annotations = Immutable.map(annotations);
  }

  /**
   * The {@value #LAST_SCHEDULE_TIME} annotation; empty when there is none.
   *
   * @throws DateTimeParseException when it is not an RFC 3339 time
   */
  @JsonIgnore
  public Optional<Instant> lastScheduleTime() {
    String value = annotations == null ? null : annotations.get(LAST_SCHEDULE_TIME);
    return value == null ? Optional.empty() : Optional.of(OffsetDateTime.parse(value).toInstant());
  }

  /** The part of the metadata a user defines; the server-set fields are dropped. */
  public WorkflowMetadata userFields() {
    return new WorkflowMetadata(name, namespace, labels, annotations, null, null, null, null);
  }

  public WorkflowMetadata withServerFields(
      String uid, long resourceVersion, long generation, Instant creationTimestamp) {
    return new WorkflowMetadata(
        name,
        namespace,
        labels,
        annotations,
        uid,
        Long.toString(resourceVersion),
        generation,
        creationTimestamp);
  }

  public WorkflowMetadata withName(String name, String namespace) {
    return new WorkflowMetadata(
        name, namespace, labels, annotations, uid, resourceVersion, generation, creationTimestamp);
  }
}
