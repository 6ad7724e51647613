package io.nightshift.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.workflow.DefinitionCodec.Format;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DefinitionCodecTest {

  private final DefinitionCodec codec = new DefinitionCodec();

  private Workflow read(String yaml, List<Violation> violations) {
    return codec.read(yaml.getBytes(StandardCharsets.UTF_8), Format.YAML, violations);
  }

  @Test
  void binds_what_it_can_and_reports_every_unknown_field_and_wrong_type() {
    List<Violation> violations = new ArrayList<>();

    Workflow workflow =
        read(
            """
            apiVersion: nightshift.io/v1
            kind: Workflow
            metadata: {name: w, colour: blue}
            spec:
              schedule: 5
              suspend: "yes"
              steps:
                - {name: a, image: busybox, command: echo, retries: 2}
            """,
            violations);

    assertThat(violations)
        .extracting(Violation::path)
        .containsExactly(
            "/metadata/colour", "/spec/schedule", "/spec/suspend", "/spec/steps/0/command");
    assertThat(workflow.metadata().name()).isEqualTo("w");
    assertThat(workflow.spec().steps().get(0).retries()).isEqualTo(2);
    assertThat(workflow.spec().schedule()).isNull();
  }

  @Test
  void json_pointer_tokens_are_escaped() {
    List<Violation> violations = new ArrayList<>();

    read("metadata: {labels: {example.com/team: [x]}}\nspec: {\"a/b~c\": 1}\n", violations);

    assertThat(violations)
        .extracting(Violation::path)
        .contains("/metadata/labels/example.com~1team", "/spec/a~1b~0c");
  }

  @Test
  void writes_json_that_reads_back_to_an_equal_workflow() {
    List<Violation> violations = new ArrayList<>();
    Workflow workflow =
        read(
            """
            apiVersion: nightshift.io/v1
            kind: Workflow
            metadata: {name: w, namespace: data, labels: {z: "1", a: "2"}}
            spec:
              parameters: {zeta: "1", alpha: "2"}
              steps:
                - name: etl
                  jobTemplate: {completions: 3, template: {spec: {containers: [{name: c, image: i}]}}}
            """,
            violations);
    assertThat(violations).isEmpty();

    String json = codec.writeJson(workflow);

    assertThat(codec.readStored(json)).isEqualTo(workflow);
    assertThat(json).contains("\"parameters\":{\"zeta\":\"1\",\"alpha\":\"2\"}");
  }

  @Test
  void an_empty_body_is_malformed() {
    assertThatThrownBy(() -> read("", new ArrayList<>()))
        .isInstanceOf(MalformedDefinitionException.class)
        .hasMessageContaining("empty");
  }
}
