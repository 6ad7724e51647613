package io.nightshift.cli;

import java.util.function.IntConsumer;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT while a run is waited for: the handler runs on the JVM's signal thread, sends
 * the cancellation itself, and ends the process with 128 + the signal's number. A shutdown hook
 * would run too late to be sure the request was sent; this replaces the default handlers only while
 * waiting.
 */
final class Signals {

  private Signals() {}

  static void onTermination(IntConsumer handler) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), signal -> handler.accept(signal.getNumber()));
      } catch (IllegalArgumentException e) {
        // not on this platform, or the JVM was started with -Xrs: the default handling stays
      }
    }
  }

  static String name(int number) {
    return switch (number) {
      case 2 -> "SIGINT";
      case 15 -> "SIGTERM";
      default -> "signal " + number;
    };
  }
}
