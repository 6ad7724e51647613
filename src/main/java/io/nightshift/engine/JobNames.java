package io.nightshift.engine;

import io.nightshift.run.Attempt;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Deterministic names for a step's attempts: {@code <workflow>-<seq>-<step>}, with {@code -<n>} for
 * the n-th attempt after the first. The name is the lock: a re-launch after failover finds the
 * attempt under the same name and adopts it instead of starting a second one.
 */
public final class JobNames {

  static final int MAX_LENGTH = 63;
  private static final int HASH_LENGTH = 8;

  private JobNames() {}

  public static String of(String workflow, long seq, String step, int attempt) {
    String name = workflow + "-" + seq + "-" + step + (attempt > 1 ? "-" + attempt : "");
    if (name.length() <= MAX_LENGTH) {
      return name;
    }
    String hash = HexFormat.of().formatHex(sha256(name)).substring(0, HASH_LENGTH);
    String head = name.substring(0, MAX_LENGTH - HASH_LENGTH - 1);
    while (head.endsWith("-")) {
      head = head.substring(0, head.length() - 1);
    }
    return head + "-" + hash;
  }

  /** The names of every attempt of a step up to {@code attempt.attempt()}. */
  public static List<String> upTo(Attempt attempt) {
    List<String> names = new ArrayList<>();
    for (int n = 1; n <= attempt.attempt(); n++) {
      names.add(of(attempt.workflow(), attempt.seq(), attempt.step(), n));
    }
    return names;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
