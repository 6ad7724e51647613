package io.nightshift.api;

import io.micronaut.configuration.metrics.micrometer.prometheus.management.PrometheusEndpoint;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.inject.ExecutableMethod;
import io.micronaut.management.endpoint.EndpointSensitivityProcessor;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRuleResult;
import io.micronaut.security.rules.SensitiveEndpointRule;
import io.micronaut.web.router.MethodBasedRouteMatch;
import io.micronaut.web.router.RouteAttributes;
import io.nightshift.security.Caller;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

/**
 * Who may read a sensitive management endpoint, of which {@code /prometheus} is the only one served
 * ({@code endpoints.prometheus.sensitive: true}): its labels name the workflows and steps of every
 * namespace, so it goes only to a caller that sees every namespace with the role {@code metrics} or
 * {@code admin} ({@link Caller#mayScrape}). Micronaut's rule answers an anonymous caller with 401
 * before this is asked; any other caller gets 403. The rule matches the endpoint's method, not a
 * path, so that no spelling of the path ({@code /prometheus/}, {@code //prometheus}, …) gets around
 * it.
 */
@Singleton
@Replaces(SensitiveEndpointRule.class)
public class ScrapeRule extends SensitiveEndpointRule {

  public ScrapeRule(EndpointSensitivityProcessor endpointSensitivityProcessor) {
    super(endpointSensitivityProcessor);
  }

  @Override
  protected Publisher<SecurityRuleResult> checkSensitiveAuthenticated(
      HttpRequest<?> request, Authentication authentication, ExecutableMethod<?, ?> method) {
    boolean allowed = scrape(method) && Caller.of(authentication).mayScrape();
    return Publishers.just(allowed ? SecurityRuleResult.ALLOWED : SecurityRuleResult.REJECTED);
  }

  /** Whether {@code request} was routed to the Prometheus scrape endpoint. */
  static boolean scrape(HttpRequest<?> request) {
    return RouteAttributes.getRouteMatch(request)
        .filter(MethodBasedRouteMatch.class::isInstance)
        .map(route -> scrape(((MethodBasedRouteMatch<?, ?>) route).getExecutableMethod()))
        .orElse(false);
  }

  private static boolean scrape(ExecutableMethod<?, ?> method) {
    return PrometheusEndpoint.class.isAssignableFrom(method.getDeclaringType());
  }
}
