package io.nightshift.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * API token values: 32 random bytes behind a recognisable prefix, and the SHA-256 that is all the
 * database keeps. A salt would add nothing: the tokens are random, not chosen by people.
 */
public final class Tokens {

  /** Marks a Nightshift token, so that secret scanners and people can tell what leaked. */
  public static final String PREFIX = "nsk_";

  /** The shortest configured admin token accepted: shorter strings are guessable. */
  public static final int MIN_CONFIGURED_LENGTH = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

  /** A new token. */
  public static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The hex SHA-256 of {@code token}: what is stored and looked up. */
  public static String hash(String token) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
