package io.nightshift.executor.kubernetes;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the Kubernetes API is: in a pod, the in-cluster configuration ({@code
 * KUBERNETES_SERVICE_HOST} and the service account); elsewhere {@code KUBECONFIG} or {@code
 * ~/.kube/config}, its current context.
 */
public final class KubernetesClients {

  private static final Path SERVICE_ACCOUNT =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

  private KubernetesClients() {}

  /** Why a Kubernetes API is at hand, if one is: for {@code nightshift.executor=auto}. */
  public static Optional<String> detect() {
    if (System.getenv("KUBERNETES_SERVICE_HOST") != null) {
      return Optional.of("running in a cluster (KUBERNETES_SERVICE_HOST is set)");
    }
    return kubeconfig().map(path -> "a kubeconfig exists at " + path);
  }

  /**
   * The two clients of one node, which share one rate limit ({@link KubernetesConfig#qps()}, {@link
   * KubernetesConfig#burst()}) and count every request they make.
   *
   * @param requests for requests, which time out after {@link KubernetesConfig#requestTimeout()}
   *     (the ClientBuilder sets no read timeout of its own)
   * @param watching for watches, which stay open: no read timeout
   */
  public record Clients(ApiClient requests, ApiClient watching) {}

  /** The clients of this node, with a fresh rate limit. */
  public static Clients clients(KubernetesConfig config, MeterRegistry registry) {
    TokenBucket bucket = new TokenBucket(config.qps(), config.burst(), System::nanoTime);
    return new Clients(
        limitedAndCounted(
            builder(config).setReadTimeout(config.requestTimeout()).build(), bucket, registry),
        limitedAndCounted(builder(config).setReadTimeout(Duration.ZERO).build(), bucket, registry));
  }

  /**
   * The limit comes first, so that a request waiting for its token is not counted yet and a 429
   * retried takes a token again.
   */
  private static ApiClient limitedAndCounted(
      ApiClient client, TokenBucket bucket, MeterRegistry registry) {
    return client.setHttpClient(
        client
            .getHttpClient()
            .newBuilder()
            .addInterceptor(new RateLimitInterceptor(bucket))
            .addInterceptor(new ApiRequestCounter(registry))
            .build());
  }

  /** Where Nightshift itself runs: its pod's namespace, the kubeconfig context's, or default. */
  public static String ownNamespace() {
    Path namespace = SERVICE_ACCOUNT.resolve("namespace");
    try {
      if (Files.isReadable(namespace)) {
        return Files.readString(namespace).trim();
      }
      Optional<Path> kubeconfig = kubeconfig();
      if (kubeconfig.isPresent()) {
        try (Reader reader = Files.newBufferedReader(kubeconfig.get())) {
          String fromContext = KubeConfig.loadKubeConfig(reader).getNamespace();
          if (fromContext != null && !fromContext.isBlank()) {
            return fromContext;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "default";
  }

  private static ClientBuilder builder(KubernetesConfig config) {
    try {
      if (config.apiUrl() != null && !config.apiUrl().isBlank()) {
        return new ClientBuilder().setBasePath(config.apiUrl());
      }
      if (System.getenv("KUBERNETES_SERVICE_HOST") != null) {
        return ClientBuilder.cluster();
      }
      Path kubeconfig =
          kubeconfig()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "no Kubernetes API: not in a cluster, and no kubeconfig at $KUBECONFIG"
                              + " or ~/.kube/config"));
      try (Reader reader = Files.newBufferedReader(kubeconfig)) {
        KubeConfig loaded = KubeConfig.loadKubeConfig(reader);
        loaded.setFile(kubeconfig.toFile());
        return ClientBuilder.kubeconfig(loaded);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot configure the Kubernetes client", e);
    }
  }

  private static Optional<Path> kubeconfig() {
    String variable = System.getenv("KUBECONFIG");
    if (variable != null && !variable.isBlank()) {
      // Several files may be listed; the first one that exists is used.
      for (String file : variable.split(java.io.File.pathSeparator)) {
        if (!file.isBlank() && Files.isReadable(Path.of(file))) {
          return Optional.of(Path.of(file));
        }
      }
    }
    Path home = Path.of(System.getProperty("user.home"), ".kube", "config");
    return Files.isReadable(home) ? Optional.of(home) : Optional.empty();
  }
}
