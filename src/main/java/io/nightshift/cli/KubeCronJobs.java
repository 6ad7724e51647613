package io.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.Pair;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.Call;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The batch/v1 CronJobs of a cluster, reached as {@code kubectl} reaches them: through the user's
 * kubeconfig and context, with the user's own rights. It needs {@code get}, {@code list} and {@code
 * patch} on {@code cronjobs} (and {@code patch} on {@code cronjobs/status} to hand a rollback's
 * last run back). Objects are read and patched as JSON trees, so a field client-java's models do
 * not know is kept as it is.
 */
final class KubeCronJobs {

  private static final String BEARER = "BearerToken";
  private static final String MERGE_PATCH = "application/merge-patch+json";
  private static final String JSON_PATCH = "application/json-patch+json";
  private static final int PAGE = 500;

  /** An error answer of the cluster, or no answer at all (status 0). */
  static final class KubeException extends CliException {
    private final int status;

    KubeException(int status, String message) {
      super(status == 0 || status == 401 || status == 403 ? Exit.UNAVAILABLE : Exit.USAGE, message);
      this.status = status;
    }

    int status() {
      return status;
    }
  }

  private final ApiClient client;
  private final String contextNamespace;
  private final String where;

  private KubeCronJobs(ApiClient client, String contextNamespace, String where) {
    this.client = client;
    this.contextNamespace = contextNamespace;
    this.where = where;
  }

  /**
   * Connects through {@code kubeconfig} (else the first file of {@code $KUBECONFIG}, else {@code
   * ~/.kube/config}) and its {@code context} (else its current one).
   */
  static KubeCronJobs connect(Path kubeconfig, String context, Map<String, String> env) {
    Path file = kubeconfig != null ? kubeconfig : defaultKubeconfig(env);
    if (!Files.isRegularFile(file)) {
      throw new CliException(
          Exit.USAGE,
          "no kubeconfig at "
              + file
              + " (give --kubeconfig, set KUBECONFIG, or read CronJobs from files with -f)");
    }
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      KubeConfig config = KubeConfig.loadKubeConfig(reader);
      config.setFile(file.toFile());
      if (context != null && !config.setContext(context)) {
        throw new CliException(Exit.USAGE, "the kubeconfig " + file + " has no context " + context);
      }
      if (config.getCurrentContext() == null) {
        throw new CliException(
            Exit.USAGE, "the kubeconfig " + file + " has no current context: give --context");
      }
      ApiClient client = ClientBuilder.kubeconfig(config).build();
      client.setReadTimeout((int) Duration.ofSeconds(30).toMillis());
      String namespace = config.getNamespace();
      return new KubeCronJobs(
          client,
          namespace == null || namespace.isBlank() ? "default" : namespace,
          "context " + config.getCurrentContext() + " (" + client.getBasePath() + ")");
    } catch (IOException | RuntimeException e) {
      if (e instanceof CliException cli) {
        throw cli;
      }
      throw new CliException(Exit.USAGE, "cannot read the kubeconfig " + file + ": " + e);
    }
  }

  private static Path defaultKubeconfig(Map<String, String> env) {
    String list = env.get("KUBECONFIG");
    if (list != null && !list.isBlank()) {
      for (String entry : list.split(java.io.File.pathSeparator)) {
        if (!entry.isBlank() && Files.isRegularFile(Path.of(entry))) {
          return Path.of(entry);
        }
      }
      return Path.of(list.split(java.io.File.pathSeparator)[0]);
    }
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    return Path.of(home, ".kube", "config");
  }

  /** The context's namespace, else {@code default}: where {@code kubectl} would look. */
  String contextNamespace() {
    return contextNamespace;
  }

  /** Where the CronJobs are read from, for messages. */
  String where() {
    return where;
  }

  /**
   * The CronJobs of {@code namespace} (every namespace when empty) that {@code selector} (a label
   * selector, or null) selects.
   */
  List<JsonNode> list(Optional<String> namespace, String selector) {
    String path =
        namespace
            .map(ns -> "/apis/batch/v1/namespaces/" + segment(ns) + "/cronjobs")
            .orElse("/apis/batch/v1/cronjobs");
    List<JsonNode> items = new ArrayList<>();
    String next = null;
    do {
      List<Pair> query = new ArrayList<>();
      query.add(new Pair("limit", Integer.toString(PAGE)));
      if (selector != null && !selector.isBlank()) {
        query.add(new Pair("labelSelector", selector));
      }
      if (next != null) {
        query.add(new Pair("continue", next));
      }
      JsonNode page = call("GET", path, query, null, null, "list CronJobs");
      for (JsonNode item : page.path("items")) {
        if (item instanceof ObjectNode object) {
          // a list's items leave out their kind and apiVersion
          object.put("apiVersion", "batch/v1");
          object.put("kind", "CronJob");
        }
        items.add(item);
      }
      next = page.at("/metadata/continue").asText("");
    } while (!next.isEmpty());
    return items;
  }

  JsonNode get(String namespace, String name) {
    return call("GET", cronJobPath(namespace, name), List.of(), null, null, "get CronJob");
  }

  /** Applies a JSON merge patch (RFC 7386) to the CronJob. */
  JsonNode patch(String namespace, String name, ObjectNode mergePatch) {
    return call(
        "PATCH", cronJobPath(namespace, name), List.of(), mergePatch, MERGE_PATCH, "patch CronJob");
  }

  /**
   * Applies a JSON patch (RFC 6902) to the CronJob: a list of operations, all or none, which can
   * test a value first and remove a field outright.
   */
  JsonNode jsonPatch(String namespace, String name, ArrayNode operations) {
    return call(
        "PATCH", cronJobPath(namespace, name), List.of(), operations, JSON_PATCH, "patch CronJob");
  }

  /** Applies a JSON merge patch to the CronJob's status subresource. */
  JsonNode patchStatus(String namespace, String name, ObjectNode mergePatch) {
    return call(
        "PATCH",
        cronJobPath(namespace, name) + "/status",
        List.of(),
        mergePatch,
        MERGE_PATCH,
        "patch CronJob status");
  }

  private static String cronJobPath(String namespace, String name) {
    return "/apis/batch/v1/namespaces/" + segment(namespace) + "/cronjobs/" + segment(name);
  }

  private static String segment(String value) {
    return io.nightshift.cli.ApiClient.encode(value);
  }

  private JsonNode call(
      String method, String path, List<Pair> query, JsonNode patch, String patchType, String what) {
    try {
      // client-java adds the credentials to these, so they must be mutable
      Map<String, String> headers = new HashMap<>();
      headers.put("Accept", "application/json");
      if (patch != null) {
        headers.put("Content-Type", patchType);
      }
      Call call =
          client.buildCall(
              client.getBasePath(),
              path,
              method,
              new ArrayList<>(query),
              new ArrayList<>(),
              patch == null ? null : new V1Patch(patch.toString()),
              headers,
              new HashMap<>(),
              new HashMap<>(),
              new String[] {BEARER},
              null);
      try (Response response = call.execute()) {
        ResponseBody body = response.body();
        String text = body == null ? "" : body.string();
        if (!response.isSuccessful()) {
          throw new KubeException(
              response.code(), what + " " + path + ": " + status(response.code(), text));
        }
        return Json.parse(text.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new KubeException(0, what + ": cannot reach " + where + ": " + e.getMessage());
    } catch (ApiException e) {
      throw new KubeException(0, what + ": " + e.getMessage());
    }
  }

  /** The message of a Kubernetes Status answer, else its code. */
  private static String status(int code, String body) {
    try {
      JsonNode status = Json.parse(body.getBytes(StandardCharsets.UTF_8));
      String message = status.path("message").asText("");
      if (!message.isEmpty()) {
        return message + " (" + code + ")";
      }
    } catch (RuntimeException notJson) {
      // fall through to the code
    }
    return "HTTP " + code;
  }
}
