package io.nightshift.api;

import java.nio.charset.StandardCharsets;

/** Values put into the path of a URI the API hands out. */
final class PathSegments {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private PathSegments() {}

  /**
   * {@code value} as one path segment (RFC 3986): every byte of its UTF-8 outside the unreserved
   * characters percent-encoded, so that a slash or a brace in it can neither add a segment nor read
   * as a template variable. {@link java.net.URLEncoder} encodes for forms, not paths.
   */
  static String encode(String value) {
    StringBuilder encoded = new StringBuilder(value.length());
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (unreserved(c)) {
        encoded.append(c);
      } else {
        encoded.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
      }
    }
    return encoded.toString();
  }

  private static boolean unreserved(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }
}
