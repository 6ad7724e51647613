package io.nightshift.api;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.http.server.util.HttpClientAddressResolver;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every refused request once, at INFO: method, path, client address, status, and the problem's
 * detail. Never headers, query strings or bodies, which may hold tokens or secrets. What the client
 * chose (the path, the detail quoting its input) is logged on one line, control characters replaced
 * and cut to a length, so that a request cannot forge or flood log lines.
 */
@ServerFilter("/**")
public class RefusalLog implements Ordered {

  private static final Logger LOG = LoggerFactory.getLogger(RefusalLog.class);
  private static final int MAX_LOGGED = 512;
  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

  private final HttpClientAddressResolver addresses;

  public RefusalLog(HttpClientAddressResolver addresses) {
    this.addresses = addresses;
  }

  /** Outside the security filter, so that the 401s and 403s it answers are logged too. */
  @Override
  public int getOrder() {
    return ServerFilterPhase.FIRST.before();
  }

  @ResponseFilter
  public void log(HttpRequest<?> request, MutableHttpResponse<?> response) {
    int status = response.code();
    if (status < 400 || status >= 500 || !LOG.isInfoEnabled()) {
      return;
    }
    refused(
        request,
        status,
        response.getBody(Problem.class).map(Problem::detail).orElse(response.reason()));
  }

  /** Logs one refusal: what was asked, by which address, and why it was refused. */
  void refused(HttpRequest<?> request, int status, String detail) {
    LOG.info(
        "Refused {} {} from {}: {} {}",
        request.getMethodName(),
        oneLine(request.getPath()),
        addresses.resolve(request),
        status,
        oneLine(detail));
  }

  private static String oneLine(String text) {
    String line = CONTROL.matcher(text == null ? "" : text).replaceAll("?");
    return line.length() > MAX_LOGGED ? line.substring(0, MAX_LOGGED) + "…" : line;
  }
}
