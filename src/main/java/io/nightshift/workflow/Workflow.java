package io.nightshift.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A workflow definition as a user writes it: Kubernetes-shaped, immutable. {@link DefinitionCodec}
 * builds it from YAML or JSON; {@link WorkflowValidator} decides whether it may be stored.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Workflow(
    String apiVersion, String kind, WorkflowMetadata metadata, WorkflowSpec spec) {

  public static final String API_VERSION = "nightshift.io/v1";
  public static final String KIND = "Workflow";

  public String namespace() {
    return metadata.namespace();
  }

  public String name() {
    return metadata.name();
  }

  public Workflow withMetadata(WorkflowMetadata metadata) {
    return new Workflow(apiVersion, kind, metadata, spec);
  }

  public Workflow withSpec(WorkflowSpec spec) {
    return new Workflow(apiVersion, kind, metadata, spec);
  }
}
