package io.nightshift.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;

/** A container environment variable, as in a Kubernetes container spec. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnvVar(String name, @Nullable String value, @Nullable EnvVarSource valueFrom) {

  /** Where an env value comes from: exactly one of the four sources. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record EnvVarSource(
      @Nullable KeySelector secretKeyRef,
      @Nullable KeySelector configMapKeyRef,
      @Nullable FieldSelector fieldRef,
      @Nullable ResourceFieldSelector resourceFieldRef) {}

  /** A key of a Secret or ConfigMap. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record KeySelector(String name, String key, @Nullable Boolean optional) {}

  /** A field of the pod, e.g. {@code metadata.name}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record FieldSelector(String fieldPath, @Nullable String apiVersion) {}

  /** A resource of a container, e.g. {@code limits.memory}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ResourceFieldSelector(
      @Nullable String containerName, String resource, @Nullable String divisor) {}
}
