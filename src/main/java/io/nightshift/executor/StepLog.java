package io.nightshift.executor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A step's log as one answer holds it: at most the configured number of bytes of the log, read as
 * the client reads them rather than all at once, in UTF-8 with each invalid byte sequence replaced
 * by U+FFFD (so a replaced byte may take three bytes in the answer).
 *
 * @param body the text, read once and closed by whoever sends it
 * @param omittedBytes how many bytes of the log come before the answer's first byte and were left
 *     out because of the cap; 0 when it was not cut
 */
public record StepLog(InputStream body, long omittedBytes) {

  /** Whether the cap left out the log's beginning. */
  public boolean truncated() {
    return omittedBytes > 0;
  }

  /**
   * The last {@code maxBytes} bytes of {@code text} (in UTF-8), from the first line that starts in
   * them; all of it when it fits.
   */
  public static StepLog of(String text, long maxBytes) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int start = cut(bytes, maxBytes);
    return new StepLog(new ByteArrayInputStream(bytes, start, bytes.length - start), start);
  }

  /**
   * Where the last {@code maxBytes} of {@code bytes} begin, moved forward to the start of a line
   * when one starts among them.
   */
  private static int cut(byte[] bytes, long maxBytes) {
    if (bytes.length <= maxBytes) {
      return 0;
    }
    int start = (int) (bytes.length - maxBytes);
    if (bytes[start - 1] == '\n') {
      return start;
    }
    for (int i = start; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        return i + 1 == bytes.length ? start : i + 1;
      }
    }
    return start;
  }

  /**
   * {@code source} as UTF-8, each invalid sequence replaced by U+FFFD, decoded a block at a time.
   */
  public static InputStream replacingInvalidUtf8(InputStream source) {
    return new ReplacingStream(source);
  }

  private static final class ReplacingStream extends InputStream {
    private final InputStream source;
    private final CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder();
    private final ByteBuffer in = ByteBuffer.allocate(8192);
    private final CharBuffer chars = CharBuffer.allocate(8192);
    private ByteBuffer out = ByteBuffer.allocate(0);
    private boolean ended;

    ReplacingStream(InputStream source) {
      this.source = source;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      while (!out.hasRemaining()) {
        if (ended) {
          return -1;
        }
        fill();
      }
      int n = Math.min(length, out.remaining());
      out.get(buffer, offset, n);
      return n;
    }

    /** Decodes the next block; an incomplete sequence at its end waits for the next one. */
    private void fill() throws IOException {
      int read = source.read(in.array(), in.position(), in.remaining());
      if (read < 0) {
        ended = true;
      } else {
        in.position(in.position() + read);
      }
      in.flip();
      chars.clear();
      decoder.decode(in, chars, ended);
      if (ended) {
        decoder.flush(chars);
      }
      in.compact();
      chars.flip();
      out = encoder.encode(chars);
    }

    @Override
    public void close() throws IOException {
      source.close();
    }
  }
}
