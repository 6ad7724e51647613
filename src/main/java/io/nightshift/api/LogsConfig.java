package io.nightshift.api;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Step logs as the API serves them.
 *
 * @param maxBytes the most bytes of a log one answer holds (default 10 MiB). A longer log, or a
 *     {@code tailLines} reaching further back, is answered with its last {@code maxBytes} bytes,
 *     from the first line that starts in them, and the headers {@code Nightshift-Log-Truncated:
 *     true} and {@code Nightshift-Log-Bytes-Omitted: <bytes of the log before the answer>}. Logs
 *     are read from the end and streamed, so this bounds the answer, not the server's memory, which
 *     holds a few blocks whatever the size.
 */
@ConfigurationProperties("nightshift.logs")
public record LogsConfig(@Bindable(defaultValue = "10485760") long maxBytes) {}
