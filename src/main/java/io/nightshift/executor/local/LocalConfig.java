package io.nightshift.executor.local;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * The local executor. It runs every step as a process of the server's machine, so whoever defines a
 * workflow runs code next to the server: by nature it serves one trusted team.
 *
 * @param runAs an unprivileged user of this machine (a name, such as {@code nobody}) that steps run
 *     as, through {@code setpriv}; the server must run as root to switch to it. Its log, pid and
 *     exit files stay the server's, readable by the server only: the step writes its output through
 *     a descriptor the server opened. Unset: steps run as the server's own user, which may read
 *     everything the server can (its data directory, other steps' logs, {@code /proc/<pid>/environ}
 *     of the server); the server warns at start when that user is root.
 * @param allowScopedAdmins whether an admin confined to some namespaces may create, replace and
 *     delete workflows while the local executor runs. Off by default: such an admin's steps would
 *     run as the server's user and could read every other namespace's logs and the server's
 *     secrets, which defeats the scope. Turning it on is logged as a warning at start.
 */
@ConfigurationProperties("nightshift.executor.local")
public record LocalConfig(
    @Nullable String runAs, @Bindable(defaultValue = "false") boolean allowScopedAdmins) {}
