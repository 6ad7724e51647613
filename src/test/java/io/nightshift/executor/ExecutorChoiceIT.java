package io.nightshift.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nightshift.executor.kubernetes.KubernetesExecutor;
import io.nightshift.executor.local.LocalExecutor;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import io.nightshift.testsupport.kube.FakeKubernetes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecutorChoiceIT {

  private static Map<String, Object> with(String executor) {
    PostgresFixture.Database database = PostgresFixture.newDatabase();
    return NightshiftNode.on(database, "nightshift.executor", executor);
  }

  private static void assumeNoKubernetesAtHand() {
    assumeTrue(
        System.getenv("KUBERNETES_SERVICE_HOST") == null
            && System.getenv("KUBECONFIG") == null
            && !Files.exists(Path.of(System.getProperty("user.home"), ".kube", "config")),
        "this machine has a Kubernetes API at hand");
  }

  @Test
  void an_unknown_executor_stops_the_start_with_the_accepted_values() {
    assertThatThrownBy(() -> NightshiftNode.start(with("docker")).close())
        .hasStackTraceContaining("nightshift.executor must be auto, local or kubernetes");
  }

  @Test
  void kubernetes_without_a_cluster_or_kubeconfig_stops_the_start_saying_so() {
    assumeNoKubernetesAtHand();
    assertThatThrownBy(() -> NightshiftNode.start(with("kubernetes")).close())
        .hasStackTraceContaining("no Kubernetes API: not in a cluster, and no kubeconfig");
  }

  @Test
  void auto_picks_kubernetes_when_an_api_server_is_configured_and_reports_its_health() {
    try (FakeKubernetes kube = FakeKubernetes.start();
        NightshiftNode node =
            NightshiftNode.start(
                NightshiftNode.on(
                    PostgresFixture.newDatabase(),
                    "nightshift.kubernetes.api-url",
                    kube.url(),
                    "nightshift.kubernetes.namespaces",
                    "data"))) {
      assertThat(node.context().getBean(Executor.class)).isInstanceOf(KubernetesExecutor.class);
      String health = node.get("/health").body();
      assertThat(health).contains("\"kubernetes\"").contains("\"informersSynced\"");
    }
  }

  @Test
  void auto_picks_local_without_a_cluster_or_kubeconfig() {
    assumeNoKubernetesAtHand();
    try (NightshiftNode node = NightshiftNode.start(with("auto"))) {
      assertThat(node.context().getBean(Executor.class)).isInstanceOf(LocalExecutor.class);
    }
  }
}
