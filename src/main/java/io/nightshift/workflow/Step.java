package io.nightshift.workflow;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One step: either the shorthand ({@code image}, {@code command}, …) or a full batch/v1 {@code
 * jobTemplate} JobSpec, which is passed through as it is.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Step(
    String name,
    List<String> dependsOn,
    When when,
    Integer retries,
    String image,
    List<String> command,
    List<String> args,
    List<EnvVar> env,
    ResourceRequirements resources,
    Integer backoffLimit,
    Long activeDeadlineSeconds,
    String serviceAccountName,
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
