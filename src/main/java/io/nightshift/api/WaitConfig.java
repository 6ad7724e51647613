package io.nightshift.api;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * How many requests may wait for a run at once ({@code ?wait} on {@code POST …/runs} and {@code GET
 * /runs/{id}}), each holding a thread for up to 10 minutes, or follow a step's log ({@code
 * ?follow=true}), holding its connection until the step ends. Past either cap the request is
 * refused whole with 429 and {@code Retry-After}, before anything is created.
 *
 * @param maxWaits waits and follows on this node at once, all callers together ({@code
 *     NIGHTSHIFT_API_MAX_WAITS})
 * @param maxWaitsPerCaller waits and follows of one caller (one API token, one OIDC subject) at
 *     once ({@code NIGHTSHIFT_API_MAX_WAITS_PER_CALLER})
 */
@ConfigurationProperties("nightshift.api")
public record WaitConfig(
    @Bindable(defaultValue = "100") int maxWaits,
    @Bindable(defaultValue = "20") int maxWaitsPerCaller) {}
