package io.nightshift.engine;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.nightshift.workflow.Names;
import io.nightshift.workflow.WorkflowValidator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The engine on the leader.
 *
 * @param interval how often the leader looks at every active run
 * @param maxRunningSteps how many steps may be Running at once in the whole cluster, all runs and
 *     namespaces together; a step ready beyond it stays Pending (reason WaitingForCapacity) and
 *     starts as others end. The default, 500, is well above what ordinary schedules run at once, so
 *     it changes nothing for them, and low enough that a backfill of a thousand runs under {@code
 *     Allow} does not ask the Kubernetes API server for thousands of Jobs (or the leader's machine
 *     for thousands of processes) in one pass. At least 1.
 * @param namespaceQuotas an optional cap per namespace, as entries {@code namespace=N} ({@code
 *     NIGHTSHIFT_ENGINE_NAMESPACE_QUOTAS=team-a=3,team-b=10}, comma-separated); N is at least 1. A
 *     namespace without an entry is bounded by {@code maxRunningSteps} only. A list rather than a
 *     map keyed by namespace, because an environment variable cannot spell a map key with a {@code
 *     -} unambiguously.
 * @param loop whether a thread runs a pass every {@code interval} and as soon as a step ends (the
 *     default); tests that drive the engine themselves set it false and call {@link Engine#tick()}
 * @param resync how often the leader reads every active run again although its own writes and the
 *     other nodes' signals keep its view of them current: a safety net, as an informer's relist is.
 *     At least one second.
 */
@ConfigurationProperties("nightshift.engine")
public record EngineConfig(
    @Bindable(defaultValue = "250ms") Duration interval,
    @Bindable(defaultValue = "500") int maxRunningSteps,
    @Nullable List<String> namespaceQuotas,
    @Bindable(defaultValue = "true") boolean loop,
    @Bindable(defaultValue = "5m") Duration resync) {

  public EngineConfig {
    namespaceQuotas = namespaceQuotas == null ? List.of() : List.copyOf(namespaceQuotas);
    List<String> violations = new ArrayList<>();
    if (maxRunningSteps < 1) {
      violations.add(
          "nightshift.engine.max-running-steps must be at least 1, was " + maxRunningSteps);
    }
    if (resync.compareTo(Duration.ofSeconds(1)) < 0) {
      violations.add("nightshift.engine.resync must be at least 1s, was " + resync);
    }
    parse(namespaceQuotas, violations);
    if (!violations.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", violations));
    }
  }

  /** The quota of each namespace that has one. */
  public Map<String, Integer> quotas() {
    return parse(namespaceQuotas, new ArrayList<>());
  }

  /** The cap and the quotas, as {@link Capacity} takes them. */
  Capacity.Limits limits() {
    return new Capacity.Limits(maxRunningSteps, quotas());
  }

  private static Map<String, Integer> parse(List<String> entries, List<String> violations) {
    Map<String, Integer> quotas = new LinkedHashMap<>();
    for (String raw : entries) {
      String entry = raw.strip();
      String where = "nightshift.engine.namespace-quotas entry \"" + entry + "\"";
      int equals = entry.indexOf('=');
      if (equals < 0) {
        violations.add(where + " must be namespace=N");
        continue;
      }
      String namespace = entry.substring(0, equals).strip();
      String value = entry.substring(equals + 1).strip();
      Optional<String> badName =
          Names.checkDns1123Label(namespace, WorkflowValidator.MAX_DNS_LABEL_LENGTH);
      if (badName.isPresent()) {
        violations.add(where + ": the namespace " + badName.get());
        continue;
      }
      int quota;
      try {
        quota = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        violations.add(where + ": the quota must be a whole number, at least 1");
        continue;
      }
      if (quota < 1) {
        violations.add(where + ": the quota must be at least 1");
      } else if (quotas.putIfAbsent(namespace, quota) != null) {
        violations.add(where + ": namespace " + namespace + " has a quota already");
      }
    }
    return quotas;
  }
}
