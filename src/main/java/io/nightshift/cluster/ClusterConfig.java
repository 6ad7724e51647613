package io.nightshift.cluster;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * How a node takes part in the cluster.
 *
 * @param nodeId this node's id; default: the host name (the pod name in Kubernetes) and a random
 *     suffix, so that a restarted pod is a new node
 * @param leaseDuration how long a leader's lease lasts without renewal: the longest a cluster runs
 *     without an engine after its leader dies. Node clocks must agree to well within it (NTP).
 * @param renewInterval how often every node checks in and the leader renews; a third of the lease
 *     leaves two renewals to fail before the lease is lost
 */
@ConfigurationProperties("nightshift.cluster")
public record ClusterConfig(
    @Nullable String nodeId,
    @Bindable(defaultValue = "15s") Duration leaseDuration,
    @Bindable(defaultValue = "5s") Duration renewInterval) {}
