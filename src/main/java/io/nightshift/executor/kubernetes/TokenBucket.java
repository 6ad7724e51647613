package io.nightshift.executor.kubernetes;

import java.util.function.LongSupplier;

/**
 * A token bucket, as client-go's QPS and Burst: it holds up to {@code burst} tokens, gains {@code
 * qps} a second, and each request takes one. A request that finds none waits for its token; waits
 * are handed out in the order requests asked, by letting the bucket go into debt, so a thousand
 * requests at once leave at {@code qps} a second after the first {@code burst}, and no caller
 * starves.
 *
 * <p>{@link #reserve()} only computes the wait, on a clock the caller passes; {@link #acquire()}
 * also sleeps it.
 */
final class TokenBucket {

  private static final double NANOS_PER_SECOND = 1_000_000_000.0;

  private final double qps;
  private final int burst;
  private final LongSupplier nanoTime;
  private double tokens;
  private long last;

  /**
   * @param qps tokens gained a second; more than zero
   * @param burst how many tokens the bucket holds, and starts with; at least one
   * @param nanoTime a monotonic clock in nanoseconds: {@code System::nanoTime}, or a test's
   */
  TokenBucket(double qps, int burst, LongSupplier nanoTime) {
    if (!(qps > 0) || Double.isInfinite(qps)) {
      throw new IllegalArgumentException("qps must be a positive number, was " + qps);
    }
    if (burst < 1) {
      throw new IllegalArgumentException("burst must be at least 1, was " + burst);
    }
    this.qps = qps;
    this.burst = burst;
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.last = nanoTime.getAsLong();
  }

  /** Takes a token: the nanoseconds to wait before using it, zero when one was there. */
  synchronized long reserve() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(burst, tokens + (now - last) / NANOS_PER_SECOND * qps);
    last = now;
    tokens -= 1;
    return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / qps * NANOS_PER_SECOND);
  }

  /**
   * Takes a token and waits until it may be used.
   *
   * @throws InterruptedException when interrupted while waiting; the token stays spent, as a
   *     request that was sent would have spent it
   */
  void acquire() throws InterruptedException {
    long wait = reserve();
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }
  }
}
