package io.nightshift.security;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.annotation.PostConstruct;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token Prometheus scrapes with: {@code NIGHTSHIFT_METRICS_TOKEN} is installed as the token
 * {@value #NAME}, role {@code metrics}, at every start, like the bootstrap admin token; to rotate
 * it, change the variable and restart. Nothing is generated when it is unset: on the embedded
 * default the admin token scrapes.
 */
@Context
public class MetricsTokenBootstrap {

  /** The name of the bootstrap metrics token in {@code GET /api/v1/tokens}. */
  public static final String NAME = "bootstrap-metrics";

  private static final String VARIABLE = "NIGHTSHIFT_METRICS_TOKEN";
  private static final Logger LOG = LoggerFactory.getLogger(MetricsTokenBootstrap.class);

  private final TokenStore tokens;
  private final MetricsTokenConfig config;
  private final String adminToken;
  private final Clock clock;

  public MetricsTokenBootstrap(
      TokenStore tokens,
      MetricsTokenConfig config,
      @Value("${nightshift.admin-token:}") String adminToken,
      Clock clock) {
    this.tokens = tokens;
    this.config = config;
    this.adminToken = adminToken;
    this.clock = clock;
  }

  @PostConstruct
  void install() {
    String configured = config.metricsToken() == null ? "" : config.metricsToken().strip();
    if (configured.isEmpty()) {
      return;
    }
    Optional<String> weakness = TokenStrength.weakness(VARIABLE, configured);
    if (weakness.isPresent()) {
      throw new ConfigurationException(weakness.get());
    }
    if (configured.equals(adminToken.strip())) {
      // One value cannot be two tokens; and a scraper's copy must not open the API.
      throw new ConfigurationException(
          VARIABLE + " is the same as NIGHTSHIFT_ADMIN_TOKEN: give Prometheus a token of its own.");
    }
    tokens.put(
        new StoredToken(
            NAME,
            Role.METRICS.id(),
            List.of(),
            clock.instant(),
            "bootstrap:" + VARIABLE,
            null,
            null),
        Tokens.hash(configured));
    LOG.info("Metrics token \"{}\": set from {}", NAME, VARIABLE);
  }
}
