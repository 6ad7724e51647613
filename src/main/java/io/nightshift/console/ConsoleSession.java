package io.nightshift.console;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.security.token.reader.TokenReader;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The console's session: the caller's API token, kept in an {@code HttpOnly}, {@code
 * SameSite=Strict} cookie ({@code Secure} when the page came over TLS), and read back as the token
 * of every console request, so that the console is authenticated, and authorized, exactly as the
 * API is. The cookie is never read under {@code /api/}: the API keeps to its Authorization header,
 * and a page of another site cannot make a browser call it with the console's session.
 *
 * <p>Every form that changes something carries a CSRF token derived from the session's token (an
 * HMAC keyed by its hash): a page that cannot read the cookie cannot forge it, and every replica
 * computes the same one, so no session state is stored anywhere.
 */
@Singleton
public class ConsoleSession implements TokenReader<HttpRequest<?>> {

  static final String COOKIE = "nightshift_session";

  /** The form field, and the header htmx sends, that carry the CSRF token. */
  static final String CSRF_FIELD = "_csrf";

  static final String CSRF_HEADER = "X-CSRF-Token";

  private static final Duration LIFETIME = Duration.ofHours(12);

  @Override
  public Optional<String> findToken(HttpRequest<?> request) {
    if (!isConsole(request.getPath())) {
      return Optional.empty();
    }
    return request
        .getCookies()
        .findCookie(COOKIE)
        .map(Cookie::getValue)
        .filter(value -> !value.isBlank());
  }

  @Override
  public int getOrder() {
    // after the Authorization header: a request that has one is the API's
    return Ordered.LOWEST_PRECEDENCE;
  }

  /** Whether {@code path} is the console's, not the API's nor a management endpoint's. */
  static boolean isConsole(String path) {
    return !path.startsWith("/api/")
        && !path.equals("/api")
        && !path.startsWith("/health")
        && !path.startsWith("/prometheus");
  }

  /** The cookie that signs in with {@code token}. */
  static Cookie signIn(String token, HttpRequest<?> request) {
    return Cookie.of(COOKIE, token)
        .httpOnly(true)
        .secure(request.isSecure())
        .sameSite(SameSite.Strict)
        .path("/")
        .maxAge(LIFETIME);
  }

  /** The cookie that signs out: empty, and expired. */
  static Cookie signOut(HttpRequest<?> request) {
    return Cookie.of(COOKIE, "")
        .httpOnly(true)
        .secure(request.isSecure())
        .sameSite(SameSite.Strict)
        .path("/")
        .maxAge(0);
  }

  /** The session's token, when the request has one. */
  static Optional<String> token(HttpRequest<?> request) {
    return request.getCookies().findCookie(COOKIE).map(Cookie::getValue).filter(v -> !v.isBlank());
  }

  /** The CSRF token of the session of {@code request}; empty without a session. */
  static String csrf(HttpRequest<?> request) {
    return token(request).map(ConsoleSession::csrfOf).orElse("");
  }

  /** Whether {@code given} (a form field or a header) is the session's CSRF token. */
  static boolean csrfHolds(HttpRequest<?> request, @Nullable String given) {
    Optional<String> token = token(request);
    if (token.isEmpty() || given == null || given.isEmpty()) {
      return false;
    }
    return MessageDigest.isEqual(
        csrfOf(token.get()).getBytes(StandardCharsets.US_ASCII),
        given.getBytes(StandardCharsets.US_ASCII));
  }

  private static String csrfOf(String token) {
    try {
      byte[] key =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] tag = mac.doFinal("nightshift-console-csrf".getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
