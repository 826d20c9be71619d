package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.model.VmState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A domain started on a managed host behind Paddock's back shows as an unregistered VM, an open alarm and an
 * audit entry; people adopt it or quarantine it through the API, and the audit log's hash chain holds.
 */
class RogueVmApiTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    TestServer server;
    final String rogue = UUID.randomUUID().toString();

    @BeforeEach
    void startARogueDomain() {
        server.hypervisor.define(TestServer.HOST_1.id(),
                DomainSpec.of(rogue, "miner", 1, 512));
        server.hypervisor.start(TestServer.HOST_1.id(), rogue);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.get("/api/v1/vms/" + rogue).status() == 200);
    }

    @Test
    @DisplayName("the rogue domain is an unregistered VM, an open alarm and an audit entry")
    void flagged() {
        assertThat(server.get("/api/v1/vms/" + rogue).json().get("origin").asText()).isEqualTo("UNREGISTERED");

        JsonNode alarms = awaitItems("/api/v1/alarms?open=true", 1);
        assertThat(alarms.get(0).get("kind").asText()).isEqualTo("vm.unregistered");
        assertThat(alarms.get(0).get("subjectId").asText()).isEqualTo(rogue);
        assertThat(alarms.get(0).get("message").asText()).contains("'miner'", "adopt it or quarantine it");

        JsonNode audit = awaitItems("/api/v1/audit", 1);
        assertThat(audit.get(0).get("action").asText()).isEqualTo("vm.unregistered");
        assertThat(audit.get(0).get("actor").asText()).isEqualTo("inventory");
    }

    @Test
    @DisplayName("an acknowledged alarm leaves the open list and keeps who acknowledged it")
    void acknowledge() {
        String id = awaitItems("/api/v1/alarms?open=true", 1).get(0).get("id").asText();

        TestServer.Reply acknowledged = server.post("/api/v1/alarms/" + id + "/acknowledge", "");

        assertThat(acknowledged.status()).isEqualTo(200);
        assertThat(acknowledged.json().get("acknowledged").get("by").asText()).as("the caller")
                .isEqualTo("admin");
        assertThat(server.get("/api/v1/alarms?open=true").json().get("items")).isEmpty();
        assertThat(server.get("/api/v1/alarms").json().get("items")).hasSize(1);
        assertThat(server.post("/api/v1/alarms/no-such-alarm/acknowledge", "").status()).isEqualTo(404);
    }

    @Test
    @DisplayName("adopting makes the VM managed and leaves the domain running")
    void adopt() {
        JsonNode operation = server.awaitFinal(server.post("/api/v1/vms/" + rogue + "/adopt", ""));

        assertThat(operation.get("state").asText()).isEqualTo("DONE");
        assertThat(server.get("/api/v1/vms/" + rogue).json().get("origin").asText()).isEqualTo("MANAGED");
        assertThat(server.hypervisor.domain(TestServer.HOST_1.id(), rogue).orElseThrow().state())
                .isEqualTo(VmState.RUNNING);
        TestServer.Reply again = server.post("/api/v1/vms/" + rogue + "/adopt", "");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("detail").asText()).isEqualTo("VM 'miner' is managed by Paddock already.");
        assertThat(actions()).contains("vm.adopt");
    }

    @Test
    @DisplayName("quarantining pauses the domain and records the VM as quarantined; a managed VM is refused")
    void quarantine() {
        JsonNode operation = server.awaitFinal(server.post("/api/v1/vms/" + rogue + "/quarantine", ""));

        assertThat(operation.get("state").asText()).isEqualTo("DONE");
        assertThat(server.hypervisor.domain(TestServer.HOST_1.id(), rogue).orElseThrow().state())
                .isEqualTo(VmState.PAUSED);
        JsonNode vm = server.get("/api/v1/vms/" + rogue).json();
        assertThat(vm.get("origin").asText()).isEqualTo("QUARANTINED");
        assertThat(vm.get("state").asText()).isEqualTo("PAUSED");

        String managed = server.createVm("web", 1, 512);
        TestServer.Reply refused = server.post("/api/v1/vms/" + managed + "/quarantine", "");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(actions()).contains("vm.quarantine");
    }

    @Test
    @DisplayName("the audit log verifies, and an entry changed in the database breaks the chain at that entry")
    void auditChain() throws Exception {
        awaitItems("/api/v1/audit", 1);
        server.awaitFinal(server.post("/api/v1/vms/" + rogue + "/adopt", ""));
        JsonNode intact = server.get("/api/v1/audit/verify").json();
        assertThat(intact.get("intact").asBoolean()).isTrue();
        assertThat(intact.get("entries").asLong()).isEqualTo(2);

        try (var connection = server.dataSource().getConnection(); var statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE audit SET detail = 'nothing happened' WHERE seq = 1");
        }

        JsonNode broken = server.get("/api/v1/audit/verify").json();
        assertThat(broken.get("intact").asBoolean()).isFalse();
        assertThat(broken.get("firstBrokenSeq").asLong()).isEqualTo(1);
        assertThat(broken.get("reason").asText()).isEqualTo("entry 1 was changed after it was written: its HMAC does not"
                + " hold");
        assertThat(broken.get("fault").asText()).isEqualTo("EDITED");
    }

    private List<String> actions() {
        List<String> actions = new ArrayList<>();
        server.get("/api/v1/audit").json().get("items").forEach(entry -> actions.add(entry.get("action").asText()));
        return actions;
    }

    private JsonNode awaitItems(String path, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> server.get(path).json().get("items").size() >= count);
        return server.get(path).json().get("items");
    }
}
