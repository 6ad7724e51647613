package io.nightshift.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

  private static final long MS = 1_000_000;

  /** A clock that moves only when told, starting at an arbitrary value as nanoTime does. */
  private final AtomicLong now = new AtomicLong(-7_000 * MS);

  private TokenBucket bucket(double qps, int burst) {
    return new TokenBucket(qps, burst, now::get);
  }

  private void tick(long millis) {
    now.addAndGet(millis * MS);
  }

  private static List<Long> reserve(TokenBucket bucket, int times) {
    List<Long> waits = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      waits.add(bucket.reserve() / MS);
    }
    return waits;
  }

  @Test
  void a_full_bucket_lets_burst_requests_go_at_once_then_spaces_the_rest_at_qps() {
    TokenBucket bucket = bucket(20, 5);

    assertThat(reserve(bucket, 8)).containsExactly(0L, 0L, 0L, 0L, 0L, 50L, 100L, 150L);
  }

  @Test
  void tokens_come_back_at_qps_while_no_one_asks() {
    TokenBucket bucket = bucket(20, 5);
    reserve(bucket, 5);

    tick(100); // two tokens
    assertThat(reserve(bucket, 3)).containsExactly(0L, 0L, 50L);
  }

  @Test
  void an_idle_bucket_holds_no_more_than_burst() {
    TokenBucket bucket = bucket(20, 5);

    tick(60_000);
    assertThat(reserve(bucket, 6)).containsExactly(0L, 0L, 0L, 0L, 0L, 50L);
  }

  @Test
  void waiters_are_served_in_the_order_they_asked_and_time_passing_shortens_their_waits() {
    TokenBucket bucket = bucket(10, 1);
    assertThat(bucket.reserve()).isZero();
    assertThat(bucket.reserve() / MS).isEqualTo(100);
    assertThat(bucket.reserve() / MS).isEqualTo(200);

    tick(150);
    assertThat(bucket.reserve() / MS)
        .as("the fourth token is due 300 ms after the start")
        .isEqualTo(150);
  }

  @Test
  void over_any_window_no_more_than_burst_plus_qps_times_its_length_are_let_through() {
    TokenBucket bucket = bucket(50, 100);
    List<Long> sendTimes = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      if (i % 7 == 0) {
        tick(3); // requests keep arriving, faster than the limit
      }
      sendTimes.add(now.get() + bucket.reserve());
    }

    for (int first = 0; first < sendTimes.size(); first += 97) {
      for (int last = first; last < sendTimes.size(); last += 131) {
        double seconds = (sendTimes.get(last) - sendTimes.get(first)) / 1e9;
        assertThat(last - first + 1).isLessThanOrEqualTo(100 + (int) Math.ceil(50 * seconds));
      }
    }
    double total = (sendTimes.get(sendTimes.size() - 1) - sendTimes.get(0)) / 1e9;
    assertThat(total).as("10,000 requests at 50/s after a burst of 100").isCloseTo(198, within(1));
  }

  @Test
  void refuses_a_rate_or_burst_that_would_let_nothing_through() {
    assertThatThrownBy(() -> bucket(0, 5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> bucket(Double.NaN, 5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> bucket(20, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  private static org.assertj.core.data.Offset<Double> within(double offset) {
    return org.assertj.core.data.Offset.offset(offset);
  }
}
