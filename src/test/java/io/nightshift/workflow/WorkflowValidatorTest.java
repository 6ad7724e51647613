package io.nightshift.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.workflow.DefinitionCodec.Format;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules on their own; WorkflowValidationIT covers each through HTTP. */
class WorkflowValidatorTest {

  private final DefinitionCodec codec = new DefinitionCodec();
  private final WorkflowValidator validator = new WorkflowValidator();

  private List<Violation> validate(String steps) {
    String yaml =
        "apiVersion: nightshift.io/v1\nkind: Workflow\nmetadata: {name: w, namespace: n}\nspec:\n  steps:\n"
            + steps;
    List<Violation> violations = new ArrayList<>();
    Workflow workflow = codec.read(yaml.getBytes(StandardCharsets.UTF_8), Format.YAML, violations);
    violations.addAll(validator.validate(workflow, violations));
    return violations;
  }

  @Test
  void a_valid_chain_has_no_violations() {
    assertThat(
            validate(
                """
                    - {name: a, image: busybox}
                    - {name: b, image: busybox, dependsOn: [a], when: always}
                """))
        .isEmpty();
  }

  @Test
  void a_cycle_is_reported_once_at_the_dependson_of_its_first_step() {
    List<Violation> violations =
        validate(
            """
                - {name: a, image: busybox, dependsOn: [c]}
                - {name: b, image: busybox, dependsOn: [a]}
                - {name: c, image: busybox, dependsOn: [b]}
            """);

    assertThat(violations)
        .containsExactly(
            new Violation("/spec/steps/0/dependsOn", "dependency cycle: a -> c -> b -> a"));
  }

  @Test
  void a_field_of_the_wrong_type_is_not_also_reported_as_missing() {
    List<Violation> violations = validate("    - {name: 7, image: busybox}\n");

    assertThat(violations).extracting(Violation::path).containsExactly("/spec/steps/0/name");
    assertThat(violations.get(0).message()).contains("must be a string");
  }

  @Test
  void both_shorthand_and_job_template_names_the_shorthand_fields_found() {
    List<Violation> violations =
        validate(
            """
                - name: a
                  image: busybox
                  backoffLimit: 2
                  jobTemplate: {template: {spec: {containers: [{name: c, image: i}]}}}
            """);

    assertThat(violations)
        .containsExactly(
            new Violation(
                "/spec/steps/0",
                "use either the shorthand (image, backoffLimit) or jobTemplate, not both"));
  }

  @Test
  void a_job_template_spec_as_a_cron_job_writes_it_is_accepted() {
    List<Violation> violations =
        validate(
            """
                - name: a
                  jobTemplate:
                    metadata: {labels: {team: data}, annotations: {owner: "data@example.com"}}
                    spec:
                      backoffLimit: 2
                      template: {spec: {restartPolicy: OnFailure, containers: [{name: c, image: i}]}}
            """);

    assertThat(violations).isEmpty();
  }

  @Test
  void a_job_template_spec_is_checked_below_its_spec_and_names_fields_it_cannot_hold() {
    List<Violation> violations =
        validate(
            """
                - name: a
                  jobTemplate:
                    metadata: {name: fixed, labels: {team: "data team"}}
                    template: {spec: {containers: [{name: c, image: i}]}}
                    spec:
                      template: {spec: {restartPolicy: Always, containers: [{name: c, image: i}]}}
            """);

    assertThat(violations)
        .extracting(Violation::path)
        .containsExactlyInAnyOrder(
            "/spec/steps/0/jobTemplate/template",
            "/spec/steps/0/jobTemplate/metadata/name",
            "/spec/steps/0/jobTemplate/metadata/labels/team",
            "/spec/steps/0/jobTemplate/spec/template/spec/restartPolicy");
  }

  @Test
  void a_last_schedule_time_annotation_must_be_an_rfc_3339_time() {
    String yaml =
        """
        apiVersion: nightshift.io/v1
        kind: Workflow
        metadata:
          name: w
          namespace: n
          annotations: {nightshift.io/last-schedule-time: "%s"}
        spec:
          steps: [{name: a, image: busybox}]
        """;
    List<Violation> good = new ArrayList<>();
    Workflow imported =
        codec.read(
            yaml.formatted("2027-01-04T02:00:00+01:00").getBytes(StandardCharsets.UTF_8),
            Format.YAML,
            good);
    good.addAll(validator.validate(imported, good));
    List<Violation> bad = new ArrayList<>();
    Workflow garbled =
        codec.read(
            yaml.formatted("yesterday at two").getBytes(StandardCharsets.UTF_8), Format.YAML, bad);
    bad.addAll(validator.validate(garbled, bad));

    assertThat(good).isEmpty();
    assertThat(imported.metadata().lastScheduleTime())
        .contains(java.time.Instant.parse("2027-01-04T01:00:00Z"));
    assertThat(bad)
        .containsExactly(
            new Violation(
                "/metadata/annotations/nightshift.io~1last-schedule-time",
                "must be an RFC 3339 time, e.g. 2026-12-01T02:00:00Z"));
  }

  @Test
  void secret_env_needs_a_name_and_a_key() {
    List<Violation> violations =
        validate(
            """
                - name: a
                  image: busybox
                  env: [{name: PGPASSWORD, valueFrom: {secretKeyRef: {name: pg}}}]
            """);

    assertThat(violations)
        .containsExactly(
            new Violation("/spec/steps/0/env/0/valueFrom/secretKeyRef/key", "required"));
  }
}
