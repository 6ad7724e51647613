package io.nightshift.security;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import io.nightshift.store.DatasourceConfig;
import jakarta.annotation.PostConstruct;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first admin token, so that a new installation can be used at all. {@code
 * NIGHTSHIFT_ADMIN_TOKEN} is installed as the token {@value #NAME} at every start. With none set
 * and the embedded database, a token is generated once and written to {@code
 * <data-dir>/admin-token}, readable by this user only; its location is logged, never its value. A
 * configured token too weak to guard the API ({@link TokenStrength}) stops the node at start.
 */
@Context
public class AdminTokenBootstrap {

  /** The name of the bootstrap token in {@code GET /api/v1/tokens}. */
  public static final String NAME = "bootstrap-admin";

  static final String FILE = "admin-token";

  private static final Logger LOG = LoggerFactory.getLogger(AdminTokenBootstrap.class);

  private final TokenStore tokens;
  private final DatasourceConfig datasource;
  private final String configured;
  private final Path dataDir;
  private final Clock clock;

  public AdminTokenBootstrap(
      TokenStore tokens,
      DatasourceConfig datasource,
      @Value("${nightshift.admin-token:}") String configured,
      @Value("${nightshift.data-dir:./nightshift-data}") Path dataDir,
      Clock clock) {
    this.tokens = tokens;
    this.datasource = datasource;
    this.configured = configured;
    this.dataDir = dataDir;
    this.clock = clock;
  }

  @PostConstruct
  void install() {
    if (!configured.isBlank()) {
      Optional<String> weakness =
          TokenStrength.weakness("NIGHTSHIFT_ADMIN_TOKEN", configured.strip());
      if (weakness.isPresent()) {
        throw new ConfigurationException(weakness.get());
      }
      put(configured.strip(), "NIGHTSHIFT_ADMIN_TOKEN");
      LOG.info("Admin token \"{}\": set from NIGHTSHIFT_ADMIN_TOKEN", NAME);
    } else if (datasource.embedded()) {
      Path file = dataDir.resolve(FILE).toAbsolutePath();
      put(readOrCreate(file), file.toString());
      LOG.info(
          "Admin token \"{}\": in {} (readable by this user only). Send it as"
              + " \"Authorization: Bearer <token>\".",
          NAME,
          file);
    } else {
      LOG.warn(
          "No NIGHTSHIFT_ADMIN_TOKEN set: only tokens created earlier, or OIDC logins, can use the"
              + " API");
    }
  }

  private void put(String token, String source) {
    tokens.put(
        new StoredToken(
            NAME, Role.ADMIN.id(), List.of(), clock.instant(), "bootstrap:" + source, null, null),
        Tokens.hash(token));
  }

  private static String readOrCreate(Path file) {
    try {
      if (Files.exists(file)) {
        String token = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (!token.isEmpty()) {
          return token;
        }
        Files.delete(file);
      }
      Files.createDirectories(file.getParent());
      String token = Tokens.generate();
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
      return token;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the admin token in " + file, e);
    }
  }
}
