package io.nightshift.workflow;

import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Checks on a step's batch/v1 JobSpec. The spec is passed to Kubernetes as it is; these are the
 * mistakes worth catching at the door rather than at 2 a.m. when the Job is created.
 */
final class JobTemplates {

  private static final List<String> RESTART_POLICIES = List.of("Never", "OnFailure");

  private static final List<String> TEMPLATE_SPEC_FIELDS = List.of("metadata", "spec");
  private static final List<String> JOB_METADATA_FIELDS = List.of("labels", "annotations");

  private JobTemplates() {}

  /**
   * Checks a step's jobTemplate, in either of its forms: a JobSpec, or a JobTemplateSpec ({@code
   * metadata} with labels and annotations, and {@code spec}) as a CronJob has it.
   */
  static void validateTemplate(
      Map<String, Object> jobTemplate, String path, BiConsumer<String, String> report) {
    if (!Step.isTemplateSpec(jobTemplate)) {
      validate(jobTemplate, path, report);
      return;
    }
    for (String field : jobTemplate.keySet()) {
      if (!TEMPLATE_SPEC_FIELDS.contains(field)) {
        report.accept(
            Violation.pointer(path, field),
            "a jobTemplate with metadata or spec is a JobTemplateSpec, as a CronJob's"
                + " jobTemplate: put the JobSpec's fields under spec");
      }
    }
    Object metadata = jobTemplate.get("metadata");
    if (metadata != null) {
      jobMetadata(metadata, path + "/metadata", report);
    }
    Object spec = jobTemplate.get("spec");
    if (spec instanceof Map<?, ?> jobSpec) {
      validate(cast(jobSpec), path + "/spec", report);
    } else {
      report.accept(path + "/spec", spec == null ? "required" : "must be an object");
    }
  }

  /** A Job's metadata in a JobTemplateSpec: labels and annotations, as Kubernetes has them. */
  private static void jobMetadata(Object metadata, String path, BiConsumer<String, String> report) {
    if (!(metadata instanceof Map<?, ?> fields)) {
      report.accept(path, "must be an object");
      return;
    }
    for (Map.Entry<?, ?> field : fields.entrySet()) {
      String name = String.valueOf(field.getKey());
      String at = Violation.pointer(path, name);
      if (!JOB_METADATA_FIELDS.contains(name)) {
        report.accept(at, "only labels and annotations may be set on the Job; Nightshift names it");
      } else if (!(field.getValue() instanceof Map<?, ?> entries)) {
        report.accept(at, "must be an object");
      } else {
        for (Map.Entry<?, ?> entry : entries.entrySet()) {
          String key = String.valueOf(entry.getKey());
          String entryPath = Violation.pointer(at, key);
          Names.checkQualifiedName(key).ifPresent(message -> report.accept(entryPath, message));
          if (!(entry.getValue() instanceof String value)) {
            report.accept(entryPath, "must be a string");
          } else if (name.equals("labels")) {
            Names.checkLabelValue(value).ifPresent(message -> report.accept(entryPath, message));
          }
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }

  static void validate(
      Map<String, Object> jobSpec, String path, BiConsumer<String, String> report) {
    integer(jobSpec, "parallelism", 0, 10_000, path, report);
    integer(jobSpec, "completions", 1, 100_000, path, report);
    integer(jobSpec, "backoffLimit", 0, WorkflowValidator.MAX_BACKOFF_LIMIT, path, report);
    integer(
        jobSpec, "activeDeadlineSeconds", 1, WorkflowValidator.MAX_DEADLINE_SECONDS, path, report);
    integer(
        jobSpec,
        "ttlSecondsAfterFinished",
        0,
        WorkflowValidator.MAX_DEADLINE_SECONDS,
        path,
        report);
    Object template = jobSpec.get("template");
    if (!(template instanceof Map<?, ?> podTemplate)) {
      report.accept(path + "/template", template == null ? "required" : "must be an object");
      return;
    }
    Object podSpec = podTemplate.get("spec");
    String specPath = path + "/template/spec";
    if (!(podSpec instanceof Map<?, ?> spec)) {
      report.accept(specPath, podSpec == null ? "required" : "must be an object");
      return;
    }
    Object restartPolicy = spec.get("restartPolicy");
    if (restartPolicy != null && !RESTART_POLICIES.contains(restartPolicy)) {
      report.accept(
          specPath + "/restartPolicy",
          "\""
              + restartPolicy
              + "\" is not allowed in a Job: use Never (the default) or OnFailure");
    }
    Object containers = spec.get("containers");
    if (!(containers instanceof List<?> list) || list.isEmpty()) {
      report.accept(specPath + "/containers", "must list at least one container");
      return;
    }
    for (int i = 0; i < list.size(); i++) {
      String at = specPath + "/containers/" + i;
      if (!(list.get(i) instanceof Map<?, ?> container)) {
        report.accept(at, "must be an object");
        continue;
      }
      if (!(container.get("name") instanceof String name)) {
        report.accept(at + "/name", "required");
      } else {
        Names.checkDns1123Label(name, WorkflowValidator.MAX_DNS_LABEL_LENGTH)
            .ifPresent(message -> report.accept(at + "/name", message));
      }
      if (!(container.get("image") instanceof String)) {
        report.accept(at + "/image", "required");
      }
      if (container.get("env") instanceof List<?> env) {
        for (int j = 0; j < env.size(); j++) {
          if (env.get(j) instanceof Map<?, ?> variable
              && variable.get("name") instanceof String n) {
            String namePath = at + "/env/" + j + "/name";
            UnsafeEnvNames.check(n).ifPresent(message -> report.accept(namePath, message));
          }
        }
      }
    }
  }

  private static void integer(
      Map<String, Object> spec,
      String field,
      long min,
      long max,
      String path,
      BiConsumer<String, String> report) {
    Object value = spec.get(field);
    if (value == null) {
      return;
    }
    boolean integral = value instanceof Integer || value instanceof Long;
    if (!integral || ((Number) value).longValue() < min || ((Number) value).longValue() > max) {
      report.accept(
          path + "/" + field,
          "must be an integer between " + min + " and " + max + ", not " + value);
    }
  }
}
