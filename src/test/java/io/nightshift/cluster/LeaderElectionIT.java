package io.nightshift.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.store.LeaseRepository;
import io.nightshift.testsupport.MutableClock;
import io.nightshift.testsupport.PostgresFixture;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Leader election on a real PostgreSQL, stepped by hand on a shared mutable clock. */
class LeaderElectionIT {

  private static final Duration LEASE = Duration.ofSeconds(15);
  private static final Instant NOON = Instant.parse("2026-11-23T12:00:00Z");

  private final MutableClock clock = new MutableClock(NOON);
  private DataSource dataSource;
  private LeaseRepository leases;

  @BeforeEach
  void freshDatabase() {
    dataSource = PostgresFixture.newDatabase().migratedDataSource();
    leases = new LeaseRepository(dataSource);
  }

  private LeaderElector node(String id) {
    ClusterConfig config = new ClusterConfig(id, LEASE, Duration.ofSeconds(5));
    return new LeaderElector(leases, new NodeIdentity(config), config, clock);
  }

  @Test
  void nobody_leads_then_the_first_node_to_tick_leads_with_token_1() {
    LeaderElector a = node("a");
    LeaderElector b = node("b");

    assertThat(a.tick().leader()).isTrue();
    assertThat(b.tick().leader()).isFalse();

    assertThat(a.isLeader()).isTrue();
    assertThat(b.isLeader()).isFalse();
    assertThat(leases.current().holder()).isEqualTo("a");
    assertThat(leases.current().fencingToken()).isEqualTo(1);
    assertThat(leases.current().acquiredAt()).isEqualTo(NOON);
  }

  @Test
  void renewing_keeps_the_token_and_extends_the_lease() {
    LeaderElector a = node("a");
    a.tick();
    clock.tick(Duration.ofSeconds(5));

    a.tick();

    assertThat(leases.current().fencingToken()).isEqualTo(1);
    assertThat(leases.current().expiresAt()).isEqualTo(NOON.plusSeconds(5).plus(LEASE));
    assertThat(leases.current().acquiredAt()).isEqualTo(NOON);
  }

  @Test
  void leader_silent_past_its_lease_is_replaced_and_the_token_grows() {
    LeaderElector a = node("a");
    LeaderElector b = node("b");
    a.tick();
    clock.tick(LEASE.minusSeconds(1));
    assertThat(b.tick().leader()).as("lease not yet expired").isFalse();

    clock.tick(Duration.ofSeconds(1));

    assertThat(b.tick().leader()).isTrue();
    assertThat(leases.current().holder()).isEqualTo("b");
    assertThat(leases.current().fencingToken()).isEqualTo(2);
  }

  @Test
  void a_paused_former_leader_stops_leading_before_and_at_its_next_tick() {
    LeaderElector a = node("a");
    LeaderElector b = node("b");
    a.tick();
    clock.tick(LEASE.plusSeconds(1));
    assertThat(a.isLeader()).as("its own lease ran out on its clock").isFalse();
    b.tick();

    assertThat(a.tick().leader()).isFalse();
    assertThat(leases.current().holder()).isEqualTo("b");
  }

  @Test
  void a_write_fenced_with_the_former_leaders_token_is_refused() throws Exception {
    LeaderElector a = node("a");
    LeaderElector b = node("b");
    long tokenOfA = a.tick().lease().orElseThrow().fencingToken();
    clock.tick(LEASE);
    long tokenOfB = b.tick().lease().orElseThrow().fencingToken();

    try (Connection connection = dataSource.getConnection()) {
      assertThat(LeaseRepository.holds(connection, "a", tokenOfA)).isFalse();
      assertThat(LeaseRepository.holds(connection, "b", tokenOfB)).isTrue();
      assertThat(LeaseRepository.holds(connection, "b", tokenOfA)).isFalse();
    }
  }

  @Test
  void a_leader_that_releases_lets_another_take_over_at_once() {
    LeaderElector a = node("a");
    LeaderElector b = node("b");
    a.tick();

    leases.release("a", clock.instant());

    assertThat(b.tick().leader()).isTrue();
    assertThat(leases.current().fencingToken()).isEqualTo(2);
  }

  @Test
  void nodes_racing_for_an_expired_lease_make_exactly_one_leader_per_token() throws Exception {
    int nodes = 8;
    List<LeaderElector> electors = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      electors.add(node("n" + i));
    }
    ExecutorService threads = Executors.newFixedThreadPool(nodes);
    try {
      for (int round = 1; round <= 20; round++) {
        CyclicBarrier start = new CyclicBarrier(nodes);
        List<Future<Boolean>> outcomes = new ArrayList<>();
        for (LeaderElector elector : electors) {
          Callable<Boolean> race =
              () -> {
                start.await();
                return elector.tick().leader();
              };
          outcomes.add(threads.submit(race));
        }
        int leaders = 0;
        for (Future<Boolean> outcome : outcomes) {
          leaders += outcome.get() ? 1 : 0;
        }
        assertThat(leaders).as("round " + round).isEqualTo(1);
        assertThat(leases.current().fencingToken()).isEqualTo(round);
        clock.tick(LEASE);
        // Freed for the next round, so whoever wins it is a new holder with a new token.
        leases.release(leases.current().holder(), clock.instant());
      }
    } finally {
      threads.shutdownNow();
    }
  }
}
