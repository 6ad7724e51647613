package io.nightshift.schedule;

import io.micronaut.context.annotation.Context;
import io.nightshift.cluster.LeaderElector;
import io.nightshift.run.NotLeaderException;
import io.nightshift.store.ScheduleRepository;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's firing: one thread keeps an in-memory timer armed for the earliest next fire time of
 * all schedules (or the next minute, if sooner, to see other nodes' changes) and runs the fenced
 * {@link DueScan} when it is due, then arms again. A change stored on this node arms it earlier
 * after its commit; {@link ScheduleTick} wakes it every minute. On a node that is not the leader
 * the thread only watches for leadership, and scans at once when it gets it.
 *
 * <p>Schedule times are on the system clock, as Quartz's are: a test's Clock moves created_at and
 * the engine, not when schedules fall due.
 */
@Context
public class Firing {

  private static final Logger LOG = LoggerFactory.getLogger(Firing.class);

  /** The longest the thread sleeps without looking at its leadership. */
  private static final Duration WATCH = Duration.ofSeconds(1);

  /** How soon to look again when due schedules are left, locked by another node's scan. */
  private static final Duration RETRY = Duration.ofSeconds(1);

  private final DueScan scan;
  private final ScheduleRepository schedules;
  private final LeaderElector elector;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private Instant armedAt;
  private boolean woken;
  private volatile boolean running;
  private Thread thread;

  @Inject
  public Firing(DueScan scan, ScheduleRepository schedules, LeaderElector elector) {
    this(scan, schedules, elector, Clock.systemUTC());
  }

  Firing(DueScan scan, ScheduleRepository schedules, LeaderElector elector, Clock clock) {
    this.scan = scan;
    this.schedules = schedules;
    this.elector = elector;
    this.clock = clock;
  }

  @PostConstruct
  void start() {
    running = true;
    thread = new Thread(this::loop, "nightshift-firing");
    thread.setDaemon(true);
    thread.start();
  }

  @PreDestroy
  void stop() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(TimeUnit.SECONDS.toMillis(10));
  }

  /** Scan now (the minute tick on the leader). */
  public void wake() {
    lock.lock();
    try {
      woken = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** A schedule stored on this node fires next at {@code nextFireTime}: arm for it if sooner. */
  public void consider(Instant nextFireTime) {
    lock.lock();
    try {
      if (armedAt == null || nextFireTime.isBefore(armedAt)) {
        armedAt = nextFireTime;
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs the leader's scan for what is due now and arms the timer for what comes next: what the
   * thread does when the timer goes off, for tests to call. Empty when this node is not the leader.
   */
  public Optional<DueScan.Result> fireDue() {
    LeaderElector.Standing standing = elector.standing();
    if (!elector.isLeader() || standing.lease().isEmpty()) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    DueScan.Result result;
    try {
      result = scan.fenced(now, elector.nodeId(), standing.lease().get().fencingToken());
    } catch (NotLeaderException e) {
      LOG.info("Firing stopped: {}", e.getMessage());
      return Optional.empty();
    }
    arm(now, schedules.earliest());
    return Optional.of(result);
  }

  private void arm(Instant now, Optional<Instant> earliest) {
    Instant nextMinute = now.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
    Instant at = earliest.filter(nextMinute::isAfter).orElse(nextMinute);
    if (!at.isAfter(now)) {
      at = now.plus(RETRY);
    }
    lock.lock();
    try {
      armedAt = at;
    } finally {
      lock.unlock();
    }
  }

  private void loop() {
    boolean wasLeader = false;
    while (running) {
      try {
        boolean due = awaitDue();
        boolean leader = elector.isLeader();
        if (leader && (due || !wasLeader)) {
          fireDue();
        }
        wasLeader = leader;
      } catch (InterruptedException e) {
        return;
      } catch (Throwable e) {
        // A database outage must not kill the thread; the next minute tries again.
        LOG.warn("Firing failed: {}", e.toString());
        wasLeader = false;
        try {
          Thread.sleep(RETRY.toMillis());
        } catch (InterruptedException stopped) {
          return;
        }
      }
    }
  }

  /**
   * Waits until woken, until the armed time, or for {@link #WATCH} at most; true when woken or the
   * armed time has come.
   */
  private boolean awaitDue() throws InterruptedException {
    lock.lock();
    try {
      long waitNanos = WATCH.toNanos();
      while (!woken) {
        Instant now = clock.instant();
        if (armedAt != null && !now.isBefore(armedAt)) {
          armedAt = null;
          return true;
        }
        long untilArmed =
            armedAt == null ? Long.MAX_VALUE : Duration.between(now, armedAt).toNanos();
        long nanos = Math.min(untilArmed, waitNanos);
        if (nanos <= 0) {
          return false;
        }
        long left = changed.awaitNanos(nanos);
        waitNanos -= nanos - Math.max(left, 0);
      }
      woken = false;
      return true;
    } finally {
      lock.unlock();
    }
  }
}
