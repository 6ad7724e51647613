package io.nightshift.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The client's version, from {@code io/nightshift/version.properties}, which the build fills in
 * (the server reads the same file for its own).
 */
final class Version {

  private static String client;

  private Version() {}

  static synchronized String client() {
    if (client == null) {
      Properties properties = new Properties();
      try (InputStream in =
          Version.class.getResourceAsStream("/io/nightshift/version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      } catch (IOException e) {
        // unknown, below
      }
      client = properties.getProperty("version", "unknown");
    }
    return client;
  }
}
