package io.nightshift.testsupport.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nightshift.testsupport.kube.Faults.Delay;
import io.nightshift.testsupport.kube.Faults.Fault;
import io.nightshift.testsupport.kube.Faults.Garble;
import io.nightshift.testsupport.kube.Faults.LoseAnswer;
import io.nightshift.testsupport.kube.Faults.Reject;
import io.nightshift.testsupport.kube.ResourcePath.ResourceType;
import io.nightshift.testsupport.kube.WatchLog.Subscription;
import io.nightshift.testsupport.kube.WatchLog.WatchEvent;
import io.nightshift.testsupport.kube.WatchLog.WatchFilter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server client-java talks to. It forwards each request to the fabric8 mock and copies the
 * answer back, except for what the mock cannot serve: watches as a streaming response, pod logs,
 * {@code /version}, and injected faults. It also mends the answers where the mock differs from an
 * API server in a way a client notices (see {@link #mend}).
 */
final class ApiFront implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ApiFront.class);

  /** Request headers the mock needs: the body's format, above all a PATCH's flavour. */
  private static final List<String> FORWARDED_HEADERS = List.of("Content-Type", "Accept");

  private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(30);

  /** How long a watch without {@code timeoutSeconds} lasts: until the fake closes, in practice. */
  private static final Duration UNBOUNDED_WATCH = Duration.ofDays(1);

  /** What {@code GET /version} answers; client-java requires every field. */
  private static final Map<String, String> VERSION =
      Map.of(
          "major", "1",
          "minor", "33",
          "gitVersion", "v1.33.0-nightshift-fake",
          "gitCommit", "0000000000000000000000000000000000000000",
          "gitTreeState", "clean",
          "buildDate", "2025-04-23T00:00:00Z",
          "goVersion", "go1.24.2",
          "compiler", "gc",
          "platform", "linux/amd64");

  private final HttpServer server;
  private final ExecutorService threads;
  private final HttpClient http;
  private final String mockUrl;
  private final WatchLog watchLog;
  private final Faults faults;
  private final JobCreations jobCreations;
  private final Map<String, String> podLogs;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();

  /**
   * When a request arrived, on {@link System#nanoTime()}, before any fault or delay.
   *
   * @param path without the query string
   */
  record Arrival(long nanos, String method, String path) {}

  /** A request as the front reads it. */
  private record Request(
      String method,
      String pathAndQuery,
      String path,
      Map<String, String> query,
      Headers headers,
      byte[] body,
      Optional<ResourcePath> resource) {

    static Request read(HttpExchange exchange) throws IOException {
      String path = exchange.getRequestURI().getRawPath();
      String rawQuery = exchange.getRequestURI().getRawQuery();
      return new Request(
          exchange.getRequestMethod(),
          rawQuery == null ? path : path + "?" + rawQuery,
          path,
          parseQuery(rawQuery),
          exchange.getRequestHeaders(),
          exchange.getRequestBody().readAllBytes(),
          ResourcePath.parse(path));
    }

    boolean isGet() {
      return method.equals("GET");
    }

    boolean isWatch() {
      String watch = query.get("watch");
      return isGet() && ("true".equals(watch) || "1".equals(watch));
    }

    boolean isPodLog() {
      return isGet()
          && resource
              .filter(path -> path.type().equals(ResourceType.PODS))
              .filter(path -> path.namespace() != null && path.name() != null)
              .filter(path -> "log".equals(path.subresource()))
              .isPresent();
    }

    /**
     * The name of the Job this request means to create, if it is a POST of a Job: its {@code name},
     * else its {@code generateName} prefix, else the empty string for a body that is no Job.
     */
    Optional<String> jobToCreate() {
      boolean createsJob =
          method.equals("POST")
              && resource
                  .filter(path -> path.type().equals(ResourceType.JOBS))
                  .filter(path -> path.namespace() != null && path.isCollection())
                  .isPresent();
      if (!createsJob) {
        return Optional.empty();
      }
      JsonNode metadata =
          KubeJson.object(body).map(job -> job.path("metadata")).orElse(KubeJson.MAPPER.nullNode());
      return Optional.of(metadata.path("name").asText(metadata.path("generateName").asText("")));
    }

    String namespace() {
      return resource.map(ResourcePath::namespace).orElse(null);
    }
  }

  /** A response on its way back to the client. */
  private record Response(
      int status, String contentType, byte[] body, Map<String, String> headers) {

    static Response json(int status, JsonNode body) {
      return new Response(status, "application/json", KubeJson.bytes(body), Map.of());
    }

    static Response failure(int status, String message) {
      return json(status, KubeStatus.failure(status, message));
    }

    Response withStatus(int newStatus) {
      return new Response(newStatus, contentType, body, headers);
    }
  }

  /**
   * Starts serving on a random port of 127.0.0.1.
   *
   * @param podLogs log text by {@code namespace/pod}
   */
  ApiFront(
      String mockUrl,
      WatchLog watchLog,
      Faults faults,
      JobCreations jobCreations,
      Map<String, String> podLogs)
      throws IOException {
    this.mockUrl = mockUrl;
    this.watchLog = watchLog;
    this.faults = faults;
    this.jobCreations = jobCreations;
    this.podLogs = podLogs;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(FORWARD_TIMEOUT)
            .build();
    AtomicInteger threadNumber = new AtomicInteger();
    // Cached, not fixed: every open watch holds a thread for as long as it streams.
    this.threads =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "fake-kube-" + threadNumber.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    this.server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Every request received, as {@code METHOD path?query}, in order of arrival. */
  List<String> requests() {
    return List.copyOf(requests);
  }

  /** Every request received, with the moment it arrived, in order of arrival. */
  List<Arrival> arrivals() {
    return List.copyOf(arrivals);
  }

  /** Stops serving; open watches must have been ended first (see {@link WatchLog#close}). */
  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  private void handle(HttpExchange exchange) {
    long arrived = System.nanoTime();
    String received = exchange.getRequestMethod() + " " + exchange.getRequestURI();
    requests.add(received);
    arrivals.add(
        new Arrival(arrived, exchange.getRequestMethod(), exchange.getRequestURI().getPath()));
    try {
      Request request = Request.read(exchange);
      request.jobToCreate().ifPresent(name -> jobCreations.attempted(request.namespace(), name));

      Fault fault = faults.take(request.method(), request.path()).orElse(null);
      if (fault instanceof Reject reject) {
        send(exchange, injected(reject, request));
        return;
      }
      if (fault instanceof Garble garble) {
        send(
            exchange,
            new Response(
                200, "application/json", garble.body().getBytes(StandardCharsets.UTF_8), Map.of()));
        return;
      }
      if (fault instanceof Delay delay) {
        Thread.sleep(delay.delay().toMillis());
      }
      if (fault instanceof LoseAnswer lost) {
        serve(request);
        send(exchange, injected(new Reject(lost.status(), null), request));
        return;
      }

      if (request.isWatch()) {
        watch(exchange, request);
      } else {
        send(exchange, serve(request));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("fake API server failed on {}", received, e);
      trySend(exchange, Response.failure(500, "FakeKubernetes: " + e));
    } finally {
      exchange.close();
    }
  }

  private Response serve(Request request) throws IOException, InterruptedException {
    // client-java asks for "/version/".
    if (request.isGet() && request.path().matches("/version/?")) {
      return Response.json(200, KubeJson.MAPPER.valueToTree(VERSION));
    }
    if (request.isPodLog()) {
      return podLog(request.resource().get(), request.query());
    }
    Response response = mend(request, forward(request));
    Optional<String> jobToCreate = request.jobToCreate();
    if (jobToCreate.isPresent() && response.status() == 201) {
      String created =
          KubeJson.object(response.body()).flatMap(KubeJson::name).orElse(jobToCreate.get());
      jobCreations.created(request.namespace(), created);
    }
    return response;
  }

  private static Response injected(Reject reject, Request request) {
    String message = "injected by FakeKubernetes: " + request.method() + " " + request.path();
    ObjectNode status = KubeStatus.failure(reject.status(), message);
    Map<String, String> headers = Map.of();
    if (reject.retryAfterSeconds() != null) {
      status.putObject("details").put("retryAfterSeconds", reject.retryAfterSeconds());
      headers = Map.of("Retry-After", Integer.toString(reject.retryAfterSeconds()));
    }
    return new Response(reject.status(), "application/json", KubeJson.bytes(status), headers);
  }

  /**
   * Serves a watch as client-java reads it: status 200, then one {@code {"type","object"}} JSON
   * document per line, until {@code timeoutSeconds} runs out or the fake closes.
   */
  private void watch(HttpExchange exchange, Request request)
      throws IOException, InterruptedException {
    Optional<ResourcePath> resource = request.resource();
    if (resource.isEmpty() || resource.get().subresource() != null) {
      send(exchange, Response.failure(404, "cannot watch " + request.path()));
      return;
    }
    ResourcePath path = resource.get();
    WatchFilter filter;
    OptionalLong since;
    Duration timeout;
    try {
      filter = new WatchFilter(path.type(), path.namespace(), selector(request, path));
      since = since(request.query().get("resourceVersion"));
      String timeoutSeconds = request.query().get("timeoutSeconds");
      timeout =
          timeoutSeconds == null
              ? UNBOUNDED_WATCH
              : Duration.ofSeconds(Long.parseLong(timeoutSeconds));
    } catch (IllegalArgumentException invalid) {
      send(exchange, Response.failure(400, invalid.getMessage()));
      return;
    }

    try (Subscription subscription = watchLog.subscribe(filter, since)) {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, 0);
      OutputStream stream = exchange.getResponseBody();
      Instant deadline = Instant.now().plus(timeout);
      while (true) {
        Duration left = Duration.between(Instant.now(), deadline);
        Optional<WatchEvent> event = left.isNegative() ? Optional.empty() : subscription.next(left);
        if (event.isEmpty()) {
          break;
        }
        ObjectNode line = KubeJson.MAPPER.createObjectNode();
        line.put("type", event.get().type());
        line.set("object", event.get().object());
        stream.write(KubeJson.bytes(line));
        stream.write('\n');
        stream.flush();
      }
    } catch (IOException clientGone) {
      LOG.debug("watch client went away: {}", clientGone.toString());
    }
  }

  /** The request's label and field selectors, and the name in its path if it has one. */
  private static Selector selector(Request request, ResourcePath path) {
    Selector selector =
        Selector.labels(request.query().get("labelSelector"))
            .and(Selector.fields(request.query().get("fieldSelector")));
    return path.name() == null
        ? selector
        : selector.and(Selector.fields("metadata.name=" + path.name()));
  }

  /** The resource version a watch starts after; empty for "now, listing what exists first". */
  private static OptionalLong since(String resourceVersion) {
    if (resourceVersion == null || resourceVersion.isEmpty() || resourceVersion.equals("0")) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(resourceVersion));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid resourceVersion: " + resourceVersion);
    }
  }

  private Response podLog(ResourcePath path, Map<String, String> query) {
    String pod = path.namespace() + "/" + path.name();
    if (watchLog.current(ResourceType.PODS, path.namespace(), path.name()).isEmpty()) {
      return Response.failure(404, "pods \"" + path.name() + "\" not found");
    }
    String text = podLogs.get(pod);
    if (text == null) {
      return Response.failure(404, "FakeKubernetes has no log for pod " + pod + " (see podLog)");
    }
    if (query.containsKey("tailLines")) {
      text = tail(text, Integer.parseInt(query.get("tailLines")));
    }
    return new Response(200, "text/plain", text.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** The last {@code lines} lines of a text, keeping its final newline if it has one. */
  static String tail(String text, int lines) {
    if (lines < 0 || text.isEmpty()) {
      return text;
    }
    if (lines == 0) {
      return "";
    }
    boolean endsWithNewline = text.endsWith("\n");
    String[] all = (endsWithNewline ? text.substring(0, text.length() - 1) : text).split("\n", -1);
    String kept =
        String.join("\n", Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    return endsWithNewline ? kept + "\n" : kept;
  }

  private Response forward(Request request) throws IOException, InterruptedException {
    byte[] body = request.body();
    HttpRequest.Builder forwarded =
        HttpRequest.newBuilder(URI.create(mockUrl + forwardedPathAndQuery(request)))
            .timeout(FORWARD_TIMEOUT)
            .method(
                request.method(),
                body.length == 0 ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(body));
    for (String header : FORWARDED_HEADERS) {
      String value = request.headers().getFirst(header);
      if (value != null) {
        forwarded.header(header, value);
      }
    }
    HttpResponse<byte[]> response = http.send(forwarded.build(), BodyHandlers.ofByteArray());
    return new Response(
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(null),
        response.body(),
        Map.of());
  }

  /**
   * The request's path and query, less the selectors of a list: the mock ignores set-based label
   * selectors (with a warning) and the front filters the whole list anyway, as it does a watch.
   */
  private static String forwardedPathAndQuery(Request request) {
    int query = request.pathAndQuery().indexOf('?');
    if (!request.isGet()
        || request.resource().filter(ResourcePath::isCollection).isEmpty()
        || query < 0) {
      return request.pathAndQuery();
    }
    String kept =
        Arrays.stream(request.pathAndQuery().substring(query + 1).split("&"))
            .filter(
                pair -> !pair.startsWith("labelSelector=") && !pair.startsWith("fieldSelector="))
            .collect(Collectors.joining("&"));
    return request.path() + (kept.isEmpty() ? "" : "?" + kept);
  }

  /**
   * Makes the mock's answer read like an API server's where a client notices:
   *
   * <ul>
   *   <li>an error always has a Status body, whose {@code reason} is the API server's for the code
   *       (the mock says {@code Invalid} to nearly everything), and a duplicate create is {@code
   *       AlreadyExists};
   *   <li>PATCH and PUT answer 200 (the mock says 202);
   *   <li>a DELETE that removed the object answers a {@code Success} Status, not the object, which
   *       client-java could not read as the {@code V1Status} it expects;
   *   <li>a list honours every form of label selector (the mock ignores set-based ones) and field
   *       selectors;
   *   <li>a JSON body says it is {@code application/json}.
   * </ul>
   */
  private static Response mend(Request request, Response response) {
    int status = response.status();
    Optional<ObjectNode> body = KubeJson.object(response.body());
    if (status >= 400) {
      return Response.json(status, errorStatus(request, status, body));
    }
    Response json = new Response(status, contentType(response), response.body(), Map.of());
    String method = request.method();
    if ((method.equals("PATCH") || method.equals("PUT")) && status == 202) {
      return json.withStatus(200);
    }
    Optional<ResourcePath> single = request.resource().filter(path -> !path.isCollection());
    if (method.equals("DELETE")
        && status == 200
        && single.isPresent()
        && body.filter(object -> !object.path("metadata").has("deletionTimestamp")).isPresent()) {
      String uid = body.get().path("metadata").path("uid").asText(null);
      return Response.json(200, KubeStatus.deleted(single.get(), uid));
    }
    Optional<ResourcePath> list =
        request.resource().filter(path -> request.isGet() && path.isCollection());
    if (list.isPresent() && status == 200 && body.filter(b -> b.has("items")).isPresent()) {
      try {
        return Response.json(200, filtered(body.get(), selector(request, list.get())));
      } catch (IllegalArgumentException invalid) {
        return Response.failure(400, invalid.getMessage());
      }
    }
    return json;
  }

  private static ObjectNode errorStatus(
      Request request, int status, Optional<ObjectNode> mockStatus) {
    Optional<ResourcePath> resource = request.resource();
    if (request.method().equals("POST") && status == 409 && resource.isPresent()) {
      String name = KubeJson.object(request.body()).flatMap(KubeJson::name).orElse("");
      ResourceType type = resource.get().type();
      ObjectNode alreadyExists =
          KubeStatus.failure(
              409, "AlreadyExists", type.qualifiedName() + " \"" + name + "\" already exists");
      alreadyExists
          .putObject("details")
          .put("name", name)
          .put("group", type.group())
          .put("kind", type.plural());
      return alreadyExists;
    }
    Optional<ObjectNode> statusBody =
        mockStatus.filter(body -> body.path("kind").asText().equals("Status"));
    if (statusBody.isPresent()) {
      ObjectNode mended = statusBody.get().deepCopy();
      mended.put("reason", KubeStatus.reason(status));
      if (KubeStatus.reason(status).isEmpty()) {
        mended.remove("reason");
      }
      return mended;
    }
    Optional<ResourcePath> named = resource.filter(path -> path.name() != null);
    if (status == 404 && named.isPresent()) {
      return KubeStatus.failure(
          404, named.get().type().qualifiedName() + " \"" + named.get().name() + "\" not found");
    }
    return KubeStatus.failure(
        status,
        status == 404
            ? "the server could not find the requested resource"
            : "the fabric8 mock answered " + status);
  }

  /** The list with only the items the selector matches. */
  private static ObjectNode filtered(ObjectNode list, Selector selector) {
    ObjectNode copy = list.deepCopy();
    ArrayNode kept = copy.putArray("items");
    list.path("items")
        .forEach(
            item -> {
              if (selector.matches(item)) {
                kept.add(item);
              }
            });
    return copy;
  }

  private static String contentType(Response response) {
    if (response.contentType() != null || response.body().length == 0) {
      return response.contentType();
    }
    return "application/json";
  }

  private static void send(HttpExchange exchange, Response response) throws IOException {
    if (response.contentType() != null) {
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
    }
    response.headers().forEach(exchange.getResponseHeaders()::set);
    byte[] body = response.body();
    exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static void trySend(HttpExchange exchange, Response response) {
    try {
      send(exchange, response);
    } catch (IOException | RuntimeException headersAlreadySent) {
      LOG.debug("could not report the failure: {}", headersAlreadySent.toString());
    }
  }

  private static Map<String, String> parseQuery(String rawQuery) {
    Map<String, String> parameters = new HashMap<>();
    if (rawQuery == null) {
      return parameters;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String key = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      parameters.putIfAbsent(
          URLDecoder.decode(key, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return parameters;
  }
}
