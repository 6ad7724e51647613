package io.nightshift.executor.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Job;
import io.nightshift.executor.Executor;
import io.nightshift.workflow.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The batch/v1 Job of one attempt of a step (docs/architecture.md, "Executors"): built from the
 * step's shorthand, or its {@code jobTemplate} passed through as it is, with Nightshift's labels
 * and annotations on the Job and its pods and the injected {@code NIGHTSHIFT_*} env and parameters
 * on every container.
 */
public final class Jobs {

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGER = "nightshift";
  public static final String WORKFLOW = "nightshift.io/workflow";
  public static final String RUN = "nightshift.io/run";
  public static final String STEP = "nightshift.io/step";
  public static final String SCHEDULED_TIME = "nightshift.io/scheduled-time";
  public static final String ATTEMPT = "nightshift.io/attempt";

  /** Selects every Job Nightshift manages. */
  public static final String SELECTOR = MANAGED_BY + "=" + MANAGER;

  /** Keeps every value of a jobTemplate, empty ones too ({@code emptyDir: {}}). */
  private static final ObjectMapper TREE = new ObjectMapper();

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private Jobs() {}

  /**
   * The Job for {@code launch}.
   *
   * @throws IllegalArgumentException when the step's jobTemplate has a field Kubernetes' JobSpec
   *     does not know
   */
  public static V1Job of(Executor.Launch launch) {
    return of(launch, false);
  }

  /**
   * The Job for {@code launch}; with {@code hardened}, a shorthand step's pod gets the restricted
   * securityContext of the Pod Security Standards (non-root, the runtime's seccomp profile, no
   * privilege escalation, every capability dropped). A jobTemplate is never changed.
   *
   * @throws IllegalArgumentException when the step's jobTemplate has a field Kubernetes' JobSpec
   *     does not know
   */
  public static V1Job of(Executor.Launch launch, boolean hardened) {
    Step step = launch.step();
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, MANAGER);
    labels.put(WORKFLOW, launch.env().get("NIGHTSHIFT_WORKFLOW"));
    labels.put(RUN, launch.runId());
    labels.put(STEP, step.name());
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(SCHEDULED_TIME, launch.env().get("NIGHTSHIFT_SCHEDULED_TIME"));
    annotations.put(ATTEMPT, launch.env().get("NIGHTSHIFT_ATTEMPT"));

    Map<String, Object> spec =
        step.jobTemplate() != null ? copy(step.jobSpec()) : shorthand(step, hardened);
    Map<String, Object> template = child(spec, "template");
    Map<String, Object> podMetadata = child(template, "metadata");
    Map<String, Object> podLabels = child(podMetadata, "labels");
    podLabels.putAll(labels);
    Map<String, Object> podSpec = child(template, "spec");
    podSpec.putIfAbsent("restartPolicy", "Never");
    for (String kind : List.of("initContainers", "containers")) {
      if (podSpec.get(kind) instanceof List<?> containers) {
        for (Object container : containers) {
          if (container instanceof Map<?, ?> map) {
            injectEnv(cast(map), launch.env());
          }
        }
      }
    }

    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", launch.name());
    metadata.put("namespace", launch.namespace());
    metadata.put("labels", withOwn(step.jobLabels(), labels));
    metadata.put("annotations", withOwn(step.jobAnnotations(), annotations));
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("apiVersion", "batch/v1");
    job.put("kind", "Job");
    job.put("metadata", metadata);
    job.put("spec", spec);
    try {
      return JSON.deserialize(TREE.writeValueAsString(job), V1Job.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    } catch (RuntimeException e) {
      // client-java refuses a field its model does not know, naming it.
      throw new IllegalArgumentException(
          "the jobTemplate is not a batch/v1 JobSpec: " + e.getMessage(), e);
    }
  }

  /** The Job's labels or annotations from its JobTemplateSpec, with Nightshift's over them. */
  private static Map<String, String> withOwn(Map<String, String> given, Map<String, String> own) {
    Map<String, String> all = new LinkedHashMap<>(given);
    all.putAll(own);
    return all;
  }

  /** Whether {@code job} is the attempt of this run's step, not a namesake. */
  public static boolean belongsTo(V1Job job, String runId, String step) {
    Map<String, String> labels =
        job.getMetadata() == null || job.getMetadata().getLabels() == null
            ? Map.of()
            : job.getMetadata().getLabels();
    return MANAGER.equals(labels.get(MANAGED_BY))
        && runId.equals(labels.get(RUN))
        && step.equals(labels.get(STEP));
  }

  private static Map<String, Object> shorthand(Step step, boolean hardened) {
    Map<String, Object> container = new LinkedHashMap<>();
    container.put("name", step.name());
    container.put("image", step.image());
    container.put("command", orNull(step.command()));
    container.put("args", orNull(step.args()));
    container.put(
        "env", orNull(step.env()) == null ? null : TREE.convertValue(step.env(), List.class));
    container.put(
        "resources",
        step.resources() == null ? null : TREE.convertValue(step.resources(), Map.class));
    container.values().removeIf(value -> value == null);
    Map<String, Object> podSpec = new LinkedHashMap<>();
    podSpec.put("restartPolicy", "Never");
    if (hardened) {
      podSpec.put(
          "securityContext",
          Map.of("runAsNonRoot", true, "seccompProfile", Map.of("type", "RuntimeDefault")));
      container.put(
          "securityContext",
          Map.of(
              "allowPrivilegeEscalation", false, "capabilities", Map.of("drop", List.of("ALL"))));
    }
    if (step.serviceAccountName() != null) {
      podSpec.put("serviceAccountName", step.serviceAccountName());
    }
    podSpec.put("containers", new ArrayList<>(List.of(container)));
    Map<String, Object> template = new LinkedHashMap<>();
    template.put("spec", podSpec);
    Map<String, Object> spec = new LinkedHashMap<>();
    if (step.backoffLimit() != null) {
      spec.put("backoffLimit", step.backoffLimit());
    }
    if (step.activeDeadlineSeconds() != null) {
      spec.put("activeDeadlineSeconds", step.activeDeadlineSeconds());
    }
    spec.put("template", template);
    return spec;
  }

  /**
   * Sets the injected variables on a container, replacing a variable of the same name the
   * definition gave: what Nightshift injects is what the step can rely on.
   */
  private static void injectEnv(Map<String, Object> container, Map<String, String> injected) {
    List<Object> env = new ArrayList<>();
    if (container.get("env") instanceof List<?> existing) {
      for (Object variable : existing) {
        if (!(variable instanceof Map<?, ?> map && injected.containsKey(map.get("name")))) {
          env.add(variable);
        }
      }
    }
    injected.forEach(
        (name, value) -> {
          Map<String, Object> variable = new LinkedHashMap<>();
          variable.put("name", name);
          variable.put("value", value);
          env.add(variable);
        });
    container.put("env", env);
  }

  private static <T> List<T> orNull(List<T> list) {
    return list == null || list.isEmpty() ? null : list;
  }

  private static Map<String, Object> copy(Map<String, Object> tree) {
    return TREE.convertValue(tree, MAP);
  }

  private static Map<String, Object> child(Map<String, Object> parent, String name) {
    Object child = parent.get(name);
    if (child instanceof Map<?, ?> map) {
      return cast(map);
    }
    Map<String, Object> created = new LinkedHashMap<>();
    parent.put(name, created);
    return created;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }
}
