package io.nightshift.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.util.ClientBuilder;
import io.nightshift.testsupport.kube.FakeKubernetes;
import java.time.Duration;
import java.util.List;

/**
 * The ceiling of the Kubernetes executor: a bare client-java loop creating Jobs one after another
 * on the fake API server, whose every request takes the added latency.
 */
final class KubernetesPeer {

  private KubernetesPeer() {}

  static PeerResult run(FakeKubernetes kube, String namespace, int count, Duration latency)
      throws Exception {
    ApiClient client =
        new ClientBuilder().setBasePath(kube.url()).setReadTimeout(Duration.ofSeconds(30)).build();
    BatchV1Api batch = new BatchV1Api(client);
    long started = System.nanoTime();
    for (int i = 0; i < count; i++) {
      batch.createNamespacedJob(namespace, job(namespace, "bare-" + i)).execute();
    }
    double seconds = Math.max(0.000_001, (System.nanoTime() - started) / 1e9);
    ObjectNode setup = JsonNodeFactory.instance.objectNode();
    setup.put("loop", "one thread, BatchV1Api.createNamespacedJob");
    setup.put("added_latency_ms", latency.toMillis());
    return new PeerResult(
        "Jobs/s", count / seconds, count, kube.jobCreations(namespace).size(), null, setup);
  }

  private static V1Job job(String namespace, String name) {
    return new V1Job()
        .apiVersion("batch/v1")
        .kind("Job")
        .metadata(new V1ObjectMeta().name(name).namespace(namespace))
        .spec(
            new V1JobSpec()
                .backoffLimit(0)
                .template(
                    new V1PodTemplateSpec()
                        .spec(
                            new V1PodSpec()
                                .restartPolicy("Never")
                                .containers(
                                    List.of(
                                        new V1Container()
                                            .name("noop")
                                            .image("busybox:1.36")
                                            .command(List.of("true")))))));
  }
}
