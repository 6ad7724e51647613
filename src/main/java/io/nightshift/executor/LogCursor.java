package io.nightshift.executor;

/**
 * An attempt's output read as it grows: each {@link #next} returns what was written since the one
 * before, so that what a follower sends is every byte once and in order. Not thread-safe: one
 * reader at a time.
 */
public interface LogCursor extends AutoCloseable {

  /**
   * What the attempt wrote since the previous call; empty when nothing new (or nothing yet: an
   * attempt whose process or pod has not started). The first call returns what was written before
   * it, or its last {@code tailLines} lines, at most the cap of {@link Executor#follow}.
   */
  byte[] next();

  /**
   * Whether the previous {@link #next} returned the last of the output: what wrote it had ended
   * before that read (the process exited; every pod's containers terminated, or there are none).
   */
  boolean finished();

  /** How many bytes of the output before the first answer the cap left out; 0 when none. */
  long omittedBytes();

  @Override
  void close();
}
