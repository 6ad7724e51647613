package io.nightshift.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.nightshift.security.OidcConfig;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Signing in to the console through the OIDC provider of {@code nightshift.oidc}: the
 * authorization-code flow with PKCE (S256), a state and a nonce. What the flow needs to remember
 * between leaving for the provider and coming back (state, verifier, nonce, the page to return to)
 * is kept in a short-lived {@code HttpOnly} cookie of the callback's path, so any replica can
 * finish a flow another began. The ID token it gets becomes the session's token, which every
 * request then verifies as the API verifies a JWT (signature against the provider's keys, issuer,
 * expiry, audience), so the console holds no secret of its own.
 */
@Singleton
public class ConsoleOidc {

  static final String COOKIE = "nightshift_oidc";
  static final String CALLBACK = "/sign-in/oidc/callback";
  private static final Duration FLOW = Duration.ofMinutes(10);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /** How a flow ended: the ID token and where to go, or why it did not. */
  record Outcome(Optional<String> idToken, String next, String error) {}

  private final OidcConfig config;
  private final String issuer;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(TIMEOUT)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  public ConsoleOidc(OidcConfig config, @Value("${nightshift.oidc.issuer:}") String issuer) {
    this.config = config;
    this.issuer = issuer == null ? "" : issuer.strip();
  }

  /** Whether the sign-in page offers the provider: an issuer and a client are configured. */
  boolean enabled() {
    return !issuer.isEmpty() && config.clientId() != null && !config.clientId().isBlank();
  }

  String displayName() {
    return config.displayName();
  }

  /** Where to send the browser to sign in, and the cookie that remembers the flow. */
  Map.Entry<URI, Cookie> start(HttpRequest<?> request, String next) {
    JsonNode discovery = discovery();
    String state = random();
    String verifier = random();
    String nonce = random();
    Map<String, String> query = new LinkedHashMap<>();
    query.put("response_type", "code");
    query.put("client_id", config.clientId());
    query.put("redirect_uri", redirectUri(request));
    query.put("scope", "openid");
    query.put("state", state);
    query.put("nonce", nonce);
    query.put("code_challenge", B64.encodeToString(sha256(verifier)));
    query.put("code_challenge_method", "S256");
    String endpoint = discovery.path("authorization_endpoint").asText();
    URI authorize = URI.create(endpoint + (endpoint.contains("?") ? "&" : "?") + form(query));
    String remembered =
        String.join(
            ".", state, verifier, nonce, B64.encodeToString(next.getBytes(StandardCharsets.UTF_8)));
    return Map.entry(authorize, flowCookie(remembered, request, FLOW));
  }

  /** Finishes the flow the provider sent the browser back from. */
  Outcome finish(
      HttpRequest<?> request,
      @Nullable String code,
      @Nullable String state,
      @Nullable String error) {
    Optional<String[]> flow =
        request
            .getCookies()
            .findCookie(COOKIE)
            .map(Cookie::getValue)
            .map(value -> value.split("\\.", -1))
            .filter(parts -> parts.length == 4);
    if (flow.isEmpty()) {
      return new Outcome(
          Optional.empty(), "/", "The sign-in took too long or began elsewhere: try again.");
    }
    String[] parts = flow.get();
    String next =
        ConsoleController.safeNext(
            new String(Base64.getUrlDecoder().decode(parts[3]), StandardCharsets.UTF_8));
    if (state == null
        || !MessageDigest.isEqual(
            parts[0].getBytes(StandardCharsets.US_ASCII),
            state.getBytes(StandardCharsets.US_ASCII))) {
      return new Outcome(
          Optional.empty(), next, "The provider's answer does not belong to this sign-in.");
    }
    if (error != null || code == null) {
      return new Outcome(
          Optional.empty(),
          next,
          "The provider did not sign you in" + (error == null ? "." : ": " + error));
    }
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("redirect_uri", redirectUri(request));
    form.put("client_id", config.clientId());
    form.put("code_verifier", parts[1]);
    if (config.clientSecret() != null && !config.clientSecret().isBlank()) {
      form.put("client_secret", config.clientSecret());
    }
    JsonNode tokens;
    try {
      HttpResponse<String> answer =
          http.send(
              java.net.http.HttpRequest.newBuilder(
                      URI.create(discovery().path("token_endpoint").asText()))
                  .timeout(TIMEOUT)
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .header("Accept", "application/json")
                  .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form(form)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 200) {
        return new Outcome(
            Optional.empty(),
            next,
            "The provider refused the sign-in (HTTP " + answer.statusCode() + ").");
      }
      tokens = JSON.readTree(answer.body());
    } catch (IOException e) {
      return new Outcome(Optional.empty(), next, "The provider could not be reached.");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(Optional.empty(), next, "Interrupted.");
    }
    String idToken = tokens.path("id_token").asText("");
    if (idToken.isEmpty() || !parts[2].equals(claims(idToken).path("nonce").asText())) {
      return new Outcome(
          Optional.empty(), next, "The provider's ID token does not belong to this sign-in.");
    }
    return new Outcome(Optional.of(idToken), next, "");
  }

  /** The cookie that ends the flow. */
  Cookie clear(HttpRequest<?> request) {
    return flowCookie("", request, Duration.ZERO);
  }

  private Cookie flowCookie(String value, HttpRequest<?> request, Duration age) {
    // Lax: the browser comes back from the provider's site, and must bring it
    return Cookie.of(COOKIE, value)
        .httpOnly(true)
        .secure(request.isSecure())
        .sameSite(SameSite.Lax)
        .path(CALLBACK)
        .maxAge(age);
  }

  private String redirectUri(HttpRequest<?> request) {
    if (config.redirectUri() != null && !config.redirectUri().isBlank()) {
      return config.redirectUri();
    }
    String host = request.getHeaders().get("Host");
    return (request.isSecure() ? "https" : "http") + "://" + host + CALLBACK;
  }

  private JsonNode discovery() {
    String url =
        (issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer)
            + "/.well-known/openid-configuration";
    try {
      HttpResponse<String> answer =
          http.send(
              java.net.http.HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 200) {
        throw new IllegalStateException("the provider's discovery answered " + answer.statusCode());
      }
      return JSON.readTree(answer.body());
    } catch (IOException e) {
      throw new IllegalStateException(
          "the provider's discovery document cannot be read: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  private static JsonNode claims(String jwt) {
    String[] parts = jwt.split("\\.");
    if (parts.length < 2) {
      return JSON.missingNode();
    }
    try {
      return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    } catch (IOException | IllegalArgumentException e) {
      return JSON.missingNode();
    }
  }

  private static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return B64.encodeToString(bytes);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String form(Map<String, String> fields) {
    StringBuilder body = new StringBuilder();
    fields.forEach(
        (key, value) ->
            body.append(body.isEmpty() ? "" : "&")
                .append(URLEncoder.encode(key, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
    return body.toString();
  }
}
