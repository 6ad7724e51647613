package io.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nightshift.cronjob.CronJobMapping;
import io.nightshift.cronjob.CronJobMapping.Mapped;
import io.nightshift.workflow.WorkflowMetadata;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The plan of an import of CronJobs, and carrying it out. Each CronJob is planned apart: mapped to
 * a workflow, matched to the workflow an earlier import made of it (by the CronJob's uid, else by
 * {@value CronJobMapping#IMPORTED_FROM}), and put to the server as a dry run, whose answer says
 * whether it would be created, updated or left unchanged, and which rule (validation, Job policy)
 * refuses it. Carrying it out stores each workflow in one PUT; a cut-over ({@code
 * --suspend-source}) is three steps per CronJob, undone if one fails, so a CronJob is moved wholly
 * or not at all, and never suspended unless its workflow is stored.
 */
final class CronJobImport {

  /** What the plan does with one source. */
  enum Action {
    create,
    update,
    unchanged,
    skip,
    manual
  }

  /** One source: a CronJob, another object, or a document that could not be read. */
  static final class Entry {
    final String source;
    final Mapped mapped;
    final List<String> warnings = new ArrayList<>();
    final List<String> reasons = new ArrayList<>();
    Action action;
    String targetNamespace;
    String targetName;
    ObjectNode workflow;
    JsonNode existing;
    String outcome;
    boolean failed;

    Entry(String source, Mapped mapped) {
      this.source = source;
      this.mapped = mapped;
    }

    static Entry unreadable(String source, String reason) {
      Entry entry = new Entry(source, null);
      entry.action = Action.manual;
      entry.reasons.add(reason);
      return entry;
    }

    String target() {
      return targetName == null ? "" : targetNamespace + "/" + targetName;
    }

    String workflowLabel() {
      return "workflow.nightshift.io/" + target();
    }

    boolean importable() {
      return action == Action.create || action == Action.update || action == Action.unchanged;
    }
  }

  private final ApiClient api;
  private final KubeCronJobs kube;
  private final boolean suspendSource;
  private final Map<String, List<JsonNode>> workflowsByNamespace = new HashMap<>();

  /**
   * @param kube the cluster the CronJobs were read from; null when they came from files
   */
  CronJobImport(ApiClient api, KubeCronJobs kube, boolean suspendSource) {
    this.api = api;
    this.kube = kube;
    this.suspendSource = suspendSource;
  }

  /** Plans every entry: each gets its action, target and workflow, or its reasons. */
  void plan(List<Entry> entries) {
    Map<String, Entry> targets = new LinkedHashMap<>();
    for (Entry entry : entries) {
      if (entry.mapped == null) {
        continue;
      }
      Mapped mapped = entry.mapped;
      entry.warnings.addAll(mapped.warnings());
      if (!mapped.isCronJob()) {
        entry.action = Action.skip;
        entry.reasons.add(
            "not a CronJob (kind " + (mapped.kind().isEmpty() ? "none" : mapped.kind()) + ")");
        continue;
      }
      entry.targetNamespace = mapped.namespace();
      entry.targetName = mapped.name();
      if (!mapped.problems().isEmpty()) {
        entry.action = Action.manual;
        entry.reasons.addAll(mapped.problems());
        continue;
      }
      entry.workflow = mapped.workflow().orElseThrow().deepCopy();
      if (!match(entry)) {
        continue;
      }
      Entry earlier = targets.putIfAbsent(entry.target(), entry);
      if (earlier != null) {
        entry.action = Action.manual;
        entry.reasons.add(
            "the same workflow as " + earlier.source + " in this import: import one of them");
        continue;
      }
      dryRun(entry);
      if (entry.action != Action.manual) {
        cutOverNotes(entry);
      }
    }
  }

  /**
   * Finds the workflow an earlier import made of this CronJob and targets it; false, with the entry
   * manual, when the CronJob's name is taken by a workflow made otherwise.
   */
  private boolean match(Entry entry) {
    Mapped mapped = entry.mapped;
    List<JsonNode> workflows = workflows(mapped.namespace());
    JsonNode found = null;
    if (mapped.uid().isPresent()) {
      found = find(workflows, CronJobMapping.IMPORTED_UID, mapped.uid().get());
    }
    if (found == null) {
      found = find(workflows, CronJobMapping.IMPORTED_FROM, mapped.importedFrom());
    }
    if (found == null) {
      JsonNode namesake = null;
      for (JsonNode workflow : workflows) {
        if (mapped.name().equals(workflow.at("/metadata/name").asText())) {
          namesake = workflow;
        }
      }
      if (namesake != null) {
        String from = annotation(namesake, CronJobMapping.IMPORTED_FROM).orElse(null);
        entry.action = Action.manual;
        entry.reasons.add(
            "workflow "
                + entry.target()
                + " exists and was not imported from this CronJob ("
                + (from == null
                    ? "it has no " + CronJobMapping.IMPORTED_FROM + " annotation"
                    : "it was imported from " + from)
                + "); rename one of them");
        return false;
      }
      return true;
    }
    entry.existing = found;
    String name = found.at("/metadata/name").asText();
    if (!name.equals(entry.targetName)) {
      entry.targetName = name;
      ((ObjectNode) entry.workflow.get("metadata")).put("name", name);
    }
    return true;
  }

  private static JsonNode find(List<JsonNode> workflows, String annotation, String value) {
    for (JsonNode workflow : workflows) {
      if (annotation(workflow, annotation).filter(value::equals).isPresent()) {
        return workflow;
      }
    }
    return null;
  }

  static Optional<String> annotation(JsonNode object, String key) {
    JsonNode value = object.path("metadata").path("annotations").path(key);
    return value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
  }

  /** Every workflow of the namespace, read once per import. */
  List<JsonNode> workflows(String namespace) {
    return workflowsByNamespace.computeIfAbsent(
        namespace,
        ns -> {
          List<JsonNode> items = new ArrayList<>();
          String cursor = null;
          do {
            String path =
                "/api/v1/namespaces/"
                    + ApiClient.encode(ns)
                    + "/workflows?limit=1000"
                    + (cursor == null ? "" : "&cursor=" + ApiClient.encode(cursor));
            JsonNode page = api.send(ApiClient.Call.get(path)).json();
            page.path("items").forEach(items::add);
            cursor = page.path("nextCursor").isTextual() ? page.path("nextCursor").asText() : null;
          } while (cursor != null);
          return items;
        });
  }

  /** Asks the server what storing the workflow would do; its refusals make the entry manual. */
  private void dryRun(Entry entry) {
    try {
      ApiClient.Response response = api.send(put(entry, entry.workflow, true));
      entry.action =
          switch (response.header("Nightshift-Change").orElse("configured")) {
            case "created" -> Action.create;
            case "unchanged" -> Action.unchanged;
            default -> Action.update;
          };
      for (String warning : response.headers().getOrDefault("warning", List.of())) {
        entry.warnings.add("server: " + warning);
      }
    } catch (ApiException e) {
      if (e.exitCode() == Exit.UNAVAILABLE) {
        throw e;
      }
      entry.action = Action.manual;
      if (e.violations().isEmpty()) {
        entry.reasons.add(e.title() + (e.detail() == null ? "" : ": " + e.detail()));
      }
      for (ApiException.Violation violation : e.violations()) {
        entry.reasons.add(CronJobMapping.sourcePath(violation.path()) + ": " + violation.message());
      }
    }
  }

  private ApiClient.Call put(Entry entry, ObjectNode workflow, boolean dryRun) {
    return ApiClient.Call.put(
            Base.workflowPath(entry.targetNamespace, entry.targetName)
                + (dryRun ? "?dryRun=true" : ""),
            Json.bytes(workflow),
            "application/json")
        .what(entry.workflowLabel() + ": ");
  }

  /** What the plan says about the CronJob itself: whether it will be suspended, and what fires. */
  private void cutOverNotes(Entry entry) {
    Mapped mapped = entry.mapped;
    if (mapped.migratedTo().isPresent()) {
      entry.warnings.add("the CronJob was suspended by an earlier import");
    } else if (mapped.suspended()) {
      entry.warnings.add("the CronJob is suspended; so is the workflow");
    } else if (kube != null && suspendSource) {
      entry.warnings.add("the CronJob will be suspended once its workflow is stored");
    } else if (kube != null) {
      entry.warnings.add(
          "the CronJob stays active: both fire until it is suspended (--suspend-source)");
    }
  }

  /** Carries out every importable entry; returns whether all of them were done. */
  boolean apply(List<Entry> entries, PrintStream out) {
    boolean allDone = true;
    for (Entry entry : entries) {
      if (!entry.importable()) {
        continue;
      }
      try {
        if (cutsOver(entry)) {
          cutOver(entry);
        } else if (entry.action == Action.unchanged) {
          entry.outcome = "unchanged";
        } else {
          api.send(put(entry, entry.workflow, false));
          entry.outcome = entry.action == Action.create ? "created" : "configured";
        }
      } catch (CliException e) {
        if (e.exitCode() == Exit.UNAVAILABLE && !(e instanceof KubeCronJobs.KubeException)) {
          throw e;
        }
        entry.failed = true;
        entry.outcome = "failed: " + e.describe();
      }
      allDone &= !entry.failed;
      out.println(
          entry.workflowLabel() + " " + entry.outcome + " (from cronjob " + entry.source + ")");
    }
    return allDone;
  }

  private boolean cutsOver(Entry entry) {
    return kube != null
        && suspendSource
        && !entry.mapped.suspended()
        && entry.mapped.migratedTo().isEmpty();
  }

  /**
   * Moves one CronJob: stores its workflow suspended, suspends and marks the CronJob, then reads
   * the CronJob's last run (final now) and stores the workflow as planned with it, so that no time
   * the CronJob ran fires again. A time due in the second between the two may be run by neither; it
   * is never run by both. A failing step undoes the ones before it.
   */
  private void cutOver(Entry entry) {
    String namespace = entry.mapped.namespace();
    String name = entry.mapped.name();
    ObjectNode held = entry.workflow.deepCopy();
    ((ObjectNode) held.get("spec")).put("suspend", true);
    api.send(put(entry, held, false));
    ObjectNode suspend = Json.object();
    suspend
        .putObject("metadata")
        .putObject("annotations")
        .put(CronJobMapping.MIGRATED_TO, "workflow/" + entry.target());
    suspend.putObject("spec").put("suspend", true);
    try {
      kube.patch(namespace, name, suspend);
    } catch (KubeCronJobs.KubeException e) {
      putBack(entry);
      throw new CliException(
          Exit.FAILED,
          "the CronJob could not be suspended, so the workflow was put back as it was: "
              + e.getMessage());
    }
    try {
      JsonNode suspended = kube.get(namespace, name);
      Optional<Instant> last = lastScheduleTime(suspended);
      Optional<Instant> planned = entry.mapped.lastScheduleTime();
      Optional<Instant> latest =
          last.isPresent() && planned.isPresent()
              ? Optional.of(last.get().isAfter(planned.get()) ? last.get() : planned.get())
              : last.or(() -> planned);
      ObjectNode annotations = (ObjectNode) entry.workflow.at("/metadata/annotations");
      latest.ifPresent(
          time -> annotations.put(WorkflowMetadata.LAST_SCHEDULE_TIME, time.toString()));
      api.send(put(entry, entry.workflow, false));
    } catch (CliException e) {
      try {
        kube.jsonPatch(namespace, name, resumption("workflow/" + entry.target()));
        putBack(entry);
      } catch (CliException undo) {
        e.addSuppressed(undo);
      }
      throw e;
    }
    entry.outcome =
        (entry.action == Action.create
                ? "created"
                : entry.action == Action.update ? "configured" : "unchanged")
            + ", CronJob suspended";
  }

  /** Deletes the workflow the cut-over created, or stores again the one it replaced. */
  private void putBack(Entry entry) {
    String path = Base.workflowPath(entry.targetNamespace, entry.targetName);
    if (entry.existing == null) {
      api.send(ApiClient.Call.delete(path).what(entry.workflowLabel() + ": "));
      return;
    }
    ObjectNode previous = entry.existing.deepCopy();
    previous.remove("status");
    ((ObjectNode) previous.get("metadata"))
        .remove(List.of("uid", "resourceVersion", "generation", "creationTimestamp"));
    api.send(put(entry, previous, false));
  }

  static Optional<Instant> lastScheduleTime(JsonNode cronJob) {
    JsonNode value = cronJob.at("/status/lastScheduleTime");
    if (!value.isTextual()) {
      return Optional.empty();
    }
    try {
      return Optional.of(java.time.OffsetDateTime.parse(value.asText()).toInstant());
    } catch (java.time.format.DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * Undoes imports: suspends each CronJob's workflow, then resumes each CronJob a cut-over
   * suspended, handing back the workflow's last scheduled time so the CronJob does not run it
   * again. Returns whether everything was done.
   */
  boolean rollback(List<Entry> entries, PrintStream out, PrintStream err) {
    boolean allDone = true;
    for (Entry entry : entries) {
      if (entry.mapped == null || !entry.mapped.isCronJob()) {
        continue;
      }
      Mapped mapped = entry.mapped;
      try {
        Optional<JsonNode> workflow = imported(mapped);
        Optional<Instant> lastRun = Optional.empty();
        if (workflow.isPresent()) {
          String namespace = workflow.get().at("/metadata/namespace").asText(mapped.namespace());
          String name = workflow.get().at("/metadata/name").asText();
          String path = Base.workflowPath(namespace, name);
          String label = "workflow.nightshift.io/" + namespace + "/" + name;
          if (!workflow.get().at("/spec/suspend").asBoolean(false)) {
            api.send(ApiClient.Call.post(path + "/suspend").idempotent().what(label + ": "));
            out.println(label + " suspended");
          } else {
            out.println(label + " already suspended");
          }
          lastRun = lastScheduledRun(path);
        } else {
          err.println("warning: cronjob " + mapped.source() + ": no workflow was imported from it");
        }
        if (kube != null && mapped.migratedTo().isPresent()) {
          resume(mapped, lastRun, out, err);
        }
      } catch (CliException e) {
        if (e.exitCode() == Exit.UNAVAILABLE && !(e instanceof KubeCronJobs.KubeException)) {
          throw e;
        }
        allDone = false;
        err.println("error: cronjob " + mapped.source() + ": " + e.describe());
      }
    }
    return allDone;
  }

  /** The workflow an import made of the CronJob: by its uid, else by its name. */
  private Optional<JsonNode> imported(Mapped mapped) {
    List<JsonNode> workflows = workflows(mapped.namespace());
    JsonNode found =
        mapped.uid().map(uid -> find(workflows, CronJobMapping.IMPORTED_UID, uid)).orElse(null);
    if (found == null) {
      found = find(workflows, CronJobMapping.IMPORTED_FROM, mapped.importedFrom());
    }
    return Optional.ofNullable(found);
  }

  /** The latest scheduled time among the workflow's newest runs. */
  private Optional<Instant> lastScheduledRun(String workflowPath) {
    JsonNode runs = api.send(ApiClient.Call.get(workflowPath + "/runs?limit=100")).json();
    Instant latest = null;
    for (JsonNode run : runs.path("items")) {
      if ("schedule".equals(run.path("trigger").asText())
          && run.path("scheduledTime").isTextual()) {
        Instant time = Instant.parse(run.path("scheduledTime").asText());
        if (latest == null || time.isAfter(latest)) {
          latest = time;
        }
      }
    }
    return Optional.ofNullable(latest);
  }

  private void resume(Mapped mapped, Optional<Instant> lastRun, PrintStream out, PrintStream err) {
    String namespace = mapped.namespace();
    String name = mapped.name();
    Optional<Instant> cronJobLast = mapped.lastScheduleTime();
    if (lastRun.isPresent()
        && (cronJobLast.isEmpty() || lastRun.get().isAfter(cronJobLast.get()))) {
      ObjectNode status = Json.object();
      status.putObject("status").put("lastScheduleTime", lastRun.get().toString());
      try {
        kube.patchStatus(namespace, name, status);
      } catch (KubeCronJobs.KubeException e) {
        err.println(
            "warning: cronjob "
                + mapped.source()
                + ": could not hand back the last run "
                + lastRun.get()
                + " ("
                + e.getMessage()
                + "); the CronJob may run its latest missed time once (grant patch on"
                + " cronjobs/status)");
      }
    }
    kube.jsonPatch(namespace, name, resumption(mapped.migratedTo().orElseThrow()));
    out.println("cronjob " + mapped.source() + " resumed");
  }

  /**
   * The JSON patch that resumes a CronJob a cut-over suspended: only if it still names the workflow
   * it was moved to, and removing that mark.
   */
  private static com.fasterxml.jackson.databind.node.ArrayNode resumption(String migratedTo) {
    String mark = "/metadata/annotations/" + CronJobMapping.MIGRATED_TO.replace("/", "~1");
    com.fasterxml.jackson.databind.node.ArrayNode operations = Json.JSON.createArrayNode();
    operations.addObject().put("op", "test").put("path", mark).put("value", migratedTo);
    operations.addObject().put("op", "remove").put("path", mark);
    operations.addObject().put("op", "add").put("path", "/spec/suspend").put("value", false);
    return operations;
  }
}
