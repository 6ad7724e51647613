package io.nightshift.api;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.util.List;

/**
 * Where the audit and the refusal log take a client's address from ({@code nightshift.audit.*}).
 *
 * @param trustedProxies the proxies (CIDRs such as {@code 10.0.0.0/8} or {@code fd00::/8}, or
 *     single addresses) whose {@code X-Forwarded-For} is believed ({@code
 *     NIGHTSHIFT_AUDIT_TRUSTED_PROXIES}, comma-separated). Empty, the default: every header is
 *     ignored and the address is the socket's peer. When the peer is one of them, the address is
 *     the right-most entry of {@code X-Forwarded-For} that is not a trusted proxy itself. {@code
 *     Forwarded} is never read.
 */
@ConfigurationProperties("nightshift.audit")
public record AuditConfig(@Bindable(defaultValue = "") List<String> trustedProxies) {

  public AuditConfig {
    trustedProxies =
        trustedProxies == null
            ? List.of()
            : trustedProxies.stream().map(String::strip).filter(cidr -> !cidr.isEmpty()).toList();
  }
}
