package io.nightshift.engine;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * The engine on the leader.
 *
 * @param interval how often the leader looks at every active run
 */
@ConfigurationProperties("nightshift.engine")
public record EngineConfig(@Bindable(defaultValue = "250ms") Duration interval) {}
