package io.nightshift.testsupport;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.nightshift.ClockFactory;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;

/** In tests the application's Clock is a {@link MutableClock}, starting at {@link #START}. */
@Factory
@Requires(env = Environment.TEST)
public class TestClockFactory {

  public static final Instant START = Instant.parse("2026-11-23T08:00:00Z");

  @Singleton
  @Replaces(value = Clock.class, factory = ClockFactory.class)
  MutableClock clock() {
    return new MutableClock(START);
  }
}
