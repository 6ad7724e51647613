package io.nightshift.workflow.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.nightshift.workflow.DefinitionCodec;
import io.nightshift.workflow.Step;
import io.nightshift.workflow.Violation;
import io.nightshift.workflow.Workflow;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each control of the Pod Security Standards refuses its example at the level that forbids it and
 * lets it through at the level below; and the rules of Nightshift's own (service accounts, reserved
 * labels, the release namespace) hold at every level.
 */
class JobPolicyTest {

  private static final DefinitionCodec CODEC = new DefinitionCodec();
  private static final ObjectMapper TREE = new ObjectMapper();
  private static final String NS = "data";

  /** A Job that keeps to restricted: each case changes one thing of it. */
  private static final String RESTRICTED_JOB =
      """
      template:
        metadata: {labels: {team: data}}
        spec:
          securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
          volumes: [{name: scratch, emptyDir: {}}, {name: data, persistentVolumeClaim: {claimName: d}}]
          containers:
            - name: main
              image: busybox:1.36
              ports: [{containerPort: 8080}]
              securityContext:
                allowPrivilegeEscalation: false
                capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
      """;

  private static final String C0 = "spec/containers/0/securityContext/";
  private static final String POD = "spec/securityContext/";

  /** A case: set {@code field} (a pointer under the pod template) to {@code value}. */
  private static Arguments refused(
      String control, Level level, String field, Object value, String offending) {
    return Arguments.of(control, level, field, value, offending);
  }

  static Stream<Arguments> controls() {
    Map<String, Object> privilegedInit = new LinkedHashMap<>();
    privilegedInit.put("name", "init");
    privilegedInit.put("image", "busybox:1.36");
    privilegedInit.put(
        "securityContext",
        Map.of(
            "privileged",
            true,
            "allowPrivilegeEscalation",
            false,
            "capabilities",
            Map.of("drop", List.of("ALL"))));
    Map<String, Object> privilegedEphemeral = new LinkedHashMap<>(privilegedInit);
    privilegedEphemeral.put("name", "debug");
    return Stream.of(
        refused("HostProcess", Level.BASELINE, POD + "windowsOptions/hostProcess", true, null),
        refused("HostProcess", Level.BASELINE, C0 + "windowsOptions/hostProcess", true, null),
        refused("Host Namespaces", Level.BASELINE, "spec/hostNetwork", true, null),
        refused("Host Namespaces", Level.BASELINE, "spec/hostPID", true, null),
        refused("Host Namespaces", Level.BASELINE, "spec/hostIPC", true, null),
        refused("Privileged Containers", Level.BASELINE, C0 + "privileged", true, null),
        refused(
            "Privileged Containers",
            Level.BASELINE,
            "spec/initContainers",
            List.of(privilegedInit),
            "spec/initContainers/0/securityContext/privileged"),
        refused(
            "Privileged Containers",
            Level.BASELINE,
            "spec/ephemeralContainers",
            List.of(privilegedEphemeral),
            "spec/ephemeralContainers/0/securityContext/privileged"),
        refused(
            "Capabilities",
            Level.BASELINE,
            C0 + "capabilities/add",
            List.of("SYS_ADMIN"),
            C0 + "capabilities/add/0"),
        refused(
            "HostPath Volumes",
            Level.BASELINE,
            "spec/volumes/0",
            Map.of("name", "root", "hostPath", Map.of("path", "/")),
            "spec/volumes/0/hostPath"),
        refused(
            "Host Ports",
            Level.BASELINE,
            "spec/containers/0/ports/0/hostPort",
            80,
            "spec/containers/0/ports/0/hostPort"),
        refused("AppArmor", Level.BASELINE, POD + "appArmorProfile/type", "Unconfined", null),
        refused("AppArmor", Level.BASELINE, C0 + "appArmorProfile/type", "Unconfined", null),
        refused(
            "AppArmor",
            Level.BASELINE,
            "metadata/annotations/container.apparmor.security.beta.kubernetes.io~1main",
            "unconfined",
            null),
        refused("SELinux", Level.BASELINE, POD + "seLinuxOptions/type", "spc_t", null),
        refused("SELinux", Level.BASELINE, C0 + "seLinuxOptions/type", "spc_t", null),
        refused("SELinux", Level.BASELINE, C0 + "seLinuxOptions/user", "system_u", null),
        refused("SELinux", Level.BASELINE, POD + "seLinuxOptions/role", "system_r", null),
        refused("/proc Mount Type", Level.BASELINE, C0 + "procMount", "Unmasked", null),
        refused("Seccomp", Level.BASELINE, POD + "seccompProfile/type", "Unconfined", null),
        refused("Seccomp", Level.BASELINE, C0 + "seccompProfile/type", "Unconfined", null),
        refused(
            "Sysctls",
            Level.BASELINE,
            POD + "sysctls",
            List.of(Map.of("name", "kernel.msgmax", "value", "65536")),
            POD + "sysctls/0/name"),
        refused(
            "Volume Types",
            Level.RESTRICTED,
            "spec/volumes/0",
            Map.of("name", "share", "nfs", Map.of("server", "nfs", "path", "/")),
            "spec/volumes/0/nfs"),
        refused(
            "Privilege Escalation", Level.RESTRICTED, C0 + "allowPrivilegeEscalation", true, null),
        refused(
            "Privilege Escalation",
            Level.RESTRICTED,
            C0 + "allowPrivilegeEscalation",
            null,
            C0 + "allowPrivilegeEscalation"),
        refused("Running as Non-root", Level.RESTRICTED, POD + "runAsNonRoot", false, null),
        refused(
            "Running as Non-root",
            Level.RESTRICTED,
            POD + "runAsNonRoot",
            null,
            POD + "runAsNonRoot"),
        refused("Running as Non-root", Level.RESTRICTED, C0 + "runAsNonRoot", false, null),
        refused("Running as Non-root user", Level.RESTRICTED, POD + "runAsUser", 0, null),
        refused("Running as Non-root user", Level.RESTRICTED, C0 + "runAsUser", 0, null),
        refused(
            "Seccomp", Level.RESTRICTED, POD + "seccompProfile", null, POD + "seccompProfile/type"),
        refused(
            "Capabilities",
            Level.RESTRICTED,
            C0 + "capabilities/add",
            List.of("CHOWN"),
            C0 + "capabilities/add/0"),
        refused(
            "Capabilities",
            Level.RESTRICTED,
            C0 + "capabilities/drop",
            List.of("NET_RAW"),
            C0 + "capabilities/drop"));
  }

  @ParameterizedTest(name = "{0}: {2} = {3} is refused at {1}")
  @MethodSource("controls")
  void each_control_refuses_its_example_at_the_level_that_forbids_it_and_allows_it_below(
      String control, Level level, String field, Object value, String offending) {
    Step step = jobTemplateStep(changed(RESTRICTED_JOB, field, value));
    String path = "/spec/steps/0/jobTemplate/template/" + (offending == null ? field : offending);

    List<Violation> refused = JobPolicy.at(level).check(workflow(NS, step));
    assertThat(refused)
        .as("at %s", level)
        .anySatisfy(
            violation -> {
              assertThat(violation.path()).isEqualTo(path);
              assertThat(violation.message())
                  .startsWith(level.label() + ": " + control + ": ")
                  .contains("add data=" + level.below().label() + " to nightshift.policy");
            });
    if (level == Level.BASELINE) {
      assertThat(JobPolicy.at(Level.RESTRICTED).check(workflow(NS, step)))
          .as("restricted forbids what baseline forbids")
          .anySatisfy(violation -> assertThat(violation.path()).isEqualTo(path));
    }
    assertThat(JobPolicy.at(level.below()).check(workflow(NS, step)))
        .as("at %s", level.below())
        .isEmpty();
  }

  @Test
  void the_restricted_example_passes_restricted_and_an_open_pod_passes_privileged() {
    assertThat(
            JobPolicy.at(Level.RESTRICTED)
                .check(workflow(NS, jobTemplateStep(tree(RESTRICTED_JOB)))))
        .isEmpty();
    Map<String, Object> owner = nodeOwner();
    assertThat(JobPolicy.at(Level.PRIVILEGED).check(workflow(NS, jobTemplateStep(owner))))
        .isEmpty();
  }

  /** A restricted Job turned into one that owns its node: host PID, a hostPath of /, privileged. */
  private static Map<String, Object> nodeOwner() {
    return changed(
        changed(
            changed(RESTRICTED_JOB, "spec/hostPID", true),
            "spec/volumes/0",
            Map.of("name", "root", "hostPath", Map.of("path", "/"))),
        C0 + "privileged",
        true);
  }

  @Test
  void every_violation_of_a_step_is_reported_at_once() {
    Map<String, Object> owner = nodeOwner();
    assertThat(JobPolicy.at(Level.BASELINE).check(workflow(NS, jobTemplateStep(owner))))
        .extracting(Violation::path)
        .containsExactlyInAnyOrder(
            "/spec/steps/0/jobTemplate/template/spec/hostPID",
            "/spec/steps/0/jobTemplate/template/spec/volumes/0/hostPath",
            "/spec/steps/0/jobTemplate/template/" + C0 + "privileged");
  }

  @Test
  void a_windows_pod_is_exempt_from_privilege_escalation_seccomp_and_dropping_capabilities() {
    Map<String, Object> windows = tree(RESTRICTED_JOB);
    windows = changed(windows, "spec/os", Map.of("name", "windows"));
    windows = changed(windows, POD + "seccompProfile", null);
    windows = changed(windows, C0 + "allowPrivilegeEscalation", null);
    windows = changed(windows, C0 + "capabilities", null);
    assertThat(JobPolicy.at(Level.RESTRICTED).check(workflow(NS, jobTemplateStep(windows))))
        .isEmpty();
  }

  @Test
  void the_shorthand_passes_every_level_since_nightshift_hardens_it_at_restricted() {
    Step shorthand = step("{name: only, image: busybox:1.36, command: ['true']}");
    for (Level level : Level.values()) {
      assertThat(JobPolicy.at(level).check(workflow(NS, shorthand))).isEmpty();
    }
    assertThat(JobPolicy.at(Level.RESTRICTED).hardensShorthand(NS)).isTrue();
    assertThat(JobPolicy.at(Level.BASELINE).hardensShorthand(NS)).isFalse();
  }

  @Test
  void a_service_account_not_allowed_in_the_namespace_is_refused_at_every_level() {
    Step shorthand = step("{name: only, image: busybox:1.36, serviceAccountName: nightshift}");
    Step template =
        jobTemplateStep(changed(RESTRICTED_JOB, "spec/serviceAccountName", "nightshift"));
    Step deprecated = jobTemplateStep(changed(RESTRICTED_JOB, "spec/serviceAccount", "nightshift"));
    for (Level level : Level.values()) {
      assertThat(JobPolicy.at(level).check(workflow(NS, shorthand, template, deprecated)))
          .extracting(Violation::path)
          .containsExactly(
              "/spec/steps/0/serviceAccountName",
              "/spec/steps/1/jobTemplate/template/spec/serviceAccountName",
              "/spec/steps/2/jobTemplate/template/spec/serviceAccount");
    }
    assertThat(JobPolicy.at(Level.BASELINE).check(workflow(NS, shorthand)).get(0).message())
        .startsWith("every level: Service Account: \"nightshift\" is not allowed in namespace data")
        .contains("add data/nightshift to nightshift.policy.service-accounts");
  }

  @Test
  void the_default_service_account_and_those_allowed_for_the_namespace_are_accepted() {
    JobPolicy policy =
        JobPolicy.of(
            new PolicyConfig("baseline", null, List.of("data/etl", "other/backup"), false),
            Optional.empty());
    Step etl = step("{name: a, image: busybox:1.36, serviceAccountName: etl}");
    Step standard = step("{name: b, image: busybox:1.36, serviceAccountName: default}");
    Step backup = step("{name: c, image: busybox:1.36, serviceAccountName: backup}");
    assertThat(policy.check(workflow(NS, etl, standard))).isEmpty();
    assertThat(policy.check(workflow(NS, backup)))
        .as("allowed in another namespace only")
        .extracting(Violation::path)
        .containsExactly("/spec/steps/0/serviceAccountName");
  }

  @Test
  void labels_that_nightshifts_selectors_use_are_refused_on_the_pods_and_the_job() {
    Map<String, Object> job = tree(RESTRICTED_JOB);
    job = changed(job, "metadata/labels/app.kubernetes.io~1name", "nightshift");
    job = changed(job, "metadata/labels/app.kubernetes.io~1instance", "nightshift");
    job = changed(job, "metadata/labels/nightshift.io~1run", "01RUN");
    Map<String, Object> spec = new LinkedHashMap<>(job);
    spec.put("selector", Map.of("matchLabels", Map.of("app.kubernetes.io/name", "nightshift")));
    for (Level level : Level.values()) {
      assertThat(JobPolicy.at(level).check(workflow(NS, jobTemplateStep(spec))))
          .extracting(Violation::path)
          .containsExactlyInAnyOrder(
              "/spec/steps/0/jobTemplate/selector/matchLabels/app.kubernetes.io~1name",
              "/spec/steps/0/jobTemplate/template/metadata/labels/app.kubernetes.io~1name",
              "/spec/steps/0/jobTemplate/template/metadata/labels/app.kubernetes.io~1instance",
              "/spec/steps/0/jobTemplate/template/metadata/labels/nightshift.io~1run");
    }
  }

  @Test
  void a_pods_own_app_name_and_instance_are_allowed_and_the_release_s_configured_ones_refused() {
    Map<String, Object> job = tree(RESTRICTED_JOB);
    job = changed(job, "metadata/labels/app.kubernetes.io~1name", "crm-sync");
    job = changed(job, "metadata/labels/app.kubernetes.io~1instance", "crm");
    Step step = jobTemplateStep(job);
    JobPolicy releaseCalledCrm =
        JobPolicy.of(
            new PolicyConfig(
                "baseline",
                null,
                null,
                false,
                List.of("app.kubernetes.io/name=nightshift", "app.kubernetes.io/instance=crm")),
            Optional.empty());

    assertThat(JobPolicy.at(Level.RESTRICTED).check(workflow(NS, step)))
        .as("a Helm chart's own labels")
        .isEmpty();
    assertThat(releaseCalledCrm.check(workflow(NS, step)))
        .singleElement()
        .satisfies(
            violation -> {
              assertThat(violation.path())
                  .isEqualTo(
                      "/spec/steps/0/jobTemplate/template/metadata/labels/app.kubernetes.io~1instance");
              assertThat(violation.message())
                  .contains("app.kubernetes.io/instance=crm", "nightshift.policy.reserved-labels");
            });
    assertThatThrownBy(
            () ->
                JobPolicy.of(
                    new PolicyConfig(
                        "baseline", null, null, false, List.of("app.kubernetes.io/name")),
                    Optional.empty()))
        .hasMessageContaining("nightshift.policy.reserved-labels has \"app.kubernetes.io/name\"");
  }

  @Test
  void the_release_namespace_is_refused_unless_allowed() {
    Step shorthand = step("{name: only, image: busybox:1.36}");
    PolicyConfig refusing = new PolicyConfig("privileged", null, null, false);
    PolicyConfig allowing = new PolicyConfig("privileged", null, null, true);
    List<Violation> refused =
        JobPolicy.of(refusing, Optional.of("nightshift")).check(workflow("nightshift", shorthand));
    assertThat(refused).extracting(Violation::path).containsExactly("/metadata/namespace");
    assertThat(refused.get(0).message())
        .startsWith("every level: Release Namespace:")
        .contains("nightshift.policy.allow-release-namespace=true");
    assertThat(JobPolicy.of(refusing, Optional.of("nightshift")).check(workflow(NS, shorthand)))
        .isEmpty();
    assertThat(
            JobPolicy.of(allowing, Optional.of("nightshift"))
                .check(workflow("nightshift", shorthand)))
        .isEmpty();
    assertThat(
            JobPolicy.of(refusing, Optional.of("nightshift")).checkLaunch("nightshift", shorthand))
        .extracting(Violation::path)
        .containsExactly("/metadata/namespace");
  }

  @Test
  void each_namespace_has_its_own_level_over_the_default() {
    JobPolicy policy =
        JobPolicy.of(
            new PolicyConfig(
                "restricted", List.of("infra=privileged", "data=baseline"), null, false),
            Optional.empty());
    assertThat(policy.level("infra")).isEqualTo(Level.PRIVILEGED);
    assertThat(policy.level("data")).isEqualTo(Level.BASELINE);
    assertThat(policy.level("anything-else")).isEqualTo(Level.RESTRICTED);
    Step root = jobTemplateStep(changed(RESTRICTED_JOB, POD + "runAsUser", 0));
    assertThat(policy.check(workflow("data", root))).isEmpty();
    assertThat(policy.check(workflow("team-a", root)))
        .extracting(Violation::path)
        .containsExactly("/spec/steps/0/jobTemplate/template/" + POD + "runAsUser");
  }

  @Test
  void malformed_settings_are_refused_all_at_once_naming_each() {
    assertThatThrownBy(
            () ->
                JobPolicy.of(
                    new PolicyConfig(
                        "strict", List.of("data=lenient", "=baseline"), List.of("etl"), false),
                    Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("default-level is \"strict\"")
        .hasMessageContaining("\"data=lenient\"")
        .hasMessageContaining("\"=baseline\"")
        .hasMessageContaining("service-accounts has \"etl\"");
  }

  @Test
  void a_definition_without_steps_or_spec_is_left_to_the_validator() {
    Workflow noSteps =
        workflow(NS)
            .withSpec(
                new io.nightshift.workflow.WorkflowSpec(
                    null, null, null, null, null, null, null, null, null, null));
    assertThat(JobPolicy.at(Level.RESTRICTED).check(noSteps)).isEmpty();
    assertThat(JobPolicy.at(Level.RESTRICTED).check(workflow(NS).withSpec(null))).isEmpty();
  }

  @Test
  void a_launch_names_the_fields_from_the_step() {
    Step step = jobTemplateStep(changed(RESTRICTED_JOB, "spec/hostPID", true));
    List<Violation> violations = JobPolicy.at(Level.BASELINE).checkLaunch(NS, step);
    assertThat(violations)
        .extracting(Violation::path)
        .containsExactly("/jobTemplate/template/spec/hostPID");
    assertThat(JobPolicy.describe(violations))
        .startsWith(
            "the step breaks the Job policy: /jobTemplate/template/spec/hostPID: baseline:");
  }

  // ---------------------------------------------------------------------------------------------

  private static Map<String, Object> tree(String yaml) {
    try {
      return new YAMLMapper().readValue(yaml, new TypeReference<Map<String, Object>>() {});
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> changed(String yaml, String pointer, Object value) {
    return changed(tree(yaml), pointer, value);
  }

  /**
   * A copy of the Job {@code tree} with the field at {@code pointer}, under its pod template, set;
   * or removed when {@code value} is null.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> changed(
      Map<String, Object> tree, String pointer, Object value) {
    Map<String, Object> copy = TREE.convertValue(tree, new TypeReference<>() {});
    String[] tokens = ("template/" + pointer).split("/");
    Object parent = copy;
    for (int i = 0; i < tokens.length; i++) {
      String token = tokens[i].replace("~1", "/").replace("~0", "~");
      boolean last = i == tokens.length - 1;
      if (parent instanceof List<?> list) {
        List<Object> items = (List<Object>) list;
        int index = Integer.parseInt(token);
        if (last) {
          if (index < items.size()) {
            items.set(index, value);
          } else {
            items.add(value);
          }
          return copy;
        }
        if (index == items.size()) {
          items.add(new LinkedHashMap<String, Object>());
        }
        parent = items.get(index);
      } else {
        Map<String, Object> map = (Map<String, Object>) parent;
        if (last) {
          if (value == null) {
            map.remove(token);
          } else {
            map.put(token, value);
          }
          return copy;
        }
        Object child = map.get(token);
        if (child == null) {
          child =
              tokens[i + 1].matches("\\d+")
                  ? new ArrayList<Object>()
                  : new LinkedHashMap<String, Object>();
          map.put(token, child);
        }
        parent = child;
      }
    }
    return copy;
  }

  private static Step jobTemplateStep(Map<String, Object> jobTemplate) {
    return new Step(
        "only", null, null, null, null, null, null, null, null, null, null, null, jobTemplate);
  }

  private static Step step(String yaml) {
    List<Violation> violations = new ArrayList<>();
    Workflow workflow =
        CODEC.read(
            ("apiVersion: nightshift.io/v1\nkind: Workflow\nspec:\n  steps:\n    - " + yaml)
                .getBytes(StandardCharsets.UTF_8),
            DefinitionCodec.Format.YAML,
            violations);
    assertThat(violations).isEmpty();
    return workflow.spec().steps().get(0);
  }

  private static Workflow workflow(String namespace, Step... steps) {
    List<Violation> violations = new ArrayList<>();
    Workflow parsed =
        CODEC.read(
            ("apiVersion: nightshift.io/v1\nkind: Workflow\nmetadata: {name: w, namespace: "
                    + namespace
                    + "}\nspec:\n  steps: []\n")
                .getBytes(StandardCharsets.UTF_8),
            DefinitionCodec.Format.YAML,
            violations);
    return parsed.withSpec(
        new io.nightshift.workflow.WorkflowSpec(
            null, null, null, null, null, null, null, null, null, List.of(steps)));
  }
}
