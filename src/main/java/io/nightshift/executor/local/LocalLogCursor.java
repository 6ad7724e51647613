package io.nightshift.executor.local;

import io.nightshift.executor.LogCursor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalInt;

/**
 * Follows an attempt's log file: the process only appends to it, so the bytes from where the last
 * read stopped to the end are exactly what it wrote since. The file is opened once it exists and
 * held open, so a log removed meanwhile is still read to its end.
 */
final class LocalLogCursor implements LogCursor {

  /** The most one read returns; a longer backlog comes in several. */
  private static final int CHUNK = 64 * 1024;

  private static final byte[] NOTHING = new byte[0];

  private final Path dir;
  private final String name;
  private final OptionalInt tailLines;
  private final long maxBytes;
  private SeekableByteChannel channel;
  private long position = -1;
  private long omitted;
  private boolean finished;

  LocalLogCursor(Path dir, String name, OptionalInt tailLines, long maxBytes) {
    this.dir = dir;
    this.name = name;
    this.tailLines = tailLines;
    this.maxBytes = maxBytes;
  }

  @Override
  public byte[] next() {
    // Looked at before the read: once the process has exited, a read to the end is the last.
    boolean stopped = writerStopped();
    try {
      if (channel == null && !open()) {
        finished = stopped;
        return NOTHING;
      }
      long size = channel.size();
      if (position < 0) {
        LogFile.Window window = LogFile.window(channel, size, tailLines, maxBytes);
        position = window.start();
        omitted = window.omitted();
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(0, size - position)));
      channel.position(position);
      while (buffer.hasRemaining() && channel.read(buffer) > 0) {
        // a read returns what is there; the loop stops at the size taken above or at the end
      }
      position += buffer.position();
      finished = stopped && position >= size;
      return buffer.position() == buffer.capacity()
          ? buffer.array()
          : java.util.Arrays.copyOf(buffer.array(), buffer.position());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the log of " + name, e);
    }
  }

  /**
   * Whether no process writes the log any more: its recorded process has exited, or there is no
   * trace of the attempt at all (not started yet, or removed with its run).
   */
  private boolean writerStopped() {
    return LocalProcess.find(dir, name)
        .map(process -> !process.alive())
        .orElseGet(() -> !Files.exists(dir.resolve(name + ".log")));
  }

  private boolean open() throws IOException {
    try {
      channel = Files.newByteChannel(dir.resolve(name + ".log"), StandardOpenOption.READ);
      return true;
    } catch (NoSuchFileException notYet) {
      return false;
    }
  }

  @Override
  public boolean finished() {
    return finished;
  }

  @Override
  public long omittedBytes() {
    return omitted;
  }

  @Override
  public void close() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // nothing more is read from it
      }
    }
  }
}
