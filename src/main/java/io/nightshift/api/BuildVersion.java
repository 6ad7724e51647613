package io.nightshift.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The server's build version ({@code io/nightshift/version.properties}, filled in by Maven), served
 * as the OpenAPI document's {@code info.version}, where {@code nightshift version} reads it.
 */
final class BuildVersion {

  private static final String VERSION = load();

  private BuildVersion() {}

  static String get() {
    return VERSION;
  }

  private static String load() {
    Properties properties = new Properties();
    try (InputStream in =
        BuildVersion.class.getResourceAsStream("/io/nightshift/version.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("version", "unknown");
  }
}
