package io.nightshift.executor.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.OptionalInt;

/**
 * Where to start reading an attempt's log file: from its beginning, or its last lines, and never
 * more than a cap from its end. Reads from the end, so that no log, however large, is read whole.
 */
final class LogFile {

  private LogFile() {}

  /**
   * Where an answer starts in the first {@code size} bytes of a log.
   *
   * @param start the offset of the answer's first byte
   * @param omitted how many bytes before it the cap left out; 0 when it did not cut
   */
  record Window(long start, long omitted) {}

  /**
   * The window of the first {@code size} bytes that an answer of the last {@code tailLines} lines
   * (all when empty) holds, at most its last {@code maxBytes} bytes, from the first line that
   * starts in them.
   */
  static Window window(SeekableByteChannel channel, long size, OptionalInt tailLines, long maxBytes)
      throws IOException {
    long floor = Math.max(0, size - maxBytes); // never read before this
    long start = tailLines.isPresent() ? tailStart(channel, size, tailLines.getAsInt(), floor) : 0;
    if (start < floor) {
      start = lineStartFrom(channel, floor, size);
      return new Window(start, start);
    }
    return new Window(start, 0);
  }

  private static final int BLOCK = 64 * 1024;

  /**
   * Where the last {@code lines} lines of the first {@code size} bytes begin, scanning back no
   * further than {@code floor} (-1 when the lines begin before it). A final newline ends the last
   * line rather than starting an empty one.
   */
  private static long tailStart(SeekableByteChannel channel, long size, int lines, long floor)
      throws IOException {
    if (lines == 0) {
      return size;
    }
    long end = size;
    if (size > 0 && byteAt(channel, size - 1) == '\n') {
      end = size - 1;
    }
    int found = 0;
    ByteBuffer buffer = ByteBuffer.allocate(BLOCK);
    long position = end;
    while (position > floor) {
      int length = (int) Math.min(BLOCK, position - floor);
      position -= length;
      buffer.clear().limit(length);
      readFully(channel, buffer, position);
      for (int i = length - 1; i >= 0; i--) {
        if (buffer.get(i) == '\n' && ++found == lines) {
          return position + i + 1;
        }
      }
    }
    return floor == 0 ? 0 : -1; // -1: they begin before the floor, so the cap cuts them
  }

  /** The first line start at or after {@code from}; {@code from} itself when none follows. */
  private static long lineStartFrom(SeekableByteChannel channel, long from, long size)
      throws IOException {
    if (from == 0 || byteAt(channel, from - 1) == '\n') {
      return from;
    }
    ByteBuffer buffer = ByteBuffer.allocate(BLOCK);
    for (long position = from; position < size; position += BLOCK) {
      int length = (int) Math.min(BLOCK, size - position);
      buffer.clear().limit(length);
      readFully(channel, buffer, position);
      for (int i = 0; i < length; i++) {
        if (buffer.get(i) == '\n') {
          long start = position + i + 1;
          return start < size ? start : from; // one line longer than the cap: cut within it
        }
      }
    }
    return from;
  }

  private static byte byteAt(SeekableByteChannel channel, long position) throws IOException {
    ByteBuffer one = ByteBuffer.allocate(1);
    readFully(channel, one, position);
    return one.get(0);
  }

  private static void readFully(SeekableByteChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    channel.position(position);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        throw new java.io.EOFException("the log shrank while it was read");
      }
    }
  }
}
