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
