package io.nightshift.workflow.policy;

import io.nightshift.workflow.Step;
import io.nightshift.workflow.Violation;
import io.nightshift.workflow.Workflow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What the pods of a workflow's steps may do, so that whoever may write workflows in a namespace
 * cannot launch pods that own the node or Nightshift itself: the Kubernetes Pod Security Standards
 * at the namespace's level, the service accounts the namespace allows, no label that Nightshift's
 * own selectors use, and no Jobs in the namespace Nightshift runs in.
 *
 * <p>Pure rules over the definition: checked when a definition is stored (every violation at once,
 * as a 422) and again when each Job is built, so that a definition stored before the policy was
 * tightened does not launch. The shorthand has no security fields: at restricted, Nightshift gives
 * its pod the restricted securityContext itself ({@link #hardensShorthand}).
 */
public final class JobPolicy {

  /** Labels Nightshift's Service and Jobs select on: a step's pods must not carry them. */
  static final String RESERVED_LABEL_PREFIX = "nightshift.io/";

  static final String DEFAULT_SERVICE_ACCOUNT = "default";

  private static final String LEVELS_SETTING =
      "nightshift.policy.namespace-levels (NIGHTSHIFT_POLICY_NAMESPACE_LEVELS)";
  private static final String ACCOUNTS_SETTING =
      "nightshift.policy.service-accounts (NIGHTSHIFT_POLICY_SERVICE_ACCOUNTS)";

  private final Level defaultLevel;
  private final Map<String, Level> levels;
  private final Map<String, Set<String>> serviceAccounts;
  private final Optional<String> releaseNamespace;
  private final boolean allowReleaseNamespace;
  private final Map<String, Set<String>> reservedLabels;

  /**
   * @param defaultLevel the level of namespaces not in {@code levels}
   * @param levels the level of some namespaces
   * @param serviceAccounts per namespace, the service accounts its steps may use besides default
   * @param releaseNamespace where Nightshift runs, when known
   * @param allowReleaseNamespace whether workflows may run there all the same
   */
  public JobPolicy(
      Level defaultLevel,
      Map<String, Level> levels,
      Map<String, Set<String>> serviceAccounts,
      Optional<String> releaseNamespace,
      boolean allowReleaseNamespace) {
    this(
        defaultLevel,
        levels,
        serviceAccounts,
        releaseNamespace,
        allowReleaseNamespace,
        parseReserved(List.of(PolicyConfig.DEFAULT_RESERVED_LABELS.split(",")), new ArrayList<>()));
  }

  /**
   * @param reservedLabels per label key, the values Nightshift's own selectors use
   */
  public JobPolicy(
      Level defaultLevel,
      Map<String, Level> levels,
      Map<String, Set<String>> serviceAccounts,
      Optional<String> releaseNamespace,
      boolean allowReleaseNamespace,
      Map<String, Set<String>> reservedLabels) {
    this.reservedLabels =
        reservedLabels.entrySet().stream()
            .collect(
                Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> Set.copyOf(e.getValue())));
    this.defaultLevel = defaultLevel;
    this.levels = Map.copyOf(levels);
    this.serviceAccounts =
        serviceAccounts.entrySet().stream()
            .collect(
                Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> Set.copyOf(e.getValue())));
    this.releaseNamespace = releaseNamespace.filter(namespace -> !namespace.isBlank());
    this.allowReleaseNamespace = allowReleaseNamespace;
  }

  /** A policy at one level everywhere, with no other service account and no release namespace. */
  public static JobPolicy at(Level level) {
    return new JobPolicy(level, Map.of(), Map.of(), Optional.empty(), false);
  }

  /**
   * The policy the settings describe.
   *
   * @throws IllegalArgumentException naming every malformed setting
   */
  public static JobPolicy of(PolicyConfig config, Optional<String> releaseNamespace) {
    List<String> problems = new ArrayList<>();
    Level defaultLevel =
        Level.parse(config.defaultLevel())
            .orElseGet(
                () -> {
                  problems.add(
                      "nightshift.policy.default-level is \""
                          + config.defaultLevel()
                          + "\"; it must be privileged, baseline or restricted");
                  return Level.BASELINE;
                });
    Map<String, Level> levels = new LinkedHashMap<>();
    for (String entry : orEmpty(config.namespaceLevels())) {
      String[] parts = entry.split("=", -1);
      Optional<Level> level = parts.length == 2 ? Level.parse(parts[1]) : Optional.empty();
      if (level.isEmpty() || parts[0].isBlank()) {
        problems.add(
            "nightshift.policy.namespace-levels has \""
                + entry
                + "\"; each entry must be namespace=level, the level privileged, baseline or"
                + " restricted");
      } else {
        levels.put(parts[0].trim(), level.get());
      }
    }
    Map<String, Set<String>> accounts = new LinkedHashMap<>();
    for (String entry : orEmpty(config.serviceAccounts())) {
      String[] parts = entry.split("/", -1);
      if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
        problems.add(
            "nightshift.policy.service-accounts has \""
                + entry
                + "\"; each entry must be namespace/service-account");
      } else {
        accounts.computeIfAbsent(parts[0].trim(), k -> new TreeSet<>()).add(parts[1].trim());
      }
    }
    Map<String, Set<String>> reserved = parseReserved(orEmpty(config.reservedLabels()), problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new JobPolicy(
        defaultLevel, levels, accounts, releaseNamespace, config.allowReleaseNamespace(), reserved);
  }

  private static Map<String, Set<String>> parseReserved(
      List<String> entries, List<String> problems) {
    Map<String, Set<String>> reserved = new LinkedHashMap<>();
    for (String entry : entries) {
      String[] parts = entry.split("=", -1);
      if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
        problems.add(
            "nightshift.policy.reserved-labels has \""
                + entry
                + "\"; each entry must be key=value");
      } else {
        reserved.computeIfAbsent(parts[0].trim(), k -> new TreeSet<>()).add(parts[1].trim());
      }
    }
    return reserved;
  }

  /** The Pod Security Standards level of {@code namespace}. */
  public Level level(String namespace) {
    return levels.getOrDefault(namespace, defaultLevel);
  }

  /** Where Nightshift runs, when known. */
  public Optional<String> releaseNamespace() {
    return releaseNamespace;
  }

  /**
   * Whether a shorthand step's pod gets the restricted securityContext from Nightshift (non-root,
   * the runtime's seccomp profile, no privilege escalation, every capability dropped): in a
   * restricted namespace, where the shorthand could not run otherwise.
   */
  public boolean hardensShorthand(String namespace) {
    return level(namespace) == Level.RESTRICTED;
  }

  /** Every violation of the policy by {@code workflow}, with JSON pointers into it. */
  public List<Violation> check(Workflow workflow) {
    List<Violation> violations = new ArrayList<>();
    String namespace = workflow.metadata() == null ? null : workflow.namespace();
    if (namespace == null) {
      return violations;
    }
    releaseNamespace(namespace, "/metadata/namespace").ifPresent(violations::add);
    // Whatever the binder could bind: missing pieces are the validator's to report.
    List<Step> steps = workflow.spec() == null ? null : workflow.spec().steps();
    if (steps != null) {
      for (int i = 0; i < steps.size(); i++) {
        if (steps.get(i) != null) {
          violations.addAll(check(namespace, steps.get(i), "/spec/steps/" + i));
        }
      }
    }
    return violations;
  }

  /**
   * Every violation of the policy by a step about to become a Job in {@code namespace}, with JSON
   * pointers from the step ({@code /jobTemplate/…}); the namespace, when it is refused, as {@code
   * /metadata/namespace}.
   */
  public List<Violation> checkLaunch(String namespace, Step step) {
    List<Violation> violations = new ArrayList<>();
    releaseNamespace(namespace, "/metadata/namespace").ifPresent(violations::add);
    violations.addAll(check(namespace, step, ""));
    return violations;
  }

  /** The violations in one sentence, for a step's message. */
  public static String describe(List<Violation> violations) {
    return "the step breaks the Job policy: "
        + violations.stream()
            .map(violation -> violation.path() + ": " + violation.message())
            .collect(Collectors.joining("; "));
  }

  /** Every violation of the policy by one step, at {@code path}, in {@code namespace}. */
  List<Violation> check(String namespace, Step step, String path) {
    List<Violation> violations = new ArrayList<>();
    if (step.serviceAccountName() != null) {
      serviceAccount(namespace, step.serviceAccountName(), path + "/serviceAccountName")
          .ifPresent(violations::add);
    }
    Map<String, Object> jobSpec = step.jobSpec();
    if (jobSpec == null) {
      return violations;
    }
    String jobPath = path + step.jobSpecPointer();
    reservedLabels(
        step.jobTemplate().get("metadata"),
        path + "/jobTemplate/metadata/labels",
        "labels",
        violations);
    reservedLabels(
        jobSpec.get("selector"), jobPath + "/selector/matchLabels", "matchLabels", violations);
    Object template = jobSpec.get("template");
    String templatePath = jobPath + "/template";
    if (template instanceof Map<?, ?> pod) {
      reservedLabels(pod.get("metadata"), templatePath + "/metadata/labels", "labels", violations);
      if (pod.get("spec") instanceof Map<?, ?> spec) {
        for (String field : List.of("serviceAccountName", "serviceAccount")) {
          if (spec.get(field) != null) {
            serviceAccount(
                    namespace, String.valueOf(spec.get(field)), templatePath + "/spec/" + field)
                .ifPresent(violations::add);
          }
        }
      }
    }
    Level level = level(namespace);
    for (PodSecurity.Finding finding : PodSecurity.check(template, templatePath)) {
      if (level.enforces(finding.forbiddenFrom())) {
        Level allowing = finding.forbiddenFrom().below();
        violations.add(
            new Violation(
                finding.path(),
                finding.forbiddenFrom().label()
                    + ": "
                    + finding.control()
                    + ": "
                    + finding.problem()
                    + " (namespace "
                    + namespace
                    + " is at level "
                    + level.label()
                    + "; allowed at level "
                    + allowing.label()
                    + ": add "
                    + namespace
                    + "="
                    + allowing.label()
                    + " to "
                    + LEVELS_SETTING
                    + ")"));
      }
    }
    return violations;
  }

  private Optional<Violation> releaseNamespace(String namespace, String path) {
    if (allowReleaseNamespace || releaseNamespace.isEmpty()) {
      return Optional.empty();
    }
    if (!releaseNamespace.get().equals(namespace)) {
      return Optional.empty();
    }
    return Optional.of(
        new Violation(
            path,
            "every level: Release Namespace: \""
                + namespace
                + "\" is the namespace Nightshift runs in, beside its admin token, its database"
                + " password and its own ServiceAccount; run workflows in other namespaces (to"
                + " allow it, set nightshift.policy.allow-release-namespace=true)"));
  }

  private Optional<Violation> serviceAccount(String namespace, String name, String path) {
    Set<String> allowed = serviceAccounts.getOrDefault(namespace, Set.of());
    if (DEFAULT_SERVICE_ACCOUNT.equals(name) || allowed.contains(name)) {
      return Optional.empty();
    }
    Set<String> all = new TreeSet<>(allowed);
    all.add(DEFAULT_SERVICE_ACCOUNT);
    return Optional.of(
        new Violation(
            path,
            "every level: Service Account: \""
                + name
                + "\" is not allowed in namespace "
                + namespace
                + ", only "
                + String.join(", ", all)
                + "; to allow it, add "
                + namespace
                + "/"
                + name
                + " to "
                + ACCOUNTS_SETTING));
  }

  /**
   * Refuses the labels Nightshift's selectors use, in {@code holder}'s {@code field}: any {@code
   * nightshift.io/} key (its Jobs and runs), and the values of its pods' selector labels. A pod can
   * carry {@code app.kubernetes.io/name} of its own, as every Helm chart's do.
   */
  private void reservedLabels(
      Object holder, String path, String field, List<Violation> violations) {
    if (!(holder instanceof Map<?, ?> map) || !(map.get(field) instanceof Map<?, ?> labels)) {
      return;
    }
    for (Map.Entry<?, ?> entry : labels.entrySet()) {
      String label = String.valueOf(entry.getKey());
      String value = String.valueOf(entry.getValue());
      if (label.startsWith(RESERVED_LABEL_PREFIX)) {
        violations.add(
            new Violation(
                Violation.pointer(path, label),
                "every level: Reserved Labels: "
                    + label
                    + " is used by Nightshift's own selectors (its Jobs and runs), so no step's"
                    + " pods may carry it; nothing allows it"));
      } else if (reservedLabels.getOrDefault(label, Set.of()).contains(value)) {
        violations.add(
            new Violation(
                Violation.pointer(path, label),
                "every level: Reserved Labels: "
                    + label
                    + "="
                    + value
                    + " selects Nightshift's own pods (its Service, NetworkPolicy and disruption"
                    + " budget; nightshift.policy.reserved-labels), so no step's pods may carry it;"
                    + " nothing allows it: give the label another value"));
      }
    }
  }

  private static List<String> orEmpty(List<String> list) {
    return list == null ? List.of() : list;
  }
}
