package io.nightshift.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FollowedLogTest {

  private static final Duration INTERVAL = Duration.ofMillis(5);
  private static final Duration GRACE = Duration.ofSeconds(30);

  /**
   * A cursor that hands out scripted reads: each {@link #next} takes the next one, and says nothing
   * new once they run out.
   */
  private static final class ScriptedCursor implements LogCursor {
    final Deque<String> reads = new ArrayDeque<>();
    volatile boolean stopped;
    boolean finished;
    final AtomicInteger calls = new AtomicInteger();
    final AtomicBoolean closed = new AtomicBoolean();

    ScriptedCursor(String... reads) {
      this.reads.addAll(List.of(reads));
    }

    @Override
    public synchronized byte[] next() {
      calls.incrementAndGet();
      boolean wasStopped = stopped;
      String read = reads.poll();
      finished = wasStopped && reads.isEmpty();
      return read == null ? new byte[0] : read.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public synchronized boolean finished() {
      return finished;
    }

    @Override
    public long omittedBytes() {
      return 0;
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }

  private static String readAll(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void sends_every_read_in_order_and_ends_once_the_attempt_ended_and_its_writer_stopped()
      throws Exception {
    ScriptedCursor cursor = new ScriptedCursor("1\n", "2\n", "", "3\n");
    cursor.stopped = true;
    AtomicBoolean ended = new AtomicBoolean(true);
    AtomicInteger released = new AtomicInteger();

    FollowedLog log =
        FollowedLog.start(cursor, ended::get, INTERVAL, GRACE, released::incrementAndGet);

    assertThat(readAll(log)).isEqualTo("1\n2\n3\n");
    assertThat(released).hasValue(1);
    log.close();
    assertThat(released).hasValue(1);
    assertThat(cursor.closed).isTrue();
  }

  @Test
  void does_not_end_while_the_attempt_runs_even_when_nothing_is_written() throws Exception {
    ScriptedCursor cursor = new ScriptedCursor("first\n");
    AtomicBoolean ended = new AtomicBoolean(false);
    FollowedLog log = FollowedLog.start(cursor, ended::get, INTERVAL, GRACE, () -> {});
    CompletableFuture<String> body =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return readAll(log);
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });

    Thread.sleep(100);
    assertThat(body).isNotDone();
    synchronized (cursor) {
      cursor.reads.add("second\n");
      cursor.stopped = true;
    }
    ended.set(true);

    assertThat(body.get(10, TimeUnit.SECONDS)).isEqualTo("first\nsecond\n");
  }

  @Test
  void output_written_as_the_attempt_ends_is_sent_before_the_end() throws Exception {
    ScriptedCursor cursor = new ScriptedCursor("a\n", "");
    FollowedLog log =
        FollowedLog.start(
            cursor,
            () -> {
              // The end is recorded while the last line is written, after a read found nothing.
              synchronized (cursor) {
                cursor.reads.add("last\n");
                cursor.stopped = true;
              }
              return true;
            },
            INTERVAL,
            GRACE,
            () -> {});

    assertThat(readAll(log)).isEqualTo("a\nlast\n");
  }

  @Test
  void ends_after_the_grace_when_the_writer_outlives_its_recorded_end() throws Exception {
    ScriptedCursor cursor = new ScriptedCursor("a\n"); // never finished
    FollowedLog log =
        FollowedLog.start(cursor, () -> true, INTERVAL, Duration.ofMillis(50), () -> {});

    long start = System.nanoTime();
    assertThat(readAll(log)).isEqualTo("a\n");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void a_close_from_another_thread_wakes_a_waiting_read_and_releases_once() throws Exception {
    ScriptedCursor cursor = new ScriptedCursor("a\n");
    AtomicInteger released = new AtomicInteger();
    FollowedLog log =
        FollowedLog.start(
            cursor, () -> false, Duration.ofMinutes(10), GRACE, released::incrementAndGet);
    byte[] buffer = new byte[16];
    assertThat(log.read(buffer, 0, 16)).isEqualTo(2);
    CompletableFuture<Integer> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return log.read(buffer, 0, 16);
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(50);
    assertThat(waiting).isNotDone();

    log.close();

    assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo(-1);
    assertThat(released).hasValue(1);
    assertThat(cursor.closed).isTrue();
  }

  @Test
  void the_record_of_the_attempt_is_read_only_when_a_read_found_nothing() throws Exception {
    ScriptedCursor cursor = new ScriptedCursor("1\n", "2\n", "3\n", "4\n");
    cursor.stopped = true;
    AtomicInteger asked = new AtomicInteger();
    FollowedLog log =
        FollowedLog.start(
            cursor,
            () -> {
              asked.incrementAndGet();
              return true;
            },
            INTERVAL,
            GRACE,
            () -> {});

    assertThat(readAll(log)).isEqualTo("1\n2\n3\n4\n");
    assertThat(asked.get()).isLessThanOrEqualTo(1);
  }
}
