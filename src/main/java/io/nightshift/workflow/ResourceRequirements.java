package io.nightshift.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** Container requests and limits; quantities as Kubernetes writes them ("500m", "1Gi"). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ResourceRequirements(Map<String, String> requests, Map<String, String> limits) {

  public ResourceRequirements {
    requests = Immutable.map(requests);
    limits = Immutable.map(limits);
  }
}
