package io.nightshift.security;

import java.util.Optional;

/**
 * Whether a secret that people configure (the bootstrap admin token, a metrics token) is strong
 * enough to guard the API, by a deliberately simple and predictable estimate of its entropy:
 *
 * <p>{@code bits = length × log2(alphabet)}, where {@code alphabet} is the union of the character
 * classes the token uses (lower-case letters 26, upper-case letters 26, digits 10, anything else
 * 33), and {@code length} counts a repeated pattern once and a run of one character once: {@code
 * "password1234password1234…"} counts as its 12 characters, {@code "aaaa…"} as one, {@code
 * "1111…2222…"} as two. A random token from {@code openssl rand -hex 32} scores 330 bits, one from
 * {@code openssl rand -base64 32} about 290; at least {@value #MIN_BITS} are required, and at least
 * {@value Tokens#MIN_CONFIGURED_LENGTH} characters. The estimate cannot see that a long English
 * phrase is guessable: it catches the obvious mistakes (short, one character, a repeated word,
 * digits only), not every weak choice.
 */
public final class TokenStrength {

  /** The least estimated entropy accepted, in bits. */
  public static final int MIN_BITS = 128;

  /** The advice every refusal ends with. */
  public static final String ADVICE = "Make one with `openssl rand -hex 32`.";

  private TokenStrength() {}

  /** The estimated entropy of {@code token} in bits, as described above. */
  public static double estimatedBits(String token) {
    int period = period(token);
    boolean lower = false;
    boolean upper = false;
    boolean digit = false;
    boolean other = false;
    for (int i = 0; i < period; i++) {
      char c = token.charAt(i);
      if (c >= 'a' && c <= 'z') {
        lower = true;
      } else if (c >= 'A' && c <= 'Z') {
        upper = true;
      } else if (c >= '0' && c <= '9') {
        digit = true;
      } else {
        other = true;
      }
    }
    int alphabet = (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (other ? 33 : 0);
    int counted = 0;
    for (int i = 0; i < period; i++) {
      if (i == 0 || token.charAt(i) != token.charAt(i - 1)) {
        counted++;
      }
    }
    if (counted <= 1) {
      return 0;
    }
    return counted * (Math.log(alphabet) / Math.log(2));
  }

  /**
   * Why {@code token}, configured as {@code variable}, is too weak to use, if it is: a sentence for
   * a start-up failure that names the variable and the rule, never the token, and says how to make
   * a good one.
   */
  public static Optional<String> weakness(String variable, String token) {
    if (token.length() < Tokens.MIN_CONFIGURED_LENGTH) {
      return Optional.of(
          variable
              + " is shorter than "
              + Tokens.MIN_CONFIGURED_LENGTH
              + " characters: too easy to guess. "
              + ADVICE);
    }
    if (token.chars().distinct().count() == 1) {
      return Optional.of(
          variable + " is a single character repeated: anyone can guess it. " + ADVICE);
    }
    double bits = estimatedBits(token);
    if (bits < MIN_BITS) {
      return Optional.of(
          variable
              + " is too easy to guess: about "
              + (int) bits
              + " bits of entropy by length × log2(alphabet of its character classes), counting a"
              + " repeated pattern or a run of one character once; at least "
              + MIN_BITS
              + " are needed. "
              + ADVICE);
    }
    return Optional.empty();
  }

  /** The length of the shortest prefix that {@code text} repeats (the whole text if none). */
  static int period(String text) {
    int n = text.length();
    for (int p = 1; p < n; p++) {
      boolean repeats = true;
      for (int i = p; i < n && repeats; i++) {
        repeats = text.charAt(i) == text.charAt(i - p);
      }
      if (repeats) {
        return p;
      }
    }
    return n;
  }
}
