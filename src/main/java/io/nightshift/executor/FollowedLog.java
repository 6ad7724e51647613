package io.nightshift.executor;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * A step's log as a stream that ends only once the step's attempt has ended and all its output has
 * been read: each read blocks until the attempt writes more, polling its {@link LogCursor}. Whoever
 * sends it pulls at its own pace, so a slow client holds back the reading rather than a buffer
 * growing on the server.
 *
 * <p>Two things must hold before it ends, in this order: the attempt has ended ({@code
 * attemptEnded}, from the run's record: no process or pod of it will start any more), and then a
 * read found nothing new after what wrote the output had stopped ({@link LogCursor#finished}). A
 * cancelled step is recorded ended before its process is killed, so the second may lag the first;
 * past {@code grace} the stream ends all the same, so that no follower outlives a step by long.
 *
 * <p>{@link #close} may come from another thread (the server's, when the client goes away): it
 * wakes a read that waits, and the cursor is closed by whichever of the two holds it last. {@code
 * onClose} runs once, at the end of the output or at the close, whichever comes first.
 */
public final class FollowedLog extends InputStream {

  private final LogCursor cursor;
  private final BooleanSupplier attemptEnded;
  private final long intervalMillis;
  private final long graceNanos;
  private final Runnable onClose;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final ReentrantLock reading = new ReentrantLock();
  private final AtomicBoolean released = new AtomicBoolean();

  // Guarded by reading.
  private byte[] pending;
  private int offset;
  private boolean done;
  private boolean quiet;
  private long endedAt;
  private boolean endedSeen;
  private boolean cursorClosed;

  private FollowedLog(
      LogCursor cursor,
      BooleanSupplier attemptEnded,
      Duration interval,
      Duration grace,
      Runnable onClose) {
    this.cursor = cursor;
    this.attemptEnded = attemptEnded;
    this.intervalMillis = Math.max(1, interval.toMillis());
    this.graceNanos = grace.toNanos();
    this.onClose = onClose;
  }

  /**
   * Starts following: the output written so far is read at once, so that {@link #omittedBytes} is
   * known before the answer's headers go out.
   *
   * @param attemptEnded whether the attempt has ended, as recorded; asked only when a read found
   *     nothing new
   * @param interval how long to wait after a read that found nothing new
   * @param grace how long to go on reading after the attempt ended while its output is still being
   *     written
   * @param onClose runs once, when the output has ended or the stream is closed
   */
  public static FollowedLog start(
      LogCursor cursor,
      BooleanSupplier attemptEnded,
      Duration interval,
      Duration grace,
      Runnable onClose) {
    FollowedLog log = new FollowedLog(cursor, attemptEnded, interval, grace, onClose);
    log.pending = cursor.next();
    return log;
  }

  /** How many bytes of the log before the first byte of the stream the cap left out. */
  public long omittedBytes() {
    return cursor.omittedBytes();
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int off, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    reading.lock();
    try {
      while (offset == pending.length) {
        if (done || closed()) {
          release();
          return -1;
        }
        poll();
      }
      int n = Math.min(length, pending.length - offset);
      System.arraycopy(pending, offset, buffer, off, n);
      offset += n;
      return n;
    } finally {
      if (closed()) {
        closeCursor();
      }
      reading.unlock();
    }
  }

  /**
   * One look at the log: new output is kept for reading; none, once the attempt has ended and its
   * output stopped, is the end; none otherwise waits an interval.
   */
  private void poll() throws IOException {
    // Asked before the read, so that the read after it holds everything the attempt wrote.
    boolean ended = quiet && ended();
    byte[] chunk;
    try {
      chunk = cursor.next();
    } catch (RuntimeException e) {
      throw new IOException("cannot read the step's log: " + e.getMessage(), e);
    }
    if (chunk.length > 0) {
      pending = chunk;
      offset = 0;
      quiet = false;
      return;
    }
    if (ended && (cursor.finished() || System.nanoTime() - endedAt > graceNanos)) {
      done = true;
      return;
    }
    quiet = true;
    pause();
  }

  private boolean ended() {
    if (!endedSeen) {
      try {
        endedSeen = attemptEnded.getAsBoolean();
      } catch (RuntimeException unknown) {
        return false; // the record cannot be read now: asked again at the next quiet read
      }
      endedAt = System.nanoTime();
    }
    return endedSeen;
  }

  private void pause() throws IOException {
    try {
      closing.await(intervalMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while following a step's log");
    }
  }

  private boolean closed() {
    return closing.getCount() == 0;
  }

  /** Stops following; safe from any thread, and more than once. */
  @Override
  public void close() {
    closing.countDown();
    release();
    if (reading.tryLock()) {
      try {
        closeCursor();
      } finally {
        reading.unlock();
      }
    }
  }

  private void release() {
    if (released.compareAndSet(false, true)) {
      onClose.run();
    }
  }

  private void closeCursor() {
    if (!cursorClosed) {
      cursorClosed = true;
      cursor.close();
    }
  }
}
