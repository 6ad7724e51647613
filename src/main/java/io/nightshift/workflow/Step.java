package io.nightshift.workflow;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One step: either the shorthand ({@code image}, {@code command}, …) or a full batch/v1 {@code
 * jobTemplate}, which is passed through as it is. A jobTemplate is written either as a JobSpec or
 * as a JobTemplateSpec ({@code metadata} with the Job's labels and annotations, and {@code spec}),
 * the form a CronJob's {@code jobTemplate} has, so that one can be pasted as it is.
 *
 * @param name a DNS-1123 label, unique in the workflow
 * @param dependsOn the steps that must end before this one starts
 * @param when which outcome of its parents lets it run (default succeeded)
 * @param retries how often a failed step is launched again, as a new Job (0 to 10, default 0)
 * @param image shorthand: the container's image
 * @param command shorthand: the container's command
 * @param args shorthand: the container's arguments
 * @param env shorthand: the container's environment
 * @param resources shorthand: the container's requests and limits
 * @param backoffLimit shorthand: the Job's backoffLimit (0 to 100)
 * @param activeDeadlineSeconds shorthand: the step's deadline (1 to 2592000)
 * @param serviceAccountName shorthand: the pod's service account
 * @param jobTemplate a full batch/v1 JobSpec, or a JobTemplateSpec ({@code metadata}, {@code
 *     spec}), instead of the shorthand, passed through as it is
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Step(
    String name,
    @Nullable List<String> dependsOn,
    @Nullable When when,
    @Nullable Integer retries,
    @Nullable String image,
    @Nullable List<String> command,
    @Nullable List<String> args,
    @Nullable List<EnvVar> env,
    @Nullable ResourceRequirements resources,
    @Nullable Integer backoffLimit,
    @Nullable Long activeDeadlineSeconds,
    @Nullable String serviceAccountName,
    @Nullable @Schema(additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
        Map<String, Object> jobTemplate) {

  public Step {
    dependsOn = dependsOn == null ? List.of() : Immutable.list(dependsOn);
    when = when == null ? When.SUCCEEDED : when;
    retries = retries == null ? 0 : retries;
    command = Immutable.list(command);
    args = Immutable.list(args);
    env = Immutable.list(env);
    jobTemplate = Immutable.tree(jobTemplate);
  }

  /** The shorthand fields that are set, by name, in declaration order. */
  @JsonIgnore
  public Map<String, Object> shorthandFields() {
    Map<String, Object> set = new LinkedHashMap<>();
    putIfSet(set, "image", image);
    putIfSet(set, "command", command);
    putIfSet(set, "args", args);
    putIfSet(set, "env", env);
    putIfSet(set, "resources", resources);
    putIfSet(set, "backoffLimit", backoffLimit);
    putIfSet(set, "activeDeadlineSeconds", activeDeadlineSeconds);
    putIfSet(set, "serviceAccountName", serviceAccountName);
    return set;
  }

  /**
   * Whether {@code jobTemplate} is written as a JobTemplateSpec ({@code metadata}, {@code spec}) as
   * a CronJob's is, rather than as a JobSpec: a JobSpec has neither field.
   */
  public static boolean isTemplateSpec(Map<String, Object> jobTemplate) {
    return jobTemplate.containsKey("spec") || jobTemplate.containsKey("metadata");
  }

  /**
   * The JobSpec of a jobTemplate step (its {@code spec} in the JobTemplateSpec form); else null.
   */
  @JsonIgnore
  public @Nullable Map<String, Object> jobSpec() {
    if (jobTemplate == null || !isTemplateSpec(jobTemplate)) {
      return jobTemplate;
    }
    return jobTemplate.get("spec") instanceof Map<?, ?> spec ? cast(spec) : Map.of();
  }

  /** Where {@link #jobSpec()} is, as a JSON pointer below the step. */
  @JsonIgnore
  public String jobSpecPointer() {
    return jobTemplate != null && isTemplateSpec(jobTemplate)
        ? "/jobTemplate/spec"
        : "/jobTemplate";
  }

  /**
   * The Job's own labels, from a JobTemplateSpec's metadata; values that are not text are left out.
   */
  @JsonIgnore
  public Map<String, String> jobLabels() {
    return jobMetadata("labels");
  }

  /** The Job's own annotations, from a JobTemplateSpec's metadata. */
  @JsonIgnore
  public Map<String, String> jobAnnotations() {
    return jobMetadata("annotations");
  }

  private Map<String, String> jobMetadata(String field) {
    Map<String, String> values = new LinkedHashMap<>();
    if (jobTemplate != null
        && jobTemplate.get("metadata") instanceof Map<?, ?> metadata
        && metadata.get(field) instanceof Map<?, ?> map) {
      map.forEach(
          (key, value) -> {
            if (key instanceof String k && value instanceof String v) {
              values.put(k, v);
            }
          });
    }
    return values;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }

  private static void putIfSet(Map<String, Object> set, String field, Object value) {
    if (value != null) {
      set.put(field, value);
    }
  }
}
