package io.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The API over {@code java.net.http}, with retries. What is retried:
 *
 * <ul>
 *   <li>any request that never reached the server (connection refused, connect timeout), and any
 *       answered 429 or 503, which the server gives before it changes anything;
 *   <li>for an idempotent request (reads, PUTs, a run created with an Idempotency-Key), also a
 *       dropped connection and any other 5xx.
 * </ul>
 *
 * Retries back off exponentially with jitter, honour {@code Retry-After}, and stop once the server
 * has been unavailable for the retry budget without a break; then the call fails with exit code 10.
 */
final class ApiClient {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final Settings settings;
  private final Duration retryBudget;
  private final PrintStream err;
  private final HttpClient http;
  private final Backoff backoff = Backoff.standard();

  ApiClient(Settings settings, Duration retryBudget, PrintStream err) {
    this(settings, retryBudget, err, http(settings.server()));
  }

  private static HttpClient http(URI server) {
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER);
    if ("http".equals(server.getScheme())) {
      // The JDK's client builds the default TLS context even for plain HTTP, reading the trusted
      // certificates: a tenth of a second of every start. Redirects are not followed, so a
      // client for an http:// server never speaks TLS: it gets a context that trusts nothing.
      builder.sslContext(NoTls.CONTEXT);
    }
    return builder.build();
  }

  /** A TLS context that refuses every certificate, cheap to make. */
  private static final class NoTls implements X509TrustManager {
    static final SSLContext CONTEXT = context();

    private static SSLContext context() {
      try {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[0], new TrustManager[] {new NoTls()}, null);
        return context;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("this client speaks plain HTTP only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("this client speaks plain HTTP only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  private ApiClient(Settings settings, Duration retryBudget, PrintStream err, HttpClient http) {
    this.settings = settings;
    this.retryBudget = retryBudget;
    this.err = err;
    this.http = http;
  }

  /** The same client, giving up after {@code budget} of unavailability. */
  ApiClient withRetryBudget(Duration budget) {
    return new ApiClient(settings, budget, err, http);
  }

  Settings settings() {
    return settings;
  }

  /** One request: what, to where, and how it may be retried. */
  static final class Call {
    final String method;
    final String path;
    final Map<String, String> headers = new LinkedHashMap<>();
    byte[] body;
    boolean idempotent;
    boolean aboutRun;
    boolean authenticated = true;
    Duration timeout = REQUEST_TIMEOUT;
    String what = "";

    private Call(String method, String path, boolean idempotent) {
      this.method = method;
      this.path = path;
      this.idempotent = idempotent;
    }

    static Call get(String path) {
      return new Call("GET", path, true);
    }

    static Call put(String path, byte[] body, String contentType) {
      return new Call("PUT", path, true).body(body, contentType);
    }

    static Call post(String path) {
      return new Call("POST", path, false);
    }

    static Call delete(String path) {
      return new Call("DELETE", path, false);
    }

    Call body(byte[] bytes, String contentType) {
      this.body = bytes;
      headers.put("Content-Type", contentType);
      return this;
    }

    Call json(Object value) {
      return body(Json.bytes(value), "application/json");
    }

    Call header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    /** Safe to send twice: the second has the effect of the first. */
    Call idempotent() {
      this.idempotent = true;
      return this;
    }

    /** Names a run by id: its 404 means the run is gone ({@link Exit#ofHttp}). */
    Call aboutRun() {
      this.aboutRun = true;
      return this;
    }

    Call anonymous() {
      this.authenticated = false;
      return this;
    }

    Call timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** A prefix for its error messages, e.g. {@code workflow.nightshift.io/data/etl: }. */
    Call what(String what) {
      this.what = what;
      return this;
    }
  }

  /** An answer: status, headers, body. */
  record Response(int status, Map<String, List<String>> headers, byte[] body) {
    JsonNode json() {
      return Json.parse(body);
    }

    Optional<String> header(String name) {
      for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
        if (entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) {
          return Optional.of(entry.getValue().get(0));
        }
      }
      return Optional.empty();
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Sends the call, retrying as the class says; a 4xx or a final 5xx is an ApiException. */
  Response send(Call call) {
    HttpResponse<byte[]> answer = exchange(call, HttpResponse.BodyHandlers.ofByteArray());
    Response response = new Response(answer.statusCode(), answer.headers().map(), answer.body());
    if (response.status() >= 400) {
      throw problem(call, response.status(), response.body());
    }
    return response;
  }

  /**
   * Opens a streamed answer (a followed log); the caller reads and closes it. Error answers are
   * ApiExceptions, after retries as for {@link #send}.
   */
  HttpResponse<InputStream> stream(Call call) {
    HttpResponse<InputStream> answer = exchange(call, HttpResponse.BodyHandlers.ofInputStream());
    if (answer.statusCode() >= 400) {
      byte[] body;
      try (InputStream in = answer.body()) {
        body = in.readNBytes(64 * 1024);
      } catch (IOException e) {
        body = new byte[0];
      }
      throw problem(call, answer.statusCode(), body);
    }
    return answer;
  }

  private <T> HttpResponse<T> exchange(Call call, HttpResponse.BodyHandler<T> handler) {
    HttpRequest request = request(call);
    long firstFailure = 0;
    int attempt = 0;
    boolean warned = false;
    while (true) {
      String failure;
      Duration retryAfter = null;
      try {
        HttpResponse<T> answer = http.send(request, handler);
        int status = answer.statusCode();
        boolean retry =
            status == 429 || status == 503 || (call.idempotent && status >= 500 && status != 501);
        if (!retry) {
          return answer;
        }
        retryAfter = Backoff.retryAfter(answer.headers().firstValue("Retry-After").orElse(null));
        failure = "answered " + status;
        if (!waitAgain(firstFailure, attempt, retryAfter)) {
          return answer;
        }
        discard(answer);
      } catch (ConnectException | HttpConnectTimeoutException e) {
        failure = "cannot connect (" + describe(e) + ")";
        if (!waitAgain(firstFailure, attempt, null)) {
          throw unreachable(call, failure, firstFailure);
        }
      } catch (IOException e) {
        failure = "the connection failed (" + describe(e) + ")";
        if (!call.idempotent || !waitAgain(firstFailure, attempt, null)) {
          throw unreachable(call, failure, firstFailure);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException(Exit.UNAVAILABLE, "interrupted");
      }
      if (firstFailure == 0) {
        firstFailure = System.nanoTime();
      }
      Duration delay = backoff.delay(attempt++, retryAfter);
      if (!warned) {
        warned = true;
        err.println(
            "warning: "
                + settings.server()
                + " "
                + failure
                + "; retrying for up to "
                + Durations.human(retryBudget));
      }
      sleep(delay);
    }
  }

  /** Whether one more try fits in the retry budget, counted from the first failure. */
  private boolean waitAgain(long firstFailure, int attempt, Duration retryAfter) {
    if (retryBudget.isZero()) {
      return false;
    }
    long start = firstFailure == 0 ? System.nanoTime() : firstFailure;
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    Duration next = retryAfter != null ? retryAfter : Duration.ZERO;
    return elapsed.plus(next).compareTo(retryBudget) < 0;
  }

  private CliException unreachable(Call call, String failure, long firstFailure) {
    String retried =
        firstFailure == 0
            ? ""
            : " (retried for "
                + Durations.human(Duration.ofNanos(System.nanoTime() - firstFailure))
                + ")";
    return new CliException(
        Exit.UNAVAILABLE, call.what + "the API at " + settings.server() + " " + failure + retried);
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  private static void discard(HttpResponse<?> answer) {
    if (answer.body() instanceof InputStream in) {
      try {
        in.close();
      } catch (IOException e) {
        // nothing to keep
      }
    }
  }

  static void sleep(Duration delay) {
    try {
      Thread.sleep(Math.max(0, delay.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(Exit.UNAVAILABLE, "interrupted");
    }
  }

  private HttpRequest request(Call call) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri(call.path))
            .timeout(call.timeout)
            .header("Accept", "application/json")
            .header("User-Agent", "nightshift-cli/" + Version.client());
    if (call.authenticated) {
      settings.token().ifPresent(token -> builder.header("Authorization", "Bearer " + token));
    }
    call.headers.forEach(builder::header);
    HttpRequest.BodyPublisher body =
        call.body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(call.body);
    return builder.method(call.method, body).build();
  }

  private URI uri(String path) {
    return URI.create(settings.server().toString() + path);
  }

  /** A path segment or query value, percent-encoded. */
  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static ApiException problem(Call call, int status, byte[] body) {
    String title = "HTTP " + status;
    String detail = null;
    List<ApiException.Violation> violations = new ArrayList<>();
    try {
      JsonNode problem = Json.JSON.readTree(body);
      if (problem != null && problem.isObject()) {
        title = problem.path("title").asText(title);
        detail = Json.text(problem, "/detail");
        if (problem.has("line") && problem.path("line").asInt() > 0) {
          detail =
              (detail == null ? "" : detail + " ")
                  + "(line "
                  + problem.path("line").asInt()
                  + ", column "
                  + problem.path("column").asInt()
                  + ")";
        }
        for (JsonNode violation : problem.path("violations")) {
          violations.add(
              new ApiException.Violation(
                  violation.path("path").asText(), violation.path("message").asText()));
        }
      }
    } catch (IOException notJson) {
      String text = new String(body, StandardCharsets.UTF_8).strip();
      detail = text.isEmpty() ? null : text.length() > 500 ? text.substring(0, 500) + "…" : text;
    }
    if (status == 401 || status == 403) {
      detail =
          (detail == null ? "" : detail + " ")
              + "(check the token: --token-file, NIGHTSHIFT_TOKEN or the context's token-file)";
    }
    return new ApiException(status, call.aboutRun, title, detail, violations, call.what);
  }
}
