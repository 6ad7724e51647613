package io.nightshift.store;

import java.security.SecureRandom;
import java.time.Instant;

/**
 * Run ids as ULIDs: 26 characters of Crockford base32, 48 bits of milliseconds then 80 random bits,
 * so ids sort by creation time and need no coordination between nodes.
 */
public final class RunIds {

  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private RunIds() {}

  public static String next(Instant now) {
    byte[] random = new byte[10];
    RANDOM.nextBytes(random);
    char[] id = new char[26];
    long millis = now.toEpochMilli();
    for (int i = 9; i >= 0; i--) {
      id[i] = ALPHABET[(int) (millis & 31)];
      millis >>>= 5;
    }
    // 80 random bits as 16 base32 characters, 5 bits at a time.
    int bit = 0;
    for (int i = 10; i < 26; i++, bit += 5) {
      int value = 0;
      for (int b = 0; b < 5; b++) {
        int index = bit + b;
        value = (value << 1) | ((random[index / 8] >> (7 - index % 8)) & 1);
      }
      id[i] = ALPHABET[value];
    }
    return new String(id);
  }
}
