package io.nightshift.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Job;
import io.nightshift.executor.Executor;
import io.nightshift.workflow.DefinitionCodec;
import io.nightshift.workflow.Step;
import io.nightshift.workflow.Workflow;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobsTest {

  private static final DefinitionCodec CODEC = new DefinitionCodec();

  private static Step step(String yaml) {
    List<io.nightshift.workflow.Violation> violations = new ArrayList<>();
    Workflow workflow =
        CODEC.read(
            ("apiVersion: nightshift.io/v1\nkind: Workflow\nspec:\n  steps:\n" + yaml.indent(4))
                .getBytes(StandardCharsets.UTF_8),
            DefinitionCodec.Format.YAML,
            violations);
    assertThat(violations).isEmpty();
    return workflow.spec().steps().get(0);
  }

  private static Executor.Launch launch(Step step) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("RETENTION_DAYS", "7");
    env.put("NIGHTSHIFT_WORKFLOW", "nightly");
    env.put("NIGHTSHIFT_RUN_ID", "01RUN");
    env.put("NIGHTSHIFT_STEP", step.name());
    env.put("NIGHTSHIFT_SCHEDULED_TIME", "2026-11-23T02:00:00Z");
    env.put("NIGHTSHIFT_ATTEMPT", "2");
    return new Executor.Launch(
        "nightly-4-" + step.name() + "-2",
        "01RUN",
        "data",
        step,
        env,
        Instant.parse("2026-11-23T02:00:01Z"));
  }

  private static Map<String, String> env(V1Container container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (V1EnvVar variable : container.getEnv()) {
      env.put(
          variable.getName(),
          variable.getValueFrom() != null
              ? "secret:" + variable.getValueFrom().getSecretKeyRef().getName()
              : variable.getValue());
    }
    return env;
  }

  @Test
  void the_shorthand_becomes_one_container_with_the_steps_fields_labels_and_injected_env() {
    V1Job job =
        Jobs.of(
            launch(
                step(
                    """
                        - name: backup
                          image: postgres:16
                          command: [sh, -c]
                          args: ['pg_dump | gzip > /backups/db.gz']
                          env:
                            - {name: PGHOST, value: db}
                            - name: PGPASSWORD
                              valueFrom: {secretKeyRef: {name: db-credentials, key: password}}
                          resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 512Mi}}
                          backoffLimit: 2
                          activeDeadlineSeconds: 3600
                          serviceAccountName: backup
                    """)));

    assertThat(job.getApiVersion()).isEqualTo("batch/v1");
    assertThat(job.getKind()).isEqualTo("Job");
    assertThat(job.getMetadata().getName()).isEqualTo("nightly-4-backup-2");
    assertThat(job.getMetadata().getNamespace()).isEqualTo("data");
    assertThat(job.getMetadata().getLabels())
        .containsExactly(
            Map.entry("app.kubernetes.io/managed-by", "nightshift"),
            Map.entry("nightshift.io/workflow", "nightly"),
            Map.entry("nightshift.io/run", "01RUN"),
            Map.entry("nightshift.io/step", "backup"));
    assertThat(job.getMetadata().getAnnotations())
        .containsEntry("nightshift.io/scheduled-time", "2026-11-23T02:00:00Z")
        .containsEntry("nightshift.io/attempt", "2");
    assertThat(job.getSpec().getBackoffLimit()).isEqualTo(2);
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(3600L);
    var pod = job.getSpec().getTemplate();
    assertThat(pod.getMetadata().getLabels()).containsAllEntriesOf(job.getMetadata().getLabels());
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("backup");
    V1Container container = pod.getSpec().getContainers().get(0);
    assertThat(container.getName()).isEqualTo("backup");
    assertThat(container.getImage()).isEqualTo("postgres:16");
    assertThat(container.getCommand()).containsExactly("sh", "-c");
    assertThat(container.getArgs()).containsExactly("pg_dump | gzip > /backups/db.gz");
    assertThat(container.getResources().getRequests().get("cpu").toSuffixedString())
        .isEqualTo("100m");
    assertThat(container.getResources().getLimits().get("memory").toSuffixedString())
        .isEqualTo("512Mi");
    assertThat(env(container))
        .containsEntry("PGHOST", "db")
        .containsEntry("PGPASSWORD", "secret:db-credentials")
        .containsEntry("RETENTION_DAYS", "7")
        .containsEntry("NIGHTSHIFT_RUN_ID", "01RUN")
        .containsEntry("NIGHTSHIFT_ATTEMPT", "2");
  }

  @Test
  void a_hardened_shorthand_pod_gets_the_restricted_security_context_and_a_template_does_not() {
    V1Job job = Jobs.of(launch(step("- {name: only, image: busybox:1.36}")), true);

    var pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var context = pod.getContainers().get(0).getSecurityContext();
    assertThat(context.getAllowPrivilegeEscalation()).isFalse();
    assertThat(context.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(Jobs.of(launch(step("- {name: only, image: busybox:1.36}"))).getSpec())
        .extracting(spec -> spec.getTemplate().getSpec().getSecurityContext())
        .as("not hardened")
        .isNull();
    V1Job template =
        Jobs.of(
            launch(
                step(
                    """
                    - name: only
                      jobTemplate:
                        template:
                          spec:
                            containers: [{name: c, image: busybox:1.36}]
                    """)),
            true);
    assertThat(template.getSpec().getTemplate().getSpec().getSecurityContext())
        .as("a jobTemplate is the user's to write")
        .isNull();
  }

  @Test
  void a_job_template_passes_through_untouched_but_for_labels_and_env_on_every_container() {
    Step step =
        step(
            """
                - name: etl
                  jobTemplate:
                    parallelism: 3
                    completions: 6
                    completionMode: Indexed
                    ttlSecondsAfterFinished: 600
                    podFailurePolicy:
                      rules:
                        - action: FailJob
                          onExitCodes: {operator: In, values: [42]}
                    template:
                      metadata: {labels: {team: data}}
                      spec:
                        restartPolicy: OnFailure
                        volumes: [{name: scratch, emptyDir: {}}]
                        initContainers:
                          - {name: fetch, image: busybox:1.36, command: [sh, -c, 'true']}
                        containers:
                          - name: etl
                            image: etl:1.4
                            env: [{name: NIGHTSHIFT_ATTEMPT, value: forged}]
                            volumeMounts: [{name: scratch, mountPath: /scratch}]
                """);
    V1Job job = Jobs.of(launch(step));

    assertThat(job.getSpec().getParallelism()).isEqualTo(3);
    assertThat(job.getSpec().getCompletions()).isEqualTo(6);
    assertThat(job.getSpec().getCompletionMode()).isEqualTo("Indexed");
    assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(600);
    assertThat(job.getSpec().getPodFailurePolicy().getRules().get(0).getAction())
        .isEqualTo("FailJob");
    var pod = job.getSpec().getTemplate();
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("team", "data")
        .containsEntry("nightshift.io/step", "etl");
    assertThat(pod.getSpec().getRestartPolicy()).as("kept as written").isEqualTo("OnFailure");
    assertThat(pod.getSpec().getVolumes().get(0).getEmptyDir()).isNotNull();
    assertThat(JSON.serialize(pod.getSpec().getVolumes().get(0))).contains("\"emptyDir\":{}");
    assertThat(env(pod.getSpec().getInitContainers().get(0)))
        .containsEntry("NIGHTSHIFT_STEP", "etl");
    assertThat(env(pod.getSpec().getContainers().get(0)))
        .as("what Nightshift injects wins over the definition")
        .containsEntry("NIGHTSHIFT_ATTEMPT", "2")
        .containsEntry("RETENTION_DAYS", "7");
    assertThat(pod.getSpec().getContainers().get(0).getVolumeMounts().get(0).getMountPath())
        .isEqualTo("/scratch");
  }

  @Test
  void a_job_template_spec_puts_its_labels_and_annotations_on_the_job_under_nightshifts_own() {
    Step step =
        step(
            """
                - name: etl
                  jobTemplate:
                    metadata:
                      labels: {team: data, nightshift.io/step: forged}
                      annotations: {owner: data@example.com}
                    spec:
                      backoffLimit: 4
                      template:
                        spec:
                          restartPolicy: OnFailure
                          containers: [{name: etl, image: etl:1.4}]
                """);
    V1Job job = Jobs.of(launch(step));

    assertThat(job.getMetadata().getLabels())
        .containsEntry("team", "data")
        .containsEntry("nightshift.io/step", "etl")
        .containsEntry("app.kubernetes.io/managed-by", "nightshift");
    assertThat(job.getMetadata().getAnnotations())
        .containsEntry("owner", "data@example.com")
        .containsKey("nightshift.io/scheduled-time");
    assertThat(job.getSpec().getBackoffLimit()).isEqualTo(4);
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("etl:1.4");
  }

  @Test
  void a_job_template_field_kubernetes_does_not_know_is_named() {
    Step step =
        step(
            """
                - name: etl
                  jobTemplate:
                    parallelismm: 3
                    template:
                      spec:
                        containers: [{name: etl, image: etl:1.4}]
                """);

    assertThatThrownBy(() -> Jobs.of(launch(step)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parallelismm");
  }

  @Test
  void a_job_is_this_steps_only_when_its_labels_name_the_run_and_the_step() {
    V1Job job = Jobs.of(launch(step("    - {name: backup, image: postgres:16}\n")));

    assertThat(Jobs.belongsTo(job, "01RUN", "backup")).isTrue();
    assertThat(Jobs.belongsTo(job, "01OTHER", "backup")).isFalse();
    assertThat(Jobs.belongsTo(job, "01RUN", "cleanup")).isFalse();
  }
}
