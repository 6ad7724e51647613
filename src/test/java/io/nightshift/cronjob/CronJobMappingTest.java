package io.nightshift.cronjob;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.nightshift.cronjob.CronJobMapping.Mapped;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Each CronJob field and what it becomes on the workflow (docs/migrating-from-cronjob.md). */
class CronJobMappingTest {

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final CronJobMapping MAPPING =
      new CronJobMapping(new CronJobMapping.Options("default", "UTC"));

  private static final String BACKUP =
      """
      apiVersion: batch/v1
      kind: CronJob
      metadata:
        name: pg-backup
        namespace: data
        uid: 6f1c3a52-0d7e-4b8a-9a51-2c3d4e5f6a7b
        resourceVersion: "48211"
        creationTimestamp: "2026-01-10T09:00:00Z"
        labels: {team: data}
        annotations:
          runbook: https://wiki.example/pg
          kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"batch/v1"}'
      spec:
        schedule: "30 1 * * *"
        timeZone: Europe/Paris
        concurrencyPolicy: Forbid
        startingDeadlineSeconds: 600
        successfulJobsHistoryLimit: 7
        failedJobsHistoryLimit: 2
        jobTemplate:
          metadata:
            creationTimestamp: null
            labels: {kind: backup}
            annotations: {owner: data@example.com}
          spec:
            backoffLimit: 2
            activeDeadlineSeconds: 3600
            ttlSecondsAfterFinished: 86400
            template:
              metadata:
                creationTimestamp: null
              spec:
                restartPolicy: OnFailure
                serviceAccountName: default
                volumes: [{name: dumps, persistentVolumeClaim: {claimName: pg-dumps}}]
                containers:
                  - name: dump
                    image: postgres:17
                    env: [{name: PGPASSWORD, valueFrom: {secretKeyRef: {name: pg, key: password}}}]
                    volumeMounts: [{name: dumps, mountPath: /dumps}]
      status:
        lastScheduleTime: "2027-01-03T00:30:00Z"
        active: [{kind: Job, name: pg-backup-29000000, namespace: data}]
      """;

  private static JsonNode tree(String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static Mapped map(String yaml) {
    return MAPPING.map(tree(yaml));
  }

  private static Mapped withSchedule(String schedule, String timeZoneLine) {
    return map(
        """
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: job, namespace: data}
        spec:
          schedule: "%s"
          %s
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: c, image: busybox:1.36}]
        """
            .formatted(schedule, timeZoneLine));
  }

  @Test
  void schedule_zone_policies_and_history_limits_carry_over_field_by_field() {
    Mapped mapped = map(BACKUP);

    assertThat(mapped.problems()).isEmpty();
    JsonNode spec = mapped.workflow().orElseThrow().get("spec");
    assertThat(spec.get("schedule").asText()).isEqualTo("30 1 * * *");
    assertThat(spec.get("timeZone").asText()).isEqualTo("Europe/Paris");
    assertThat(spec.get("concurrencyPolicy").asText()).isEqualTo("Forbid");
    assertThat(spec.get("startingDeadlineSeconds").asLong()).isEqualTo(600);
    assertThat(spec.get("successfulRunsHistoryLimit").asInt()).isEqualTo(7);
    assertThat(spec.get("failedRunsHistoryLimit").asInt()).isEqualTo(2);
    assertThat(spec.has("suspend")).as("not suspended: left to its default").isFalse();
  }

  @Test
  void the_whole_job_template_becomes_the_one_steps_job_template_as_it_is() {
    JsonNode source = tree(BACKUP).at("/spec/jobTemplate");
    JsonNode step = map(BACKUP).workflow().orElseThrow().at("/spec/steps/0");

    assertThat(step.get("name").asText()).isEqualTo(CronJobMapping.STEP);
    ObjectNode expected = source.deepCopy();
    // kubectl prints empty metadata as creationTimestamp: null; the import leaves that out
    ((ObjectNode) expected.get("metadata")).remove("creationTimestamp");
    ((ObjectNode) expected.at("/spec/template")).remove("metadata");
    assertThat(step.get("jobTemplate")).isEqualTo(expected);
    assertThat(
            step.at("/jobTemplate/spec/template/spec/volumes/0/persistentVolumeClaim/claimName")
                .asText())
        .isEqualTo("pg-dumps");
  }

  @Test
  void labels_and_annotations_carry_over_with_the_source_its_uid_and_its_last_run() {
    JsonNode metadata = map(BACKUP).workflow().orElseThrow().get("metadata");

    assertThat(metadata.get("name").asText()).isEqualTo("pg-backup");
    assertThat(metadata.get("namespace").asText()).isEqualTo("data");
    assertThat(metadata.at("/labels/team").asText()).isEqualTo("data");
    JsonNode annotations = metadata.get("annotations");
    assertThat(annotations.get("runbook").asText()).isEqualTo("https://wiki.example/pg");
    assertThat(annotations.get(CronJobMapping.IMPORTED_FROM).asText())
        .isEqualTo("cronjob/data/pg-backup");
    assertThat(annotations.get(CronJobMapping.IMPORTED_UID).asText())
        .isEqualTo("6f1c3a52-0d7e-4b8a-9a51-2c3d4e5f6a7b");
    assertThat(annotations.get("nightshift.io/last-schedule-time").asText())
        .isEqualTo("2027-01-03T00:30:00Z");
    assertThat(annotations.has(CronJobMapping.LAST_APPLIED))
        .as("kubectl's copy of the whole CronJob is not carried")
        .isFalse();
    assertThat(metadata.has("uid")).isFalse();
    assertThat(metadata.has("resourceVersion")).isFalse();
  }

  @Test
  void jobs_the_cron_job_started_are_named_in_a_warning_and_left_alone() {
    Mapped mapped = map(BACKUP);

    assertThat(mapped.activeJobs()).isEqualTo(1);
    assertThat(mapped.lastScheduleTime()).contains(Instant.parse("2027-01-03T00:30:00Z"));
    assertThat(mapped.warnings())
        .contains("1 Job the CronJob started is still running; left alone");
  }

  @Test
  void a_cron_tz_or_tz_prefix_becomes_the_time_zone() {
    Mapped tokyo = withSchedule("CRON_TZ=Asia/Tokyo 0 9 * * *", "");
    Mapped london = withSchedule("TZ=Europe/London  15 6 * * 1-5", "");

    assertThat(tokyo.workflow().orElseThrow().at("/spec/schedule").asText()).isEqualTo("0 9 * * *");
    assertThat(tokyo.workflow().orElseThrow().at("/spec/timeZone").asText())
        .isEqualTo("Asia/Tokyo");
    assertThat(london.workflow().orElseThrow().at("/spec/schedule").asText())
        .isEqualTo("15 6 * * 1-5");
    assertThat(london.workflow().orElseThrow().at("/spec/timeZone").asText())
        .isEqualTo("Europe/London");
    assertThat(tokyo.warnings()).noneMatch(warning -> warning.contains("timeZone"));
  }

  @Test
  void a_prefix_beside_a_time_zone_is_manual_as_kubernetes_refuses_it() {
    Mapped mapped = withSchedule("TZ=Europe/London 0 6 * * *", "timeZone: Europe/Paris");

    assertThat(mapped.workflow()).isEmpty();
    assertThat(mapped.problems()).singleElement().asString().startsWith("/spec/schedule: TZ=");
  }

  @Test
  void without_a_zone_the_default_time_zone_is_used_and_said() {
    Mapped mapped =
        new CronJobMapping(new CronJobMapping.Options("default", "America/Chicago"))
            .map(tree(withScheduleYaml("0 6 * * *")));

    assertThat(mapped.workflow().orElseThrow().at("/spec/timeZone").asText())
        .isEqualTo("America/Chicago");
    assertThat(mapped.warnings())
        .anyMatch(
            warning -> warning.startsWith("no timeZone") && warning.contains("America/Chicago"));
  }

  private static String withScheduleYaml(String schedule) {
    return """
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: job}
        spec:
          schedule: "%s"
          jobTemplate: {spec: {template: {spec: {containers: [{name: c, image: i}]}}}}
        """
        .formatted(schedule);
  }

  @Test
  void a_schedule_nightshift_cannot_express_is_manual_with_the_reason() {
    Mapped every = withSchedule("@every 15m", "");
    Mapped broken = withSchedule("61 * * * *", "");
    Mapped unknownZone = withSchedule("0 6 * * *", "timeZone: Mars/Olympus");

    assertThat(every.problems()).singleElement().asString().contains("@every 15m", "*/15 * * * *");
    assertThat(broken.problems()).singleElement().asString().startsWith("/spec/schedule: minute");
    assertThat(unknownZone.problems())
        .singleElement()
        .asString()
        .isEqualTo("/spec/timeZone: Mars/Olympus is not an IANA time zone");
  }

  @Test
  void question_marks_names_and_macros_read_as_kubernetes_reads_them() {
    assertThat(withSchedule("0 6 ? * MON-FRI", "timeZone: UTC").problems()).isEmpty();
    assertThat(withSchedule("@midnight", "timeZone: UTC").problems()).isEmpty();
    assertThat(withSchedule("@annually", "timeZone: UTC").problems()).isEmpty();
  }

  @Test
  void a_suspended_cron_job_becomes_a_suspended_workflow_unless_an_import_suspended_it() {
    String suspended = withScheduleYaml("0 6 * * *").replace("spec:\n", "spec:\n  suspend: true\n");
    String cutOver =
        suspended.replace(
            "metadata: {name: job}",
            "metadata: {name: job, annotations: {nightshift.io/migrated-to: workflow/default/job}}");

    assertThat(map(suspended).workflow().orElseThrow().at("/spec/suspend").asBoolean()).isTrue();
    Mapped migrated = map(cutOver);
    assertThat(migrated.migratedTo()).contains("workflow/default/job");
    assertThat(migrated.workflow().orElseThrow().at("/spec").has("suspend"))
        .as("the CronJob ran before the cut-over suspended it")
        .isFalse();
    assertThat(
            migrated
                .workflow()
                .orElseThrow()
                .at("/metadata/annotations")
                .has(CronJobMapping.MIGRATED_TO))
        .isFalse();
  }

  @Test
  void a_job_template_the_validator_refuses_is_manual_with_every_violation_in_cron_job_terms() {
    Mapped mapped =
        map(
            """
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: broken, namespace: data}
            spec:
              schedule: "0 6 * * *"
              timeZone: UTC
              successfulJobsHistoryLimit: 5000
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: Always
                      containers: [{name: Main, image: busybox}]
            """);

    assertThat(mapped.workflow()).isEmpty();
    assertThat(mapped.problems())
        .extracting(problem -> problem.substring(0, problem.indexOf(": ")))
        .containsExactlyInAnyOrder(
            "/spec/successfulJobsHistoryLimit",
            "/spec/jobTemplate/spec/template/spec/restartPolicy",
            "/spec/jobTemplate/spec/template/spec/containers/0/name");
    assertThat(mapped.problems())
        .contains(
            "/spec/jobTemplate/spec/template/spec/restartPolicy: \"Always\" is not allowed in a"
                + " Job: use Never (the default) or OnFailure");
  }

  @Test
  void another_kind_is_skipped_and_a_mapping_is_the_same_every_time() {
    Mapped service = map("apiVersion: v1\nkind: Service\nmetadata: {name: web}\n");

    assertThat(service.isCronJob()).isFalse();
    assertThat(service.kind()).isEqualTo("Service");
    assertThat(map(BACKUP).workflow()).isEqualTo(map(BACKUP).workflow());
  }

  @Test
  void a_cron_job_owned_by_a_gitops_tool_warns_that_a_sync_may_undo_the_suspension() {
    Mapped mapped =
        map(
            BACKUP.replace(
                "labels: {team: data}", "labels: {team: data, argocd.argoproj.io/instance: data}"));

    assertThat(mapped.warnings()).anyMatch(warning -> warning.startsWith("managed by Argo CD"));
  }
}
