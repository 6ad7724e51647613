package io.nightshift.cluster;

import io.micronaut.context.annotation.Context;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's standing in the cluster: checks in, and takes or renews the leader lease.
 * {@link #tick()} is the whole decision and is what tests call; a thread calls it every renew
 * interval.
 */
@Context
public class LeaderElector {

  private static final Logger LOG = LoggerFactory.getLogger(LeaderElector.class);

  /** What this node knows of its leadership after its last tick. */
  public record Standing(boolean leader, Optional<Lease> lease) {}

  private final LeaseStore leases;
  private final NodeIdentity node;
  private final ClusterConfig config;
  private final Clock clock;
  private final Instant startedAt;
  private volatile Standing standing = new Standing(false, Optional.empty());
  private ScheduledExecutorService loop;

  public LeaderElector(LeaseStore leases, NodeIdentity node, ClusterConfig config, Clock clock) {
    this.leases = leases;
    this.node = node;
    this.config = config;
    this.clock = clock;
    this.startedAt = clock.instant();
  }

  @PostConstruct
  void start() {
    loop =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "nightshift-leader-elector");
              thread.setDaemon(true);
              return thread;
            });
    long period = config.renewInterval().toMillis();
    loop.scheduleWithFixedDelay(this::tickSafely, 0, period, TimeUnit.MILLISECONDS);
  }

  @PreDestroy
  void stop() throws InterruptedException {
    loop.shutdownNow();
    loop.awaitTermination(10, TimeUnit.SECONDS);
    if (standing.leader()) {
      leases.release(node.id(), clock.instant());
      standing = new Standing(false, Optional.empty());
      LOG.info("Node {} released the leader lease", node.id());
    }
  }

  private void tickSafely() {
    try {
      tick();
    } catch (Throwable e) {
      // A database outage must not kill the loop; until it answers again this node is no leader.
      standing = new Standing(false, standing.lease());
      LOG.warn("Leader election tick failed on node {}: {}", node.id(), e.toString());
    }
  }

  /** Checks in, then takes or renews the lease if it can. Returns the new standing. */
  public Standing tick() {
    Instant now = clock.instant();
    leases.heartbeat(node.id(), startedAt, now);
    Optional<Lease> held = leases.acquireOrRenew(node.id(), now, now.plus(config.leaseDuration()));
    boolean wasLeader = standing.leader();
    standing =
        held.isPresent()
            ? new Standing(true, held)
            : new Standing(false, Optional.of(leases.current()));
    if (standing.leader() && !wasLeader) {
      LOG.info("Node {} is the leader, fencing token {}", node.id(), held.get().fencingToken());
    } else if (!standing.leader() && wasLeader) {
      LOG.warn("Node {} lost the leader lease", node.id());
    }
    return standing;
  }

  /**
   * Leader only while the lease it last renewed has not expired on this node's clock: a node that
   * was paused past its lease stops acting as leader before its next tick tells it so.
   */
  public boolean isLeader() {
    Standing now = standing;
    return now.leader()
        && now.lease().map(l -> l.expiresAt().isAfter(clock.instant())).orElse(false);
  }

  public Standing standing() {
    return standing;
  }

  public String nodeId() {
    return node.id();
  }
}
