package io.nightshift.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.testsupport.Definitions;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistenceIT {

  private static final String PATH = "/api/v1/namespaces/data/workflows/nightly-maintenance";

  @Test
  void definitions_survive_a_restart_on_the_same_database() {
    PostgresFixture.Database database = PostgresFixture.newDatabase();
    String stored;
    try (NightshiftNode first = NightshiftNode.start(database)) {
      first.put(PATH, "application/yaml", Definitions.example("nightly-maintenance.yaml"));
      stored = first.get(PATH).body();
    }

    try (NightshiftNode second = NightshiftNode.start(database)) {
      assertThat(second.get(PATH).statusCode()).isEqualTo(200);
      assertThat(second.get(PATH).body()).isEqualTo(stored);
    }
  }

  @Test
  void the_embedded_default_keeps_its_data_under_the_data_dir_across_restarts(
      @TempDir Path dataDir) {
    Map<String, Object> embedded =
        Map.of("nightshift.datasource.url", "", "nightshift.data-dir", dataDir.toString());
    String stored;
    try (NightshiftNode first = NightshiftNode.start(embedded)) {
      assertThat(
              first
                  .put(PATH, "application/yaml", Definitions.example("nightly-maintenance.yaml"))
                  .statusCode())
          .isEqualTo(201);
      stored = first.get(PATH).body();
    }
    assertThat(Files.isRegularFile(dataDir.resolve("postgres/PG_VERSION"))).isTrue();

    try (NightshiftNode second = NightshiftNode.start(embedded)) {
      assertThat(second.get(PATH).body()).isEqualTo(stored);
      assertThat(second.get("/health/readiness").statusCode()).isEqualTo(200);
    }
  }
}
