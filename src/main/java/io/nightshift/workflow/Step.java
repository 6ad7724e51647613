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
 * jobTemplate} JobSpec, which is passed through as it is.
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
 * @param jobTemplate a full batch/v1 JobSpec instead of the shorthand, passed through as it is
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

  private static void putIfSet(Map<String, Object> set, String field, Object value) {
    if (value != null) {
      set.put(field, value);
    }
  }
}
