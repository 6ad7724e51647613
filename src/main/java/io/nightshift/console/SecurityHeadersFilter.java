package io.nightshift.console;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * The headers of every console answer: a Content-Security-Policy that allows only the console's own
 * scripts, styles and images (no inline script or style, no eval, no framing, forms posted only to
 * itself), and the usual companions. The API under {@code /api/} answers JSON and keeps its own
 * headers.
 */
@ServerFilter("/**")
public class SecurityHeadersFilter {

  static final String POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none';"
          + " object-src 'none'";

  @ResponseFilter
  public void headers(HttpRequest<?> request, MutableHttpResponse<?> response) {
    if (!ConsoleSession.isConsole(request.getPath())) {
      return;
    }
    response.getHeaders().set("Content-Security-Policy", POLICY);
    response.getHeaders().set("X-Content-Type-Options", "nosniff");
    response.getHeaders().set("X-Frame-Options", "DENY");
    response.getHeaders().set("Referrer-Policy", "same-origin");
    if (response.getContentType().map(type -> type.getName().equals("text/html")).orElse(false)) {
      response.getHeaders().set("Cache-Control", "no-store");
    }
  }
}
