package io.nightshift.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * Object metadata. {@code uid}, {@code generation} and {@code creationTimestamp} are set by the
 * server and ignored on input, so that what a GET returns can be PUT back as it is; {@code
 * resourceVersion}, when given on input, must match the stored one (optimistic concurrency).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkflowMetadata(
    String name,
    String namespace,
    Map<String, String> labels,
    Map<String, String> annotations,
    String uid,
    String resourceVersion,
    Long generation,
    Instant creationTimestamp) {

  public WorkflowMetadata {
    labels = Immutable.map(labels);
    annotations = Immutable.map(annotations);
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
