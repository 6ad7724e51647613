package io.nightshift.cronjob;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nightshift.workflow.DefinitionCodec;
import io.nightshift.workflow.Violation;
import io.nightshift.workflow.Workflow;
import io.nightshift.workflow.WorkflowMetadata;
import io.nightshift.workflow.WorkflowValidator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one Kubernetes CronJob becomes as a Nightshift workflow (docs/migrating-from-cronjob.md has
 * the table of every field). The CronJob's schedule, zone, policies and history limits carry over;
 * its whole {@code jobTemplate} becomes the one step's jobTemplate, as it is, so that the Job a run
 * launches has the pod the CronJob would have made. The workflow is checked by the server's own
 * parser and validator; the target namespace's Job policy is the server's to check.
 *
 * <p>Pure: the same CronJob and options always give the same workflow, so importing twice finds
 * nothing to change.
 */
public final class CronJobMapping {

  /** On a workflow: the CronJob it was imported from, as {@code cronjob/<ns>/<name>}. */
  public static final String IMPORTED_FROM = "nightshift.io/imported-from";

  /** On a workflow: the uid of the CronJob it was imported from. */
  public static final String IMPORTED_UID = "nightshift.io/imported-uid";

  /**
   * On a CronJob: the workflow it was moved to, as {@code workflow/<ns>/<name>}; set with {@code
   * spec.suspend: true} by a cut-over, and only then, so a rollback resumes exactly these.
   */
  public static final String MIGRATED_TO = "nightshift.io/migrated-to";

  /** The name of the one step a CronJob becomes. */
  public static final String STEP = "job";

  /** kubectl's copy of the whole object it applied: noise on a workflow, and large. */
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private static final Set<String> SPEC_FIELDS =
      Set.of(
          "schedule",
          "timeZone",
          "startingDeadlineSeconds",
          "concurrencyPolicy",
          "suspend",
          "jobTemplate",
          "successfulJobsHistoryLimit",
          "failedJobsHistoryLimit");

  /** Server-set metadata of a CronJob, dropped without a word. */
  private static final Set<String> SERVER_METADATA =
      Set.of(
          "uid",
          "resourceVersion",
          "generation",
          "creationTimestamp",
          "managedFields",
          "selfLink",
          "deletionTimestamp",
          "deletionGracePeriodSeconds");

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /**
   * How the import fills what a CronJob leaves to its cluster.
   *
   * @param defaultNamespace the namespace of a CronJob whose metadata has none
   * @param defaultTimeZone the zone of a CronJob with none (Kubernetes used
   *     kube-controller-manager's)
   */
  public record Options(String defaultNamespace, String defaultTimeZone) {}

  /**
   * A CronJob as the import found it, and what it becomes.
   *
   * @param kind the document's kind; anything but a CronJob is skipped
   * @param workflow the workflow, when it can be imported as it is (no problems)
   * @param warnings what the user should know but need not fix
   * @param problems why it cannot be imported as it is, each naming the CronJob's field
   * @param uid the CronJob's uid, when the document has one
   * @param suspended whether the CronJob is suspended now
   * @param lastScheduleTime {@code status.lastScheduleTime}, when the document has one
   * @param activeJobs how many Jobs {@code status.active} lists: started, and left alone
   * @param migratedTo the {@value #MIGRATED_TO} annotation, when a cut-over set it
   */
  public record Mapped(
      String kind,
      String namespace,
      String name,
      Optional<ObjectNode> workflow,
      List<String> warnings,
      List<String> problems,
      Optional<String> uid,
      boolean suspended,
      Optional<Instant> lastScheduleTime,
      int activeJobs,
      Optional<String> migratedTo) {

    public boolean isCronJob() {
      return "CronJob".equals(kind);
    }

    /** {@code <namespace>/<name>}. */
    public String source() {
      return namespace + "/" + name;
    }

    /** The value of {@value #IMPORTED_FROM} on the workflow it becomes. */
    public String importedFrom() {
      return "cronjob/" + namespace + "/" + name;
    }
  }

  private final Options options;
  private final DefinitionCodec codec = new DefinitionCodec();
  private final WorkflowValidator validator = new WorkflowValidator();

  public CronJobMapping(Options options) {
    this.options = options;
  }

  /** What {@code cronJob} (a parsed manifest or API object) becomes. */
  public Mapped map(JsonNode cronJob) {
    String kind = cronJob.path("kind").asText("");
    String namespace = text(cronJob, "/metadata/namespace").orElse(options.defaultNamespace());
    String name = text(cronJob, "/metadata/name").orElse("");
    Optional<String> uid = text(cronJob, "/metadata/uid");
    Optional<String> migratedTo = text(cronJob, "/metadata/annotations/" + escape(MIGRATED_TO));
    boolean suspended = cronJob.at("/spec/suspend").asBoolean(false);
    int activeJobs = cronJob.at("/status/active").size();
    List<String> warnings = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Optional<Instant> lastScheduleTime = Optional.empty();
    Optional<String> last = text(cronJob, "/status/lastScheduleTime");
    if (last.isPresent()) {
      try {
        lastScheduleTime = Optional.of(OffsetDateTime.parse(last.get()).toInstant());
      } catch (DateTimeParseException e) {
        problems.add("/status/lastScheduleTime: not an RFC 3339 time: " + last.get());
      }
    }
    if (!kind.equals("CronJob")) {
      return new Mapped(
          kind,
          namespace,
          name,
          Optional.empty(),
          List.of(),
          List.of(),
          uid,
          suspended,
          lastScheduleTime,
          activeJobs,
          migratedTo);
    }
    ObjectNode workflow = workflow(cronJob, namespace, name, lastScheduleTime, warnings, problems);
    if (problems.isEmpty()) {
      problems.addAll(validate(workflow));
    }
    if (activeJobs > 0) {
      warnings.add(
          activeJobs
              + (activeJobs == 1 ? " Job" : " Jobs")
              + " the CronJob started "
              + (activeJobs == 1 ? "is" : "are")
              + " still running; left alone");
    }
    managedElsewhere(cronJob).ifPresent(warnings::add);
    return new Mapped(
        kind,
        namespace,
        name,
        problems.isEmpty() ? Optional.of(workflow) : Optional.empty(),
        List.copyOf(warnings),
        List.copyOf(problems),
        uid,
        suspended,
        lastScheduleTime,
        activeJobs,
        migratedTo);
  }

  private ObjectNode workflow(
      JsonNode cronJob,
      String namespace,
      String name,
      Optional<Instant> lastScheduleTime,
      List<String> warnings,
      List<String> problems) {
    String apiVersion = cronJob.path("apiVersion").asText("");
    if (apiVersion.equals("batch/v1beta1")) {
      warnings.add("apiVersion batch/v1beta1 read as batch/v1 (the same fields)");
    } else if (!apiVersion.equals("batch/v1")) {
      problems.add("/apiVersion: " + apiVersion + " is not batch/v1");
    }
    if (name.isEmpty()) {
      problems.add("/metadata/name: required");
    }
    JsonNode spec = cronJob.path("spec");
    for (Iterator<String> fields = spec.fieldNames(); fields.hasNext(); ) {
      String field = fields.next();
      if (!SPEC_FIELDS.contains(field)) {
        warnings.add("/spec/" + field + " is not a CronJob field Nightshift knows; not imported");
      }
    }

    ObjectNode workflow = NODES.objectNode();
    workflow.put("apiVersion", Workflow.API_VERSION);
    workflow.put("kind", Workflow.KIND);
    workflow.set("metadata", metadata(cronJob, namespace, name, lastScheduleTime));

    ObjectNode target = NODES.objectNode();
    Optional<Schedules.Schedule> schedule =
        Schedules.read(text(spec, "/schedule").orElse(null), text(spec, "/timeZone"), problems);
    if (schedule.isPresent()) {
      target.put("schedule", schedule.get().cron());
      if (schedule.get().zone().isPresent()) {
        target.put("timeZone", schedule.get().zone().get());
      } else {
        target.put("timeZone", options.defaultTimeZone());
        warnings.add(
            "no timeZone: Kubernetes used kube-controller-manager's zone, which the import cannot"
                + " know; "
                + options.defaultTimeZone()
                + " is assumed (--default-time-zone)");
      }
    }
    copy(spec, "concurrencyPolicy", target, "concurrencyPolicy");
    copy(spec, "startingDeadlineSeconds", target, "startingDeadlineSeconds");
    boolean suspended = spec.path("suspend").asBoolean(false);
    boolean suspendedByImport =
        text(cronJob, "/metadata/annotations/" + escape(MIGRATED_TO)).isPresent();
    if (suspended && !suspendedByImport) {
      target.put("suspend", true);
    }
    copy(spec, "successfulJobsHistoryLimit", target, "successfulRunsHistoryLimit");
    copy(spec, "failedJobsHistoryLimit", target, "failedRunsHistoryLimit");
    ArrayNode steps = target.putArray("steps");
    ObjectNode step = steps.addObject();
    step.put("name", STEP);
    JsonNode jobTemplate = spec.path("jobTemplate");
    if (jobTemplate.isObject()) {
      step.set("jobTemplate", jobTemplate(jobTemplate, warnings));
    } else {
      problems.add("/spec/jobTemplate: required");
    }
    workflow.set("spec", target);
    return workflow;
  }

  private ObjectNode metadata(
      JsonNode cronJob, String namespace, String name, Optional<Instant> lastScheduleTime) {
    ObjectNode metadata = NODES.objectNode();
    metadata.put("name", name);
    metadata.put("namespace", namespace);
    JsonNode labels = cronJob.at("/metadata/labels");
    if (labels.isObject() && !labels.isEmpty()) {
      metadata.set("labels", labels.deepCopy());
    }
    ObjectNode annotations = NODES.objectNode();
    cronJob
        .at("/metadata/annotations")
        .fields()
        .forEachRemaining(
            entry -> {
              if (!entry.getKey().equals(LAST_APPLIED) && !entry.getKey().equals(MIGRATED_TO)) {
                annotations.set(entry.getKey(), entry.getValue().deepCopy());
              }
            });
    annotations.put(IMPORTED_FROM, "cronjob/" + namespace + "/" + name);
    text(cronJob, "/metadata/uid").ifPresent(uid -> annotations.put(IMPORTED_UID, uid));
    lastScheduleTime.ifPresent(
        time -> annotations.put(WorkflowMetadata.LAST_SCHEDULE_TIME, time.toString()));
    metadata.set("annotations", annotations);
    return metadata;
  }

  /**
   * The CronJob's jobTemplate as it is, less the {@code creationTimestamp: null} that {@code
   * kubectl get -o yaml} prints in empty metadata, and less Job metadata a Job cannot take from a
   * template.
   */
  private static ObjectNode jobTemplate(JsonNode jobTemplate, List<String> warnings) {
    ObjectNode copy = jobTemplate.deepCopy();
    if (copy.get("metadata") instanceof ObjectNode metadata) {
      metadata.remove("creationTimestamp");
      for (Iterator<String> fields = metadata.fieldNames(); fields.hasNext(); ) {
        String field = fields.next();
        if (!field.equals("labels") && !field.equals("annotations")) {
          warnings.add(
              "/spec/jobTemplate/metadata/"
                  + field
                  + " is not imported: Nightshift names each Job it launches");
          fields.remove();
        }
      }
      if (metadata.isEmpty()) {
        copy.remove("metadata");
      }
    }
    if (copy.at("/spec/template/metadata") instanceof ObjectNode podMetadata
        && podMetadata.has("creationTimestamp")
        && podMetadata.get("creationTimestamp").isNull()) {
      podMetadata.remove("creationTimestamp");
      if (podMetadata.isEmpty()) {
        ((ObjectNode) copy.at("/spec/template")).remove("metadata");
      }
    }
    if (!copy.has("spec")) {
      copy.putObject("spec");
    }
    return copy;
  }

  /** The validator's violations on the workflow, each named by the CronJob field it came from. */
  private List<String> validate(ObjectNode workflow) {
    List<Violation> violations = new ArrayList<>();
    byte[] json = workflow.toString().getBytes(StandardCharsets.UTF_8);
    Workflow parsed = codec.read(json, DefinitionCodec.Format.JSON, violations);
    if (parsed != null) {
      violations.addAll(validator.validate(parsed, violations));
    }
    return violations.stream()
        .map(violation -> sourcePath(violation.path()) + ": " + violation.message())
        .toList();
  }

  /**
   * The CronJob field that the workflow field at {@code pointer} was made from, as a JSON pointer:
   * a violation reads in the terms of the manifest the user has.
   */
  public static String sourcePath(String pointer) {
    for (Map.Entry<String, String> prefix : SOURCE_PATHS.entrySet()) {
      if (pointer.equals(prefix.getKey()) || pointer.startsWith(prefix.getKey() + "/")) {
        return prefix.getValue() + pointer.substring(prefix.getKey().length());
      }
    }
    return pointer;
  }

  private static final Map<String, String> SOURCE_PATHS = sourcePaths();

  private static Map<String, String> sourcePaths() {
    Map<String, String> paths = new LinkedHashMap<>();
    paths.put("/spec/steps/0/jobTemplate", "/spec/jobTemplate");
    paths.put("/spec/successfulRunsHistoryLimit", "/spec/successfulJobsHistoryLimit");
    paths.put("/spec/failedRunsHistoryLimit", "/spec/failedJobsHistoryLimit");
    return paths;
  }

  /**
   * A warning when a GitOps tool or Helm owns the CronJob: its next sync may undo a cut-over's
   * suspension, which then belongs in the CronJob's source.
   */
  private static Optional<String> managedElsewhere(JsonNode cronJob) {
    JsonNode labels = cronJob.at("/metadata/labels");
    JsonNode annotations = cronJob.at("/metadata/annotations");
    String owner = null;
    if (labels.has("argocd.argoproj.io/instance")
        || annotations.has("argocd.argoproj.io/tracking-id")) {
      owner = "Argo CD";
    } else if (labels.has("kustomize.toolkit.fluxcd.io/name")
        || labels.has("helm.toolkit.fluxcd.io/name")) {
      owner = "Flux";
    } else if ("Helm".equals(labels.path("app.kubernetes.io/managed-by").asText())) {
      owner = "Helm";
    }
    if (owner == null) {
      return Optional.empty();
    }
    return Optional.of(
        "managed by "
            + owner
            + ": its next sync may resume the CronJob after --suspend-source; suspend it (or"
            + " remove it) where it is defined");
  }

  private static void copy(JsonNode from, String field, ObjectNode to, String as) {
    JsonNode value = from.get(field);
    if (value != null && !value.isNull()) {
      to.set(as, value.deepCopy());
    }
  }

  static Optional<String> text(JsonNode node, String pointer) {
    JsonNode value = node.at(pointer);
    return value.isTextual() && !value.asText().isEmpty()
        ? Optional.of(value.asText())
        : Optional.empty();
  }

  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
