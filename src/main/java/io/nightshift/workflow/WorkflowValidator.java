package io.nightshift.workflow;

import io.nightshift.workflow.cron.CronSchedule;
import io.nightshift.workflow.cron.CronSyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules a workflow must keep to be stored. Reports every violation with its JSON pointer, in
 * document order; runs on whatever the binder could bind, so missing pieces are reported here and
 * mistyped ones by the binder.
 */
public final class WorkflowValidator {

  public static final int MAX_WORKFLOW_NAME_LENGTH = 52;
  public static final int MAX_DNS_LABEL_LENGTH = 63;
  public static final int MAX_STEPS = 100;
  public static final int MAX_PARAMETERS = 100;
  public static final int MAX_PARAMETER_VALUE_LENGTH = 32 * 1024;
  public static final int MAX_HISTORY_LIMIT = 1000;
  public static final int MAX_RETRIES = 10;
  public static final int MAX_BACKOFF_LIMIT = 100;

  /** Thirty days: the longest deadline of any kind a batch run may have. */
  public static final long MAX_DEADLINE_SECONDS = 30L * 24 * 3600;

  public static final int MAX_ANNOTATIONS_BYTES = 256 * 1024;

  private static final Pattern QUANTITY =
      Pattern.compile(
          "[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+|[numkMGTPE]|[KMGTPE]i)?");

  /** Any instant works to ask whether a schedule can fire at all; a fixed one keeps it pure. */
  private static final Instant EPOCH_2000 = Instant.parse("2000-01-01T00:00:00Z");

  /**
   * Returns the violations of {@code workflow}. {@code alreadyReported} are the binder's: a field
   * it could not bind is not reported again as missing.
   */
  public List<Violation> validate(Workflow workflow, List<Violation> alreadyReported) {
    Checker check = new Checker(alreadyReported);
    check.require(workflow.apiVersion(), "/apiVersion");
    if (workflow.apiVersion() != null && !Workflow.API_VERSION.equals(workflow.apiVersion())) {
      check.add("/apiVersion", "must be " + Workflow.API_VERSION);
    }
    check.require(workflow.kind(), "/kind");
    if (workflow.kind() != null && !Workflow.KIND.equals(workflow.kind())) {
      check.add("/kind", "must be " + Workflow.KIND);
    }
    if (check.require(workflow.metadata(), "/metadata")) {
      metadata(workflow.metadata(), check);
    }
    if (check.require(workflow.spec(), "/spec")) {
      spec(workflow.spec(), check);
    }
    return check.violations;
  }

  private void metadata(WorkflowMetadata metadata, Checker check) {
    if (check.require(metadata.name(), "/metadata/name")) {
      check.all(
          "/metadata/name", Names.checkDns1123Label(metadata.name(), MAX_WORKFLOW_NAME_LENGTH));
    }
    if (check.require(metadata.namespace(), "/metadata/namespace")) {
      check.all(
          "/metadata/namespace",
          Names.checkDns1123Label(metadata.namespace(), MAX_DNS_LABEL_LENGTH));
    }
    if (metadata.labels() != null) {
      metadata
          .labels()
          .forEach(
              (key, value) -> {
                String path = Violation.pointer("/metadata/labels", key);
                check.all(path, Names.checkQualifiedName(key));
                check.all(path, Names.checkLabelValue(value));
              });
    }
    if (metadata.annotations() != null) {
      int bytes = 0;
      for (Map.Entry<String, String> entry : metadata.annotations().entrySet()) {
        check.all(
            Violation.pointer("/metadata/annotations", entry.getKey()),
            Names.checkQualifiedName(entry.getKey()));
        bytes += utf8Length(entry.getKey()) + utf8Length(entry.getValue());
      }
      try {
        metadata.lastScheduleTime();
      } catch (DateTimeParseException e) {
        check.add(
            Violation.pointer("/metadata/annotations", WorkflowMetadata.LAST_SCHEDULE_TIME),
            "must be an RFC 3339 time, e.g. 2026-12-01T02:00:00Z");
      }
      if (bytes > MAX_ANNOTATIONS_BYTES) {
        check.add(
            "/metadata/annotations",
            "must be no more than " + MAX_ANNOTATIONS_BYTES + " bytes in all, not " + bytes);
      }
    }
  }

  private void spec(WorkflowSpec spec, Checker check) {
    Optional<ZoneId> zone = timeZone(spec.timeZone(), check);
    if (spec.schedule() != null) {
      schedule(spec.schedule(), zone.orElse(ZoneId.of("UTC")), check);
    }
    check.range(
        spec.startingDeadlineSeconds(), 0, MAX_DEADLINE_SECONDS, "/spec/startingDeadlineSeconds");
    check.range(
        spec.successfulRunsHistoryLimit(),
        0,
        MAX_HISTORY_LIMIT,
        "/spec/successfulRunsHistoryLimit");
    check.range(
        spec.failedRunsHistoryLimit(), 0, MAX_HISTORY_LIMIT, "/spec/failedRunsHistoryLimit");
    check.range(
        spec.activeDeadlineSeconds(), 1, MAX_DEADLINE_SECONDS, "/spec/activeDeadlineSeconds");
    parameters(spec.parameters(), check);
    if (check.require(spec.steps(), "/spec/steps")) {
      steps(spec.steps(), check);
    }
  }

  private static Optional<ZoneId> timeZone(String timeZone, Checker check) {
    // Only IANA region names: ZoneId.of would also take offsets such as "+02:00", which have no
    // daylight-saving rules and are not what Kubernetes' timeZone accepts.
    if (!ZoneId.getAvailableZoneIds().contains(timeZone)) {
      check.add(
          "/spec/timeZone",
          "\"" + timeZone + "\" is not a time zone of the IANA database (e.g. Europe/Paris, UTC)");
      return Optional.empty();
    }
    return Optional.of(ZoneId.of(timeZone));
  }

  private static void schedule(String schedule, ZoneId zone, Checker check) {
    try {
      CronSchedule cron = CronSchedule.parse(schedule);
      if (cron.nextAfter(EPOCH_2000, zone).isEmpty()) {
        check.add("/spec/schedule", "\"" + schedule + "\" never fires (no such date)");
      }
    } catch (CronSyntaxException e) {
      check.add("/spec/schedule", "\"" + schedule + "\" is not a valid cron: " + e.getMessage());
    }
  }

  private static void parameters(Map<String, String> parameters, Checker check) {
    if (parameters == null) {
      return;
    }
    if (parameters.size() > MAX_PARAMETERS) {
      check.add("/spec/parameters", "must have no more than " + MAX_PARAMETERS + " entries");
    }
    Map<String, String> byEnvName = new HashMap<>();
    parameters.forEach(
        (name, value) -> {
          String path = Violation.pointer("/spec/parameters", name);
          if (!Parameters.NAME.matcher(name).matches()) {
            check.add(
                path,
                "\""
                    + name
                    + "\" is not a valid parameter name: up to 63 letters, digits and '_', not"
                    + " starting with a digit");
            return;
          }
          String env = Parameters.envName(name);
          if (env.startsWith(Parameters.RESERVED_ENV_PREFIX)) {
            check.add(path, "becomes " + env + ", and the NIGHTSHIFT_ prefix is reserved");
          } else {
            UnsafeEnvNames.check(env)
                .ifPresent(problem -> check.add(path, "becomes " + env + ": " + problem));
          }
          String other = byEnvName.putIfAbsent(env, name);
          if (other != null) {
            check.add(path, "becomes " + env + ", as \"" + other + "\" does already");
          }
          checkParameterValue(value).ifPresent(problem -> check.add(path, problem));
        });
  }

  /**
   * Why {@code value} cannot be a parameter's value, if it cannot: longer than {@value
   * #MAX_PARAMETER_VALUE_LENGTH} characters, or holding a NUL, which no environment variable can.
   */
  public static Optional<String> checkParameterValue(String value) {
    if (value.length() > MAX_PARAMETER_VALUE_LENGTH) {
      return Optional.of("must be no more than " + MAX_PARAMETER_VALUE_LENGTH + " characters long");
    }
    return noNul(value);
  }

  private static Optional<String> noNul(String value) {
    return value.indexOf('\0') >= 0
        ? Optional.of("must not contain a NUL character: an environment variable cannot")
        : Optional.empty();
  }

  private void steps(List<Step> steps, Checker check) {
    if (steps.isEmpty()) {
      check.add("/spec/steps", "must have at least one step");
    }
    if (steps.size() > MAX_STEPS) {
      check.add("/spec/steps", "must have no more than " + MAX_STEPS + " steps");
    }
    Map<String, Integer> indexByName = new LinkedHashMap<>();
    for (int i = 0; i < steps.size(); i++) {
      String name = steps.get(i).name();
      if (name == null) {
        continue;
      }
      Integer first = indexByName.putIfAbsent(name, i);
      if (first != null) {
        check.add(
            "/spec/steps/" + i + "/name",
            "duplicate step name \"" + name + "\" (also /spec/steps/" + first + ")");
      }
    }
    for (int i = 0; i < steps.size(); i++) {
      step(steps.get(i), "/spec/steps/" + i, indexByName, check);
    }
    for (List<String> cycle : Dag.cycles(steps)) {
      check.add(
          "/spec/steps/" + indexByName.get(cycle.get(0)) + "/dependsOn",
          "dependency cycle: " + String.join(" -> ", cycle));
    }
  }

  private void step(Step step, String path, Map<String, Integer> indexByName, Checker check) {
    if (check.require(step.name(), path + "/name")) {
      check.all(path + "/name", Names.checkDns1123Label(step.name(), MAX_DNS_LABEL_LENGTH));
    }
    Set<String> parents = new HashSet<>();
    for (int j = 0; j < step.dependsOn().size(); j++) {
      String parent = step.dependsOn().get(j);
      String at = path + "/dependsOn/" + j;
      if (parent.equals(step.name())) {
        check.add(at, "a step cannot depend on itself");
      } else if (!indexByName.containsKey(parent)) {
        check.add(
            at,
            "no step named \""
                + parent
                + "\"; steps are: "
                + String.join(", ", indexByName.keySet()));
      }
      if (!parents.add(parent)) {
        check.add(at, "\"" + parent + "\" is listed twice");
      }
    }
    check.range(step.retries(), 0, MAX_RETRIES, path + "/retries");
    Map<String, Object> shorthand = step.shorthandFields();
    if (step.jobTemplate() != null && !shorthand.isEmpty()) {
      check.add(
          path,
          "use either the shorthand ("
              + String.join(", ", shorthand.keySet())
              + ") or jobTemplate, not both");
    } else if (step.jobTemplate() != null) {
      JobTemplates.validateTemplate(step.jobTemplate(), path + "/jobTemplate", check::add);
    } else if (shorthand.isEmpty()) {
      check.add(path, "needs either image (with command, args, env, …) or a jobTemplate");
    } else {
      shorthand(step, path, check);
    }
  }

  private void shorthand(Step step, String path, Checker check) {
    if (check.require(step.image(), path + "/image")
        && (step.image().isBlank() || step.image().chars().anyMatch(Character::isWhitespace))) {
      check.add(path + "/image", "must be an image reference without spaces, e.g. busybox:1.36");
    }
    if (step.env() != null) {
      env(step.env(), path + "/env", check);
    }
    if (step.resources() != null) {
      quantities(step.resources().requests(), path + "/resources/requests", check);
      quantities(step.resources().limits(), path + "/resources/limits", check);
    }
    check.range(step.backoffLimit(), 0, MAX_BACKOFF_LIMIT, path + "/backoffLimit");
    check.range(
        step.activeDeadlineSeconds(), 1, MAX_DEADLINE_SECONDS, path + "/activeDeadlineSeconds");
    if (step.serviceAccountName() != null) {
      check.all(
          path + "/serviceAccountName", Names.checkDns1123Subdomain(step.serviceAccountName()));
    }
  }

  private static void env(List<EnvVar> env, String path, Checker check) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < env.size(); i++) {
      EnvVar variable = env.get(i);
      String at = path + "/" + i;
      if (check.require(variable.name(), at + "/name")) {
        check.all(at + "/name", Names.checkEnvVarName(variable.name()));
        if (variable.name().startsWith(Parameters.RESERVED_ENV_PREFIX)) {
          check.add(at + "/name", "the NIGHTSHIFT_ prefix is reserved for injected variables");
        } else {
          UnsafeEnvNames.check(variable.name())
              .ifPresent(problem -> check.add(at + "/name", problem));
        }
        if (!names.add(variable.name())) {
          check.add(at + "/name", "\"" + variable.name() + "\" is set twice");
        }
      }
      if (variable.value() != null && variable.valueFrom() != null) {
        check.add(at, "set either value or valueFrom, not both");
      }
      if (variable.value() != null) {
        noNul(variable.value()).ifPresent(problem -> check.add(at + "/value", problem));
      }
      if (variable.valueFrom() != null) {
        envSource(variable.valueFrom(), at + "/valueFrom", check);
      }
    }
  }

  private static void envSource(EnvVar.EnvVarSource source, String path, Checker check) {
    int sources = 0;
    if (source.secretKeyRef() != null) {
      sources++;
      check.require(source.secretKeyRef().name(), path + "/secretKeyRef/name");
      check.require(source.secretKeyRef().key(), path + "/secretKeyRef/key");
    }
    if (source.configMapKeyRef() != null) {
      sources++;
      check.require(source.configMapKeyRef().name(), path + "/configMapKeyRef/name");
      check.require(source.configMapKeyRef().key(), path + "/configMapKeyRef/key");
    }
    if (source.fieldRef() != null) {
      sources++;
      check.require(source.fieldRef().fieldPath(), path + "/fieldRef/fieldPath");
    }
    if (source.resourceFieldRef() != null) {
      sources++;
      check.require(source.resourceFieldRef().resource(), path + "/resourceFieldRef/resource");
    }
    if (sources != 1) {
      check.add(
          path,
          "must set exactly one of secretKeyRef, configMapKeyRef, fieldRef, resourceFieldRef");
    }
  }

  private static void quantities(Map<String, String> quantities, String path, Checker check) {
    if (quantities == null) {
      return;
    }
    quantities.forEach(
        (resource, quantity) -> {
          if (!QUANTITY.matcher(quantity).matches()) {
            check.add(
                Violation.pointer(path, resource),
                "\"" + quantity + "\" is not a quantity (e.g. 500m, 2, 1Gi)");
          }
        });
  }

  private static int utf8Length(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }

  /** Collects violations; each check returns whether the value is there to look at further. */
  static final class Checker {
    final List<Violation> violations = new ArrayList<>();
    private final Set<String> reported = new HashSet<>();

    Checker(List<Violation> alreadyReported) {
      alreadyReported.forEach(violation -> reported.add(violation.path()));
    }

    void add(String path, String message) {
      violations.add(new Violation(path, message));
    }

    void all(String path, Optional<String> problem) {
      problem.ifPresent(message -> add(path, message));
    }

    boolean require(Object value, String path) {
      if (value == null) {
        if (!reported.contains(path)) {
          add(path, "required");
        }
        return false;
      }
      return true;
    }

    void range(Number value, long min, long max, String path) {
      if (value != null && (value.longValue() < min || value.longValue() > max)) {
        add(path, "must be between " + min + " and " + max + ", not " + value);
      }
    }
  }
}
