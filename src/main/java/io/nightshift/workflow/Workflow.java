package io.nightshift.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;

/**
 * A workflow definition as a user writes it: Kubernetes-shaped, immutable. {@link DefinitionCodec}
 * builds it from YAML or JSON; {@link WorkflowValidator} decides whether it may be stored.
 *
 * @param apiVersion {@value #API_VERSION}
 * @param kind {@value #KIND}
 * @param metadata its name, namespace, labels and annotations; the URL names it when left out
 * @param spec what it runs and when
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Workflow(
    String apiVersion, String kind, @Nullable WorkflowMetadata metadata, WorkflowSpec spec) {

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
