package io.nightshift;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The one source of time: every class that needs "now" takes this Clock; tests replace it. */
@Factory
public class ClockFactory {

  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }
}
