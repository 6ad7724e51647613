package io.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.nightshift.testsupport.KubernetesCronRules;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import io.nightshift.testsupport.kube.FakeKubernetes;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every CronJob of the corpus ({@code src/test/resources/cronjobs/corpus}: backups with Secrets and
 * PVCs, ETL with ConfigMaps, hostPath cleanups, health checks, key rotation, {@code TZ=} prefixes,
 * Indexed jobs…) imported twice: from its files into one server, and from a "cluster" (the fake API
 * server) into another. Both give the same workflow; its schedule preview is the CronJob's next 20
 * times under Kubernetes' own rules; and a manual run launches a Job whose spec is the CronJob's
 * jobTemplate, field by field, but for what Nightshift adds (its labels, annotations and env).
 */
class CronJobCorpusIT {

  private static final Path CORPUS = Path.of("src", "test", "resources", "cronjobs", "corpus");
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant FROM = Instant.parse("2027-01-04T00:00:00Z");
  private static final String NAMESPACES = "data,platform,ops,default";

  @TempDir static Path home;
  private static FakeKubernetes filesKube;
  private static FakeKubernetes cluster;
  private static NightshiftNode fromFiles;
  private static NightshiftNode fromCluster;
  private static List<JsonNode> corpus;
  private static CliRun.Result filesImport;
  private static CliRun.Result clusterImport;

  @BeforeAll
  static void importTheCorpusTwice() throws IOException {
    corpus = corpus();
    filesKube = FakeKubernetes.start();
    cluster = FakeKubernetes.start();
    fromFiles = node(filesKube);
    fromCluster = node(cluster);
    for (JsonNode cronJob : corpus) {
      ObjectNode copy = cronJob.deepCopy();
      ((ObjectNode) copy.get("metadata")).put("namespace", namespace(cronJob));
      ((ObjectNode) copy.get("metadata")).remove(List.of("uid", "resourceVersion"));
      cluster.create("/apis/batch/v1/namespaces/" + namespace(cronJob) + "/cronjobs", copy);
    }
    Path kubeconfig = home.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters: [{name: fake, cluster: {server: "%s"}}]
        users: [{name: me, user: {token: t}}]
        contexts: [{name: fake, context: {cluster: fake, user: me}}]
        current-context: fake
        """
            .formatted(cluster.url()));
    filesImport =
        CliRun.run(
            home,
            env(fromFiles, kubeconfig),
            "",
            "import",
            "cronjobs",
            "-f",
            CORPUS.toString(),
            "-n",
            "default",
            "--apply");
    clusterImport =
        CliRun.run(home, env(fromCluster, kubeconfig), "", "import", "cronjobs", "-A", "--apply");
  }

  private static NightshiftNode node(FakeKubernetes kube) {
    return NightshiftNode.start(
        NightshiftNode.quickOnKubernetes(
            PostgresFixture.newDatabase(),
            kube,
            NAMESPACES,
            // the corpus has the hostPath and privileged cleanups real clusters run; ops allows
            // them
            "nightshift.policy.namespace-levels",
            "ops=privileged",
            "nightshift.policy.service-accounts",
            "platform/snapshot-operator"));
  }

  private static Map<String, String> env(NightshiftNode node, Path kubeconfig) {
    return Map.of(
        "NIGHTSHIFT_URL",
        node.context().getBean(EmbeddedServer.class).getURL().toString(),
        "NIGHTSHIFT_TOKEN",
        NightshiftNode.ADMIN_TOKEN,
        "KUBECONFIG",
        kubeconfig.toString());
  }

  @AfterAll
  static void stop() {
    fromFiles.close();
    fromCluster.close();
    filesKube.close();
    cluster.close();
  }

  /** Every CronJob of the corpus files: their documents, and the items of a {@code kind: List}. */
  private static List<JsonNode> corpus() throws IOException {
    List<JsonNode> cronJobs = new ArrayList<>();
    try (Stream<Path> files = Files.list(CORPUS)) {
      for (Path file : files.sorted().toList()) {
        try (var documents = YAML.readValues(YAML.createParser(file.toFile()), JsonNode.class)) {
          while (documents.hasNext()) {
            JsonNode document = documents.next();
            if (document == null || document.isMissingNode() || document.isEmpty()) {
              continue;
            }
            if ("List".equals(document.path("kind").asText())) {
              document.path("items").forEach(cronJobs::add);
            } else {
              cronJobs.add(document);
            }
          }
        }
      }
    }
    assertThat(cronJobs).as("the corpus").hasSizeGreaterThanOrEqualTo(15);
    assertThat(cronJobs).allMatch(cronJob -> "CronJob".equals(cronJob.path("kind").asText()));
    return cronJobs;
  }

  private static String namespace(JsonNode cronJob) {
    return cronJob.at("/metadata/namespace").asText("default");
  }

  private static String name(JsonNode cronJob) {
    return cronJob.at("/metadata/name").asText();
  }

  private static JsonNode workflow(NightshiftNode node, JsonNode cronJob) throws IOException {
    HttpResponse<String> response =
        node.get("/api/v1/namespaces/" + namespace(cronJob) + "/workflows/" + name(cronJob));
    assertThat(response.statusCode()).as(name(cronJob) + ": " + response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  @Test
  void every_cron_job_is_imported_from_its_files_and_from_the_cluster_alike() throws IOException {
    assertThat(filesImport.code()).as(filesImport.toString()).isZero();
    assertThat(clusterImport.code()).as(clusterImport.toString()).isZero();
    for (JsonNode cronJob : corpus) {
      String source = namespace(cronJob) + "/" + name(cronJob);
      assertThat(filesImport.out()).contains("workflow.nightshift.io/" + source + " created");
      assertThat(clusterImport.out()).contains("workflow.nightshift.io/" + source + " created");
      JsonNode fromFile = workflow(fromFiles, cronJob);
      JsonNode fromApi = workflow(fromCluster, cronJob);
      assertThat(fromApi.get("spec")).as(source).isEqualTo(fromFile.get("spec"));
      assertThat(fromApi.at("/metadata/labels"))
          .as(source)
          .isEqualTo(fromFile.at("/metadata/labels"));
      assertThat(fromFile.at("/metadata/annotations/nightshift.io~1imported-from").asText())
          .isEqualTo("cronjob/" + source);
    }
  }

  @Test
  void each_schedule_preview_is_the_cron_jobs_next_20_times_under_kubernetes_rules()
      throws IOException {
    for (JsonNode cronJob : corpus) {
      String timeZone =
          cronJob.at("/spec/timeZone").isTextual() ? cronJob.at("/spec/timeZone").asText() : null;
      List<Instant> expected =
          KubernetesCronRules.next(cronJob.at("/spec/schedule").asText(), timeZone, FROM, 20);
      HttpResponse<String> preview =
          fromFiles.get(
              "/api/v1/namespaces/"
                  + namespace(cronJob)
                  + "/workflows/"
                  + name(cronJob)
                  + "/schedule?count=20&from="
                  + FROM);
      assertThat(preview.statusCode()).as(preview.body()).isEqualTo(200);
      List<Instant> times = new ArrayList<>();
      for (JsonNode time : JSON.readTree(preview.body()).path("items")) {
        times.add(Instant.parse(time.asText()));
      }
      assertThat(times).as(name(cronJob) + " " + cronJob.at("/spec/schedule")).isEqualTo(expected);
    }
  }

  @Test
  void a_manual_run_launches_a_job_whose_spec_is_the_cron_jobs_job_template_field_by_field()
      throws IOException {
    for (JsonNode cronJob : corpus) {
      String namespace = namespace(cronJob);
      String name = name(cronJob);
      HttpResponse<String> run =
          fromCluster.post("/api/v1/namespaces/" + namespace + "/workflows/" + name + "/runs");
      assertThat(run.statusCode()).as(run.body()).isEqualTo(201);
      // the first run of the workflow, its one step: <workflow>-<seq>-<step>
      String jobName = name + "-1-job";
      cluster.jobs().awaitJob(namespace, jobName, Duration.ofSeconds(30));
      JsonNode job = cluster.read("/apis/batch/v1/namespaces/" + namespace + "/jobs/" + jobName);

      JsonNode template = cronJob.at("/spec/jobTemplate");
      JsonNode expected = withoutEmptyMetadata(template.get("spec"));
      assertThat(emptiesAbsentFrom(withoutNightshiftsAdditions(job.get("spec")), expected))
          .as(name + ": the Job's spec")
          .isEqualTo(expected);
      assertThat(job.at("/metadata/labels"))
          .as(name + ": the Job's labels")
          .isEqualTo(
              with(
                  template.at("/metadata/labels"),
                  job.at("/metadata/labels"),
                  "nightshift.io/",
                  "app.kubernetes.io/managed-by"));
      for (Iterator<Map.Entry<String, JsonNode>> annotations =
              template.at("/metadata/annotations").fields();
          annotations.hasNext(); ) {
        Map.Entry<String, JsonNode> annotation = annotations.next();
        assertThat(job.at("/metadata/annotations").get(annotation.getKey()))
            .as(name + ": annotation " + annotation.getKey())
            .isEqualTo(annotation.getValue());
      }
    }
  }

  /**
   * The labels a Job must have: its template's, and Nightshift's own (those of {@code actual} under
   * the given prefixes).
   */
  private static JsonNode with(JsonNode templateLabels, JsonNode actual, String... ours) {
    ObjectNode expected = JSON.createObjectNode();
    if (templateLabels.isObject()) {
      expected.setAll((ObjectNode) templateLabels.deepCopy());
    }
    actual
        .fields()
        .forEachRemaining(
            label -> {
              for (String prefix : ours) {
                if (label.getKey().startsWith(prefix)) {
                  expected.set(label.getKey(), label.getValue());
                }
              }
            });
    return expected;
  }

  /**
   * The Job's spec less what Nightshift adds: its labels on the pod template, and the {@code
   * NIGHTSHIFT_*} variables on every container (with the env list when it held nothing else).
   */
  private static JsonNode withoutNightshiftsAdditions(JsonNode jobSpec) {
    ObjectNode spec = jobSpec.deepCopy();
    if (spec.at("/template/metadata/labels") instanceof ObjectNode labels) {
      labels.remove(
          List.of(
              "app.kubernetes.io/managed-by",
              "nightshift.io/workflow",
              "nightshift.io/run",
              "nightshift.io/step"));
      if (labels.isEmpty()) {
        ((ObjectNode) spec.at("/template/metadata")).remove("labels");
      }
      if (spec.at("/template/metadata").isEmpty()) {
        ((ObjectNode) spec.at("/template")).remove("metadata");
      }
    }
    for (String kind : List.of("initContainers", "containers")) {
      for (JsonNode container : spec.at("/template/spec/" + kind)) {
        if (container.get("env") instanceof ArrayNode env) {
          for (int i = env.size() - 1; i >= 0; i--) {
            if (env.get(i).path("name").asText().startsWith("NIGHTSHIFT_")) {
              env.remove(i);
            }
          }
          if (env.isEmpty()) {
            ((ObjectNode) container).remove("env");
          }
        }
      }
    }
    return spec;
  }

  /**
   * {@code actual} less the empty lists and objects it has where {@code expected} has nothing:
   * client-java writes {@code "volumes": []}, {@code "nodeSelector": {}} and the like for every
   * field its model has, which the API server reads as absent. An empty value {@code expected} has
   * ({@code emptyDir: {}}) is compared as it is.
   */
  private static JsonNode emptiesAbsentFrom(JsonNode actual, JsonNode expected) {
    if (actual instanceof ObjectNode object) {
      ObjectNode pruned = JSON.createObjectNode();
      object
          .fields()
          .forEachRemaining(
              field -> {
                JsonNode counterpart = expected == null ? null : expected.get(field.getKey());
                JsonNode value = emptiesAbsentFrom(field.getValue(), counterpart);
                if (counterpart == null && value.isContainerNode() && value.isEmpty()) {
                  return;
                }
                pruned.set(field.getKey(), value);
              });
      return pruned;
    }
    if (actual instanceof ArrayNode array) {
      ArrayNode pruned = JSON.createArrayNode();
      for (int i = 0; i < array.size(); i++) {
        pruned.add(emptiesAbsentFrom(array.get(i), expected == null ? null : expected.get(i)));
      }
      return pruned;
    }
    return actual;
  }

  /** The jobTemplate's spec as the import keeps it: without {@code creationTimestamp: null}. */
  private static JsonNode withoutEmptyMetadata(JsonNode templateSpec) {
    ObjectNode spec = templateSpec.deepCopy();
    if (spec.at("/template/metadata") instanceof ObjectNode metadata) {
      if (metadata.has("creationTimestamp") && metadata.get("creationTimestamp").isNull()) {
        metadata.remove("creationTimestamp");
      }
      if (metadata.isEmpty()) {
        ((ObjectNode) spec.get("template")).remove("metadata");
      }
    }
    return spec;
  }
}
