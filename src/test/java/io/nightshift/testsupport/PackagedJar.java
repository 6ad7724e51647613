package io.nightshift.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

/**
 * The jar {@code ./mvnw package} builds (server and CLI in one), for tests that run it as a user
 * does: integration tests run after the package phase, so it is there under {@code verify}.
 */
public final class PackagedJar {

  private PackagedJar() {}

  /** {@code target/nightshift-<version>.jar}, absolute. */
  public static Path path() {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      return files
          .filter(p -> p.getFileName().toString().matches("nightshift-[0-9.]+(-SNAPSHOT)?\\.jar"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no packaged jar: run ./mvnw -B package"))
          .toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * Waits until the node started from the jar at {@code base} answers its readiness probe with 200,
   * for up to {@code limit}; fails with the node's {@code log} if it never does.
   */
  public static void awaitReady(URI base, Path log, Duration limit) throws Exception {
    Instant deadline = Instant.now().plus(limit);
    HttpRequest readiness =
        HttpRequest.newBuilder(base.resolve("/health/readiness"))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build();
    while (Instant.now().isBefore(deadline)) {
      try {
        if (HTTP.send(readiness, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(100);
    }
    throw new AssertionError(base + " never got ready:\n" + Files.readString(log));
  }
}
