package io.nightshift.store;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * Where the store lives ({@code NIGHTSHIFT_DATASOURCE_URL}, {@code _USERNAME}, {@code _PASSWORD}).
 * With no URL, Nightshift starts an embedded PostgreSQL under {@code nightshift.data-dir}.
 *
 * @param url a {@code jdbc:postgresql://} URL of a real server; empty for the embedded one
 * @param username the user to connect as
 * @param password that user's password
 * @param maximumPoolSize connections in the pool
 * @param connectionTimeout how long a request waits for a connection before it fails (the API then
 *     answers 503): a database that is down is reported in seconds, not after half a minute
 */
@ConfigurationProperties("nightshift.datasource")
public record DatasourceConfig(
    @Nullable String url,
    @Nullable String username,
    @Nullable String password,
    @Bindable(defaultValue = "10") int maximumPoolSize,
    @Bindable(defaultValue = "10s") Duration connectionTimeout) {

  public boolean embedded() {
    return url == null || url.isBlank();
  }
}
