package io.nightshift.security;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where API tokens are kept, by the hash of their value; the store implements it. */
public interface TokenStore {

  /** The unexpired token whose value hashes to {@code hash}, noting that it is used {@code now}. */
  Optional<StoredToken> use(String hash, Instant now);

  /** Every token, without hashes. */
  List<StoredToken> list();

  /** Stores a new token; false when one of that name exists. */
  boolean create(StoredToken token, String hash);

  /** Stores a token, replacing one of the same name. */
  void put(StoredToken token, String hash);

  /** Deletes the named token; false when there was none. */
  boolean delete(String name);
}
