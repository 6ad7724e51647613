package io.nightshift.testsupport.kube;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.nightshift.testsupport.kube.Faults.Delay;
import io.nightshift.testsupport.kube.Faults.Reject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;

/**
 * A fake Kubernetes API server for integration tests, which the application reaches with
 * client-java over plain HTTP at {@link #url()}.
 *
 * <p>What it does:
 *
 * <ul>
 *   <li>stores objects of any kind in fabric8's CRUD mock: create (201; 409 {@code AlreadyExists}
 *       on a duplicate), get, list, update (409 {@code Conflict} on a stale {@code
 *       resourceVersion}), JSON patch and merge patch, the {@code status} subresource, and delete
 *       (answered with a {@code Success} Status);
 *   <li>lists and watches honour every form of label selector and equality field selectors;
 *   <li>serves {@code ?watch=true} as the streaming response client-java's watches and informers
 *       read, for any resource, with {@code timeoutSeconds} and {@code resourceVersion}: the
 *       changes after that version are replayed; without one, or with "0", the watch opens with an
 *       {@code ADDED} event per existing object, as the API server does;
 *   <li>serves {@code pods/log} from text the test registers with {@link #podLog}, honouring {@code
 *       tailLines};
 *   <li>serves {@code /version};
 *   <li>records every POST of a Job ({@link #jobCreations}, {@link #createAttempts}) and when every
 *       request arrived ({@link #arrivals});
 *   <li>injects faults into requests ({@link #fail}, {@link #throttle}, {@link #delay}, {@link
 *       #loseAnswer}) and ends open watches ({@link #dropWatches});
 *   <li>plays the Job controller when the test says so ({@link #jobs()}).
 * </ul>
 *
 * <p>What it does not do: TLS, authentication or authorization; admission, schema validation
 * (beyond requiring a name) or defaulting; keeping {@code status} apart from the rest of an object
 * (a create or an update may set it); strategic merge patch and server-side apply (415); pagination
 * ({@code limit}/{@code continue}); watch bookmarks and {@code 410 Gone}; log {@code follow},
 * {@code sinceSeconds}, {@code limitBytes}; exec, attach and port-forward; garbage collection (a
 * deleted Job's pods stay); any controller but the Job steps a test drives through {@link
 * JobController}. The test's own fabric8 {@link #client()} talks to the mock directly: faults do
 * not apply to it and its writes are not counted, but watches do see them.
 */
public final class FakeKubernetes implements AutoCloseable {

  /** Held so the setting sticks: java.util.logging keeps only weak references to loggers. */
  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    // The mock logs every request at INFO; the front's own log says what matters.
    MOCK_SERVER_LOG.setLevel(Level.WARNING);
  }

  private static final HttpClient DIRECT = HttpClient.newHttpClient();

  private final KubernetesMockServer mock;
  private final KubernetesClient client;
  private final WatchLog watchLog;
  private final ApiFront front;
  private final Faults faults = new Faults();
  private final JobCreations jobCreations = new JobCreations();
  private final Map<String, String> podLogs = new ConcurrentHashMap<>();
  private final JobController jobs;

  private FakeKubernetes() throws IOException {
    watchLog = new WatchLog();
    mock =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new RecordingCrudDispatcher(watchLog),
            false);
    mock.init(InetAddress.getByName("127.0.0.1"), 0);
    client = mock.createClient();
    jobs = new JobController(client);
    front =
        new ApiFront("http://127.0.0.1:" + mock.getPort(), watchLog, faults, jobCreations, podLogs);
  }

  /** Starts an empty fake cluster. */
  public static FakeKubernetes start() {
    try {
      return new FakeKubernetes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the fake Kubernetes API server", e);
    }
  }

  /** The base URL for client-java: {@code new ClientBuilder().setBasePath(fake.url())}. */
  public String url() {
    return front.url();
  }

  /** A fabric8 client on the mock itself, to read and change the cluster's state behind the app. */
  public KubernetesClient client() {
    return client;
  }

  /** Moves Jobs through their lifecycle and reads them, as the missing Job controller would. */
  public JobController jobs() {
    return jobs;
  }

  /** Registers what {@code GET .../pods/{pod}/log} answers for this pod. */
  public void podLog(String namespace, String pod, String text) {
    podLogs.put(namespace + "/" + pod, text);
  }

  /** The names of the Jobs created through the front in this namespace, once per 201, in order. */
  public List<String> jobCreations(String namespace) {
    return jobCreations.created(namespace);
  }

  /**
   * How many POSTs tried to create this Job through the front, whatever their outcome: created,
   * 409, or an injected fault. A POST with only {@code generateName} counts under that prefix.
   */
  public int createAttempts(String namespace, String name) {
    return jobCreations.attempts(namespace, name);
  }

  /**
   * When each request matching {@code method} and {@code pathRegex} reached the front, on {@link
   * System#nanoTime()}, in order of arrival: to check the rate a client keeps to. Every request
   * through the front counts, whatever its answer; the test's own {@link #client()} never does.
   *
   * @param method an HTTP method, or {@code *} for any
   * @param pathRegex matched against the whole request path, without the query string
   */
  public List<Long> arrivals(String method, String pathRegex) {
    java.util.regex.Pattern path = java.util.regex.Pattern.compile(pathRegex);
    return front.arrivals().stream()
        .filter(arrival -> method.equals("*") || method.equalsIgnoreCase(arrival.method()))
        .filter(arrival -> path.matcher(arrival.path()).matches())
        .map(ApiFront.Arrival::nanos)
        .toList();
  }

  /**
   * Answers the next {@code times} matching requests with this status and a {@code Status} body
   * ({@code reason} as the API server gives it for the code: {@code InternalError}, {@code
   * Forbidden}, {@code Invalid}...), without reaching the mock.
   *
   * @param method an HTTP method, or {@code *} for any
   * @param pathRegex matched against the whole request path, without the query string
   */
  public void fail(String method, String pathRegex, int status, int times) {
    faults.add(method, pathRegex, new Reject(status, null), times);
  }

  /** Answers the next {@code times} matching requests with 429 and {@code Retry-After}. */
  public void throttle(String method, String pathRegex, int retryAfterSeconds, int times) {
    faults.add(method, pathRegex, new Reject(429, retryAfterSeconds), times);
  }

  /**
   * Answers the next {@code times} matching requests with 200 and {@code body}, which need not be
   * JSON: an API server, or something posing as one, that answers what the client cannot parse.
   */
  public void garble(String method, String pathRegex, String body, int times) {
    faults.add(method, pathRegex, new Faults.Garble(body), times);
  }

  /** Holds the next {@code times} matching requests for {@code delay}, then serves them. */
  public void delay(String method, String pathRegex, Duration delay, int times) {
    faults.add(method, pathRegex, new Delay(delay), times);
  }

  /**
   * Serves the next {@code times} matching requests, then answers them with {@code status} as if
   * the answer were lost: a create happens, and the client believes it did not.
   */
  public void loseAnswer(String method, String pathRegex, int status, int times) {
    faults.add(method, pathRegex, new Faults.LoseAnswer(status), times);
  }

  /**
   * Ends every open watch at once, as an API server that restarts or sheds load does: the clients
   * must watch again, from the last version they saw.
   */
  public void dropWatches() {
    watchLog.endOpenWatches();
  }

  /** Forgets the faults not yet used up. */
  public void clearFaults() {
    faults.clear();
  }

  /**
   * Every request the front received, as {@code METHOD path?query}: for this fixture's own test.
   */
  List<String> requests() {
    return front.requests();
  }

  /**
   * Creates an object as it is, status included, straight in the mock (no fault, not counted), e.g.
   * {@code create("/apis/batch/v1/namespaces/data/cronjobs", cronJob)}; returns it as stored.
   */
  public JsonNode create(String collectionPath, JsonNode object) {
    return exchange("POST", collectionPath, object);
  }

  /** An object as the mock stores it, e.g. {@code /apis/batch/v1/namespaces/data/jobs/x}. */
  public JsonNode read(String path) {
    return exchange("GET", path, null);
  }

  private JsonNode exchange(String method, String path, JsonNode body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mock.getPort() + path))
            .timeout(Duration.ofSeconds(10));
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(KubeJson.bytes(body)));
    }
    try {
      HttpResponse<String> response =
          DIRECT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 300) {
        throw new IllegalStateException(
            method + " " + path + ": " + response.statusCode() + " " + response.body());
      }
      return KubeJson.object(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Ends open watches, then stops the front, the client and the mock. */
  @Override
  public void close() {
    watchLog.close();
    front.close();
    client.close();
    mock.destroy();
  }
}
