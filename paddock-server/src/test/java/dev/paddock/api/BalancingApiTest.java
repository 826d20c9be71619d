package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.drs.Balancing;
import dev.paddock.drs.BalancingController;
import dev.paddock.model.Vm;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Balancing through REST: a cluster's plan with each move explained, its policy set, the plan applied as one
 * operation, the moved VMs cooling down, and the controller in automatic mode. Monitoring has not sampled, so each
 * VM counts for its demand: four 1-vCPU VMs on h1 (8 cores) put it at 50 %, h2 at 0 %.
 */
class BalancingApiTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    TestServer server;

    @Test
    void aClusterOutOfBalanceShowsItsPlanAppliesItAndMovedVmsCoolDown() {
        List<String> vms = onH1(4);

        JsonNode shown = server.get("/api/v1/clusters/cluster-1/balancing").json();
        assertThat(shown.get("policy").get("mode").asText()).isEqualTo("off");
        JsonNode plan = shown.get("plan");
        assertThat(plan.get("summary").asText()).isEqualTo("imbalance 25.0 points, over the threshold of 10.0:"
                + " 2 move(s) take it to 0.0");
        assertThat(plan.get("hostCpu").get("h1").asDouble()).isEqualTo(0.5);
        assertThat(plan.get("moves")).hasSize(2).allSatisfy(move -> {
            assertThat(move.get("from").asText()).isEqualTo("h1");
            assertThat(move.get("to").asText()).isEqualTo("h2");
            assertThat(move.get("reason").asText()).isEqualTo("balance");
            assertThat(move.get("explanation").asText()).startsWith("h1 is at ");
        });

        TestServer.Reply set = server.put("/api/v1/clusters/cluster-1/balancing", "{\"mode\":\"recommend\","
                + "\"threshold\":12,\"coolDownMinutes\":90}");
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(set.json().get("policy").get("threshold").asDouble()).isEqualTo(12);
        assertThat(set.json().get("policy").get("coolDownMinutes").asLong()).isEqualTo(90);

        JsonNode done = server.awaitFinal(server.post("/api/v1/clusters/cluster-1/balancing/apply", ""));
        assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("DONE");
        assertThat(done.get("kind").asText()).isEqualTo(Balancing.KIND);
        assertThat(vms.stream().map(id -> server.store.vm(id).flatMap(Vm::hostId).orElseThrow()))
                .containsExactlyInAnyOrder("host-1", "host-1", "host-2", "host-2");
        assertThat(server.store.balancingMoves(Instant.now().minus(Duration.ofHours(1)))).hasSize(2);

        JsonNode after = server.get("/api/v1/clusters/cluster-1/balancing").json().get("plan");
        assertThat(after.get("summary").asText()).isEqualTo("imbalance 0.0 points, not over the threshold of 12.0:"
                + " nothing moves");
        TestServer.Reply again = server.post("/api/v1/clusters/cluster-1/balancing/apply", "");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("detail").asText()).isEqualTo("Nothing to move in cluster 'prod': imbalance 0.0"
                + " points, not over the threshold of 12.0: nothing moves.");
    }

    @Test
    void inAutomaticModeTheControllerMovesVmsAndInRecommendModeItMovesNone() {
        List<String> vms = onH1(4);
        Balancing balancing = new Balancing(server.store, server.ha.ledger(),
                Optional.of(server.monitoring), Clock.systemUTC());
        try (BalancingController controller = new BalancingController(server.store, balancing,
                Duration.ofHours(1))) {
            server.put("/api/v1/clusters/cluster-1/balancing", "{\"mode\":\"recommend\"}");
            controller.round();
            assertThat(server.operations.list(0, 100).items()).noneMatch(op -> op.kind().equals(Balancing.KIND));

            server.put("/api/v1/clusters/cluster-1/balancing", "{\"mode\":\"automatic\"}");
            controller.round();
        }
        JsonNode operation = server.get("/api/v1/operations?limit=100").json().get("items").findParents("kind")
                .stream().filter(op -> op.get("kind").asText().equals(Balancing.KIND)).findFirst().orElseThrow();
        assertThat(operation.get("owner").asText()).isEqualTo(Balancing.OWNER);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> vms.stream()
                .filter(id -> server.store.vm(id).flatMap(Vm::hostId).orElseThrow().equals("host-2")).count() == 2);
    }

    @Test
    void onceMonitoringHasSampledTheVmsTheirMeasuredLoadIsWhatBalances() {
        onH1(4);
        // two samples a minute apart, on the simulated room's clock: each guest uses 5 to 65 % of its one vCPU
        server.monitoring.round();
        server.clock.advance(Duration.ofMinutes(1));
        server.monitoring.round();

        JsonNode plan = server.get("/api/v1/clusters/cluster-1/balancing").json().get("plan");

        assertThat(plan.get("hostCpu").get("h1").asDouble()).as(plan.toString()).isGreaterThan(0).isLessThan(0.5);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"mode\":\"sometimes\"} | Field 'mode' is 'off', 'recommend' or 'automatic', not 'sometimes'.",
        "{\"threshold\":0} | Field 'threshold' must be between 0.5 and 100 points; got 0.0.",
        "{\"moveGain\":101} | Field 'moveGain' must be between 0.1 and 100 points; got 101.0.",
        "{\"maxMoves\":0} | Field 'maxMoves' must be between 1 and 64; got 0.",
        "{\"coolDownMinutes\":-5} | Field 'coolDownMinutes' must be between 0 and 10080 minutes; got -5."})
    void aPolicyThatCannotBeIsA422AndNothingChanges(String body, String sentence) {
        TestServer.Reply reply = server.put("/api/v1/clusters/cluster-1/balancing", body);

        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.json().get("detail").asText()).isEqualTo(sentence);
        assertThat(server.get("/api/v1/clusters/cluster-1/balancing").json().get("policy").get("mode").asText())
                .isEqualTo("off");
    }

    @Test
    void anUnknownClusterIsA404() {
        assertThat(server.get("/api/v1/clusters/nowhere/balancing").status()).isEqualTo(404);
        assertThat(server.post("/api/v1/clusters/nowhere/balancing/apply", "").status()).isEqualTo(404);
    }

    private List<String> onH1(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            JsonNode done = server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"b" + i + "\",\"vcpus\":1,"
                    + "\"memoryMib\":512,\"hostId\":\"host-1\"}"));
            assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("DONE");
            ids.add(done.get("target").asText());
        }
        return ids;
    }
}
