package io.nightshift.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
