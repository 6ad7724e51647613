package io.nightshift.workflow.policy;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Creator;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.util.List;

/**
 * The Job policy: what the pods of a workflow's steps may do, per namespace, checked when a
 * definition is stored and again when each Job is built. The settings are lists of plain strings so
 * that one environment variable each sets them, comma-separated, whatever the namespaces are called
 * (a map keyed by namespace would need one variable per namespace, and a namespace such as {@code
 * team-a} cannot be spelled in a variable's name).
 *
 * @param defaultLevel the Pod Security Standards level of every namespace not named in {@code
 *     namespaceLevels}: {@code privileged} (no checks), {@code baseline} or {@code restricted}
 * @param namespaceLevels the level of some namespaces, as {@code namespace=level} entries, e.g.
 *     {@code NIGHTSHIFT_POLICY_NAMESPACE_LEVELS=data=restricted,infra=privileged}
 * @param serviceAccounts the service accounts a step's pods may run as besides {@code default}, as
 *     {@code namespace/name} entries, e.g. {@code
 *     NIGHTSHIFT_POLICY_SERVICE_ACCOUNTS=data/etl,data/backup}; none by default
 * @param allowReleaseNamespace whether workflows may be stored in, and run Jobs in, the namespace
 *     Nightshift itself runs in ({@code nightshift.kubernetes.release-namespace}), where its admin
 *     token, its database password and its own ServiceAccount are; off by default
 * @param reservedLabels the labels Nightshift's own Service, NetworkPolicy and disruption budget
 *     select its pods by, as {@code key=value} entries, which no step's pod may carry: by default
 *     those of a release named nightshift; the chart sets its own
 */
@ConfigurationProperties("nightshift.policy")
public record PolicyConfig(
    @Bindable(defaultValue = "baseline") String defaultLevel,
    @Nullable List<String> namespaceLevels,
    @Nullable List<String> serviceAccounts,
    @Bindable(defaultValue = "false") boolean allowReleaseNamespace,
    @Bindable(defaultValue = DEFAULT_RESERVED_LABELS) List<String> reservedLabels) {

  /** The selector labels of a release named nightshift of the chart. */
  public static final String DEFAULT_RESERVED_LABELS =
      "app.kubernetes.io/name=nightshift,app.kubernetes.io/instance=nightshift";

  /**
   * The settings without reserved labels of their own: those of {@link #DEFAULT_RESERVED_LABELS}.
   */
  public PolicyConfig(
      String defaultLevel,
      List<String> namespaceLevels,
      List<String> serviceAccounts,
      boolean allowReleaseNamespace) {
    this(
        defaultLevel,
        namespaceLevels,
        serviceAccounts,
        allowReleaseNamespace,
        List.of(DEFAULT_RESERVED_LABELS.split(",")));
  }

  @Creator
  public PolicyConfig {}
}
