package io.nightshift;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The packages depend on each other only as docs/architecture.md draws it. */
class LayeringTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importMain() {
    // The compiled main classes only: scanning the whole classpath for the package takes seconds.
    classes = new ClassFileImporter().importPath(Path.of("target", "classes"));
  }

  @Test
  void the_engine_speaks_to_its_run_store_and_never_to_jdbc() {
    noClasses()
        .that()
        .resideInAPackage("io.nightshift.engine..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("java.sql..")
        .because("the engine speaks to RunStore in domain terms; SQL stays in store")
        .check(classes);
  }

  @Test
  void the_api_reaches_the_store_only_through_the_ports_of_its_domains() {
    noClasses()
        .that()
        .resideInAPackage("io.nightshift.api..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.nightshift.store..")
        .because("controllers speak to services and ports (RunStore, WorkflowStore, TokenStore…)")
        .check(classes);
  }

  @Test
  void metrics_do_not_depend_on_the_store() {
    noClasses()
        .that()
        .resideInAPackage("io.nightshift.metrics..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.nightshift.store..")
        .because("the store writes metrics with its changes, so the dependency runs one way")
        .check(classes);
  }

  @Test
  void workflow_definitions_are_stored_through_their_port() {
    noClasses()
        .that()
        .resideInAPackage("io.nightshift.workflow..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.nightshift.store..")
        .because("WorkflowService speaks to WorkflowStore, which the store implements")
        .check(classes);
  }

  @Test
  void the_run_domain_depends_on_no_other_package_of_ours() {
    noClasses()
        .that()
        .resideInAPackage("io.nightshift.run..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.nightshift.api..",
            "io.nightshift.engine..",
            "io.nightshift.store..",
            "io.nightshift.schedule..",
            "io.nightshift.executor..",
            "io.nightshift.metrics..")
        .check(classes);
  }

  /** The server's packages, and Micronaut: what a client of the API does without. */
  private static final String[] SERVER_PACKAGES = {
    "io.nightshift",
    "io.nightshift.api..",
    "io.nightshift.cluster..",
    "io.nightshift.engine..",
    "io.nightshift.executor..",
    "io.nightshift.metrics..",
    "io.nightshift.run..",
    "io.nightshift.schedule..",
    "io.nightshift.security..",
    "io.nightshift.store..",
    "io.micronaut.."
  };

  @Test
  void the_cli_is_a_client_of_the_api_and_borrows_only_the_definition_model_for_lint() {
    noClasses()
        .that()
        .resideInAPackage("io.nightshift.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(SERVER_PACKAGES)
        .because(
            "the CLI talks HTTP and never starts the server; lint uses io.nightshift.workflow's"
                + " parser and validator, import io.nightshift.cronjob's mapping")
        .check(classes);
  }

  @Test
  void the_console_speaks_to_the_services_the_api_speaks_to_never_to_the_api_or_the_store() {
    noClasses()
        .that()
        .resideInAPackage("io.nightshift.console..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.nightshift.api..", "io.nightshift.cli..", "io.nightshift.store..", "java.sql..")
        .because("the console and the API show the same services, so they never disagree")
        .check(classes);
  }

  @Test
  void the_cronjob_mapping_knows_only_the_definition_model() {
    noClasses()
        .that()
        .resideInAPackage("io.nightshift.cronjob..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            Stream.concat(
                    Stream.of(SERVER_PACKAGES), Stream.of("io.nightshift.cli..", "io.kubernetes.."))
                .toArray(String[]::new))
        .because("it turns a CronJob tree into a workflow tree, and is pure")
        .check(classes);
  }
}
