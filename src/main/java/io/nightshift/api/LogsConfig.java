package io.nightshift.api;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * Step logs as the API serves them.
 *
 * @param maxBytes the most bytes of a log one answer holds (default 10 MiB). A longer log, or a
 *     {@code tailLines} reaching further back, is answered with its last {@code maxBytes} bytes,
 *     from the first line that starts in them, and the headers {@code Nightshift-Log-Truncated:
 *     true} and {@code Nightshift-Log-Bytes-Omitted: <bytes of the log before the answer>}. Logs
 *     are read from the end and streamed, so this bounds the answer, not the server's memory, which
 *     holds a few blocks whatever the size. With {@code ?follow=true} it bounds what was written
 *     before the request; what follows is sent whole.
 * @param followInterval how often a followed log is read again when the last read found nothing new
 *     (default 1 s). On Kubernetes each read lists the Job's pods and reads the log of each running
 *     container: two requests per followed step, through the node's rate limit.
 * @param followGrace how long a followed log is still read after its step ended while its process
 *     or pods are still writing (a cancelled step is recorded before it is stopped); default 30 s
 */
@ConfigurationProperties("nightshift.logs")
public record LogsConfig(
    @Bindable(defaultValue = "10485760") long maxBytes,
    @Bindable(defaultValue = "1s") Duration followInterval,
    @Bindable(defaultValue = "30s") Duration followGrace) {}
