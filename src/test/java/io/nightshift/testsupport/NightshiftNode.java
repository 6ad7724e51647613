package io.nightshift.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import io.micronaut.runtime.server.EmbeddedServer;
import io.nightshift.cluster.LeaderElector;
import io.nightshift.testsupport.kube.FakeKubernetes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * One Nightshift node on a random port, talked to over real HTTP with the JDK's client, as the
 * bootstrap admin unless {@link #as} says otherwise. Stopping and starting another node on the same
 * database is a restart.
 */
public final class NightshiftNode implements AutoCloseable {

  /** The admin token every test node is started with ({@code NIGHTSHIFT_ADMIN_TOKEN}). */
  public static final String ADMIN_TOKEN = "test-admin-token-not-a-secret-0123456789";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** HTTP/1.1 only, so that an answer streams in chunks over a connection of its own. */
  private static final HttpClient STREAMING =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private final EmbeddedServer server;
  private final String token;

  private NightshiftNode(EmbeddedServer server, String token) {
    this.server = server;
    this.token = token;
  }

  /**
   * The same node, talked to with {@code token} as the bearer token, or with no Authorization
   * header when null. Closing either closes the node.
   */
  public NightshiftNode as(String token) {
    return new NightshiftNode(server, token);
  }

  /** A node on {@code database}. */
  public static NightshiftNode start(PostgresFixture.Database database) {
    return start(on(database));
  }

  /** The properties of a node on {@code database}, plus these keys and values. */
  public static Map<String, Object> on(PostgresFixture.Database database, Object... more) {
    Map<String, Object> properties = new HashMap<>();
    properties.put("nightshift.datasource.url", database.url());
    properties.put("nightshift.datasource.username", database.username());
    properties.put("nightshift.datasource.password", database.password());
    for (int i = 0; i < more.length; i += 2) {
      properties.put((String) more[i], more[i + 1]);
    }
    return properties;
  }

  /**
   * Like {@link #on}, with the leader's lease renewed and the engine's pass every 100 ms: for tests
   * that wait on runs, or move the clock past a lease, without waiting for the defaults.
   */
  public static Map<String, Object> quick(PostgresFixture.Database database, Object... more) {
    Map<String, Object> properties =
        on(
            database,
            "nightshift.cluster.renew-interval",
            "100ms",
            "nightshift.engine.interval",
            "100ms");
    properties.putAll(on(database, more));
    return properties;
  }

  /**
   * Like {@link #quick}, on the local executor with its steps' files in {@code dataDir}, plus these
   * keys and values.
   */
  public static Map<String, Object> quickOnLocal(
      PostgresFixture.Database database, Path dataDir, Object... more) {
    Map<String, Object> properties =
        quick(database, "nightshift.executor", "local", "nightshift.data-dir", dataDir.toString());
    properties.putAll(on(database, more));
    return properties;
  }

  /**
   * Like {@link #quick}, on the Kubernetes executor against {@code kube}, allowed to create Jobs in
   * {@code namespace}, plus these keys and values.
   */
  public static Map<String, Object> quickOnKubernetes(
      PostgresFixture.Database database, FakeKubernetes kube, String namespace, Object... more) {
    Map<String, Object> properties =
        quick(
            database,
            "nightshift.executor",
            "kubernetes",
            "nightshift.kubernetes.api-url",
            kube.url(),
            "nightshift.kubernetes.namespaces",
            namespace);
    properties.putAll(on(database, more));
    return properties;
  }

  /** A node with these properties over the defaults of application.yml. */
  public static NightshiftNode start(Map<String, Object> properties) {
    Map<String, Object> all = new HashMap<>(properties);
    all.put("micronaut.server.port", -1);
    all.put("nightshift.datasource.maximum-pool-size", 4);
    all.putIfAbsent("nightshift.admin-token", ADMIN_TOKEN);
    return new NightshiftNode(
        ApplicationContext.run(EmbeddedServer.class, all, Environment.TEST), ADMIN_TOKEN);
  }

  /**
   * A node with these properties over the defaults of application.yml, outside Micronaut's test
   * environment: on the system clock, not a {@link MutableClock}, and with the production pool
   * size. For what must be measured in real time, as the benchmark does.
   */
  public static NightshiftNode startOnSystemClock(Map<String, Object> properties) {
    Map<String, Object> all = new HashMap<>(properties);
    all.put("micronaut.server.port", -1);
    all.putIfAbsent("nightshift.admin-token", ADMIN_TOKEN);
    // Not deduced: under JUnit, Micronaut would add the test environment by itself.
    ApplicationContext context =
        ApplicationContext.builder().properties(all).deduceEnvironment(false).start();
    EmbeddedServer server = context.getBean(EmbeddedServer.class);
    server.start();
    return new NightshiftNode(server, ADMIN_TOKEN);
  }

  public ApplicationContext context() {
    return server.getApplicationContext();
  }

  public MutableClock clock() {
    return context().getBean(MutableClock.class);
  }

  public HttpResponse<String> get(String path) {
    return send(request(path).GET());
  }

  public HttpResponse<String> get(String path, String accept) {
    return send(request(path).header("Accept", accept).GET());
  }

  public HttpResponse<String> put(String path, String contentType, String body) {
    return put(path, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  public HttpResponse<String> put(String path, String contentType, byte[] body) {
    HttpRequest.Builder request = request(path).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return send(request);
  }

  public HttpResponse<String> post(String path) {
    return send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
  }

  public HttpResponse<String> delete(String path) {
    return send(request(path).DELETE());
  }

  public HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Starts a GET whose answer is read as it arrives (a followed log): the future completes with the
   * headers, and the body is a stream that ends with the answer. Closing the stream before its end
   * drops the connection, as a client that goes away does.
   */
  public CompletableFuture<HttpResponse<InputStream>> stream(String path) {
    return STREAMING.sendAsync(
        request(path).timeout(Duration.ofSeconds(60)).GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
  }

  public HttpRequest.Builder request(String path) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.getURL() + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request;
  }

  /** Starts a run of {@code namespace/workflow} now, checks it was created, and returns its id. */
  public String runNow(String namespace, String workflow) {
    HttpResponse<String> response =
        send(
            request("/api/v1/namespaces/" + namespace + "/workflows/" + workflow + "/runs")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return Json.parse(response.body()).get("id").asText();
  }

  /** Reads the run until {@code until} holds of it, for up to 20 s; fails with the run if never. */
  public JsonNode awaitRun(String id, Predicate<JsonNode> until) {
    JsonNode run = Json.parse(get("/api/v1/runs/" + id).body());
    for (int i = 0; i < 200 && !until.test(run); i++) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      run = Json.parse(get("/api/v1/runs/" + id).body());
    }
    assertThat(until.test(run)).as(run.toString()).isTrue();
    return run;
  }

  /** The node among {@code nodes} that holds the lease, waiting up to 10 s for one to. */
  public static NightshiftNode leaderOf(List<NightshiftNode> nodes) {
    for (int i = 0; i < 200; i++) {
      for (NightshiftNode node : nodes) {
        if (node.context().getBean(LeaderElector.class).isLeader()) {
          return node;
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("no leader among " + nodes.size() + " nodes");
  }

  @Override
  public void close() {
    server.getApplicationContext().close();
  }
}
