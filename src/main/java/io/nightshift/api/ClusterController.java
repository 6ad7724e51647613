package io.nightshift.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.nightshift.cluster.ClusterConfig;
import io.nightshift.cluster.LeaderElector;
import io.nightshift.cluster.Lease;
import io.nightshift.cluster.LeaseStore;
import io.nightshift.security.Role;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** {@code GET /api/v1/cluster}: this node, the leader, and the nodes that checked in lately. */
@Controller("/api/v1/cluster")
@Secured(Role.VIEWER_NAME)
@ProblemResponses.TokenNeeded
public class ClusterController {

  /** Nodes silent for longer than this many lease durations are no longer listed. */
  private static final int NODE_LISTING_LEASES = 4;

  private final LeaderElector elector;
  private final LeaseStore leases;
  private final ClusterConfig config;
  private final Clock clock;

  public ClusterController(
      LeaderElector elector, LeaseStore leases, ClusterConfig config, Clock clock) {
    this.elector = elector;
    this.leases = leases;
    this.config = config;
    this.clock = clock;
  }

  public record Self(String id, boolean leader) {}

  public record Leader(String id, Instant since, long fencingToken, Instant expiresAt) {}

  public record Node(String id, Instant startedAt, Instant lastSeen) {}

  public record Cluster(Self self, @Nullable Leader leader, List<Node> nodes) {}

  /**
   * This node, the leader (null while none holds the lease), and the nodes seen within four lease
   * durations.
   */
  @Get
  public Cluster cluster() {
    Instant now = clock.instant();
    Lease lease = leases.current();
    Leader leader =
        lease.holder() != null && lease.expiresAt().isAfter(now)
            ? new Leader(
                lease.holder(), lease.acquiredAt(), lease.fencingToken(), lease.expiresAt())
            : null;
    List<Node> nodes =
        leases
            .nodesSeenSince(now.minus(config.leaseDuration().multipliedBy(NODE_LISTING_LEASES)))
            .stream()
            .map(node -> new Node(node.id(), node.startedAt(), node.lastSeen()))
            .toList();
    return new Cluster(new Self(elector.nodeId(), elector.isLeader()), leader, nodes);
  }
}
