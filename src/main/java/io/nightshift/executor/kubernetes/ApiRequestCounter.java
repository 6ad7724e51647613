package io.nightshift.executor.kubernetes;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nightshift.metrics.Metrics;
import java.io.IOException;
import java.util.List;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Counts every request to the Kubernetes API by verb (as RBAC names them), resource and answer code
 * ({@code error} when no answer came): what the RBAC rules must allow, and how the API server
 * treats us.
 */
final class ApiRequestCounter implements Interceptor {

  private final MeterRegistry registry;

  ApiRequestCounter(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    String code = "error";
    try {
      Response response = chain.proceed(request);
      code = Integer.toString(response.code());
      return response;
    } finally {
      Counter.builder(Metrics.KUBERNETES_REQUESTS.name())
          .description(Metrics.KUBERNETES_REQUESTS.help())
          .tag("verb", verb(request))
          .tag("resource", resource(request.url().pathSegments()))
          .tag("code", code)
          .register(registry)
          .increment();
    }
  }

  private static String verb(Request request) {
    List<String> path = request.url().pathSegments();
    return switch (request.method()) {
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> "delete";
      default -> {
        String watch = request.url().queryParameter("watch");
        if ("true".equals(watch) || "1".equals(watch)) {
          yield "watch";
        }
        yield isCollection(path) ? "list" : "get";
      }
    };
  }

  /** {@code jobs}, {@code pods}, {@code pods/log}, {@code version}: never a name. */
  static String resource(List<String> path) {
    int namespaces = path.indexOf("namespaces");
    if (namespaces >= 0 && path.size() > namespaces + 2) {
      List<String> rest = path.subList(namespaces + 2, path.size());
      return rest.size() >= 3 ? rest.get(0) + "/" + rest.get(2) : rest.get(0);
    }
    List<String> nonEmpty = path.stream().filter(segment -> !segment.isEmpty()).toList();
    if (nonEmpty.isEmpty()) {
      return "";
    }
    // /apis/batch/v1/jobs (every namespace) or /version
    return nonEmpty.get(0).equals("version") ? "version" : nonEmpty.get(nonEmpty.size() - 1);
  }

  private static boolean isCollection(List<String> path) {
    int namespaces = path.indexOf("namespaces");
    if (namespaces >= 0) {
      return path.size() == namespaces + 3;
    }
    return true;
  }
}
