package io.nightshift.testsupport.kube;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The faults a test asked the front to inject, each for a number of matching requests.
 *
 * <p>A request takes at most one fault: the first rule, in the order they were added, whose method
 * and path match and which has uses left.
 */
final class Faults {

  /** What happens to a request that takes a fault. */
  sealed interface Fault permits Reject, Delay, LoseAnswer, Garble {}

  /**
   * Answered at once with this status and a Status body, never reaching the mock.
   *
   * @param retryAfterSeconds sent as {@code Retry-After}, or null
   */
  record Reject(int status, Integer retryAfterSeconds) implements Fault {}

  /** Held for this long, then served as usual. */
  record Delay(Duration delay) implements Fault {}

  /**
   * Served by the mock (a create does create), but the client is answered with this status instead,
   * as when a connection drops after the server acted: the client cannot know it did.
   */
  record LoseAnswer(int status) implements Fault {}

  /** Answered at once with 200 and this body, which is not what the client asked for. */
  record Garble(String body) implements Fault {}

  private record Rule(String method, Pattern path, Fault fault, AtomicInteger usesLeft) {

    boolean matches(String requestMethod, String requestPath) {
      return (method.equals("*") || method.equalsIgnoreCase(requestMethod))
          && path.matcher(requestPath).matches();
    }

    /** Takes one use; false if another request took the last one first. */
    boolean take() {
      return usesLeft.getAndUpdate(left -> Math.max(0, left - 1)) > 0;
    }
  }

  private final List<Rule> rules = new CopyOnWriteArrayList<>();

  /**
   * @param method an HTTP method, or {@code *} for any
   * @param pathRegex matched against the whole path, without the query string
   */
  void add(String method, String pathRegex, Fault fault, int times) {
    if (times < 1) {
      throw new IllegalArgumentException("times must be at least 1, was " + times);
    }
    rules.add(new Rule(method, Pattern.compile(pathRegex), fault, new AtomicInteger(times)));
  }

  /** The fault this request takes, if any; taking it uses it up once. */
  Optional<Fault> take(String method, String path) {
    for (Rule rule : rules) {
      if (rule.matches(method, path) && rule.take()) {
        return Optional.of(rule.fault());
      }
    }
    return Optional.empty();
  }

  void clear() {
    rules.clear();
  }
}
