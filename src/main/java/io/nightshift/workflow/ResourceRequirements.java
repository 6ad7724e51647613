package io.nightshift.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import java.util.Map;

/** Container requests and limits; quantities as Kubernetes writes them ("500m", "1Gi"). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ResourceRequirements(
    @Nullable Map<String, String> requests, @Nullable Map<String, String> limits) {

  public ResourceRequirements {
    requests = Immutable.map(requests);
    limits = Immutable.map(limits);
  }
}
