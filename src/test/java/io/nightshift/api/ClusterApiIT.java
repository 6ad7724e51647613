package io.nightshift.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightshift.cluster.LeaderElector;
import io.nightshift.testsupport.Json;
import io.nightshift.testsupport.NightshiftNode;
import io.nightshift.testsupport.PostgresFixture;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterApiIT {

  private static Map<String, Object> node(PostgresFixture.Database database, String id) {
    return NightshiftNode.on(database, "nightshift.cluster.node-id", id);
  }

  @Test
  void every_node_names_itself_the_one_leader_and_the_nodes_it_knows() {
    PostgresFixture.Database database = PostgresFixture.newDatabase();
    try (NightshiftNode a = NightshiftNode.start(node(database, "node-a"));
        NightshiftNode b = NightshiftNode.start(node(database, "node-b"))) {
      // Each node ticks on start; tick again so the test does not depend on that thread's timing.
      a.context().getBean(LeaderElector.class).tick();
      b.context().getBean(LeaderElector.class).tick();

      JsonNode fromA = Json.parse(a.get("/api/v1/cluster").body());
      JsonNode fromB = Json.parse(b.get("/api/v1/cluster").body());

      assertThat(fromA.at("/self/id").asText()).isEqualTo("node-a");
      assertThat(fromB.at("/self/id").asText()).isEqualTo("node-b");
      String leader = fromA.at("/leader/id").asText();
      assertThat(leader).isIn("node-a", "node-b");
      assertThat(fromB.at("/leader/id").asText()).isEqualTo(leader);
      assertThat(fromA.at("/self/leader").asBoolean()).isEqualTo(leader.equals("node-a"));
      assertThat(fromB.at("/self/leader").asBoolean()).isEqualTo(leader.equals("node-b"));
      assertThat(fromA.at("/leader/fencingToken").asLong()).isEqualTo(1);
      assertThat(fromA.at("/leader/since").asText()).isNotBlank();
      assertThat(fromA.get("nodes").findValuesAsText("id")).containsExactly("node-a", "node-b");
      assertThat(fromA.at("/nodes/0/lastSeen").asText()).isNotBlank();
    }
  }
}
