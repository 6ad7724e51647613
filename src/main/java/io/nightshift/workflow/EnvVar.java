package io.nightshift.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A container environment variable, as in a Kubernetes container spec. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnvVar(String name, String value, EnvVarSource valueFrom) {

  /** Where an env value comes from: exactly one of the four sources. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record EnvVarSource(
      KeySelector secretKeyRef,
      KeySelector configMapKeyRef,
      FieldSelector fieldRef,
      ResourceFieldSelector resourceFieldRef) {}

  /** A key of a Secret or ConfigMap. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record KeySelector(String name, String key, Boolean optional) {}

  /** A field of the pod, e.g. {@code metadata.name}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record FieldSelector(String fieldPath, String apiVersion) {}

  /** A resource of a container, e.g. {@code limits.memory}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ResourceFieldSelector(String containerName, String resource, String divisor) {}
}
