package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.cli.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HA through HTTP and the command line: admission control refusing a start with its sentence, cluster and VM HA
 * settings, fence devices whose secrets never come back, maintenance, HA's status and decisions.
 */
class HaApiTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    TestServer server;

    private TestServer.Reply put(String path, String json) {
        return server.send(HttpRequest.newBuilder(server.url().resolve(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    private String paddock(String... args) {
        StringWriter out = new StringWriter();
        int status = Cli.run(args, new PrintWriter(out), new PrintWriter(new StringWriter()),
                Map.of("PADDOCK_URL", server.url().toString(), "PADDOCK_TOKEN", server.adminToken));
        assertThat(status).as(String.join(" ", args)).isZero();
        return out.toString();
    }

    @Test
    void aProtectedVmWhoseStartWouldBreakTheFailurePromiseIsRefusedWithTheReason() {
        // two hosts of 8 vCPUs, tolerating one failure: one 6-vCPU protected VM can move, two cannot
        TestServer.Reply first = server.post("/api/v1/vms", "{\"name\":\"db-1\",\"vcpus\":6,\"memoryMib\":2048,"
                + "\"haPriority\":10}");
        server.awaitFinal(first);

        TestServer.Reply second = server.post("/api/v1/vms", "{\"name\":\"db-2\",\"vcpus\":6,\"memoryMib\":2048,"
                + "\"haPriority\":10}");

        assertThat(second.status()).isEqualTo(409);
        assertThat(second.contentType()).startsWith("application/problem+json");
        assertThat(second.json().get("detail").asText())
                .startsWith("starting VM db-2 on ")
                .contains("is refused: cluster cluster-1 could not tolerate 1 host failure")
                .contains("db-1");
        JsonNode clusterHa = server.get("/api/v1/clusters/cluster-1/ha").json();
        assertThat(clusterHa.get("admitted").asBoolean()).isTrue();
    }

    @Test
    void anUnprotectedVmStartsWhereAProtectedOneWouldBeRefused() {
        server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"db-1\",\"vcpus\":6,\"memoryMib\":2048,"
                + "\"haPriority\":10}"));

        TestServer.Reply batch = server.post("/api/v1/vms", "{\"name\":\"batch\",\"vcpus\":1,\"memoryMib\":1024}");

        assertThat(batch.status()).isEqualTo(202);
    }

    @Test
    void aClusterCanBePausedAndItsWindowChangedAndBadValuesAreRefused() {
        TestServer.Reply changed = put("/api/v1/clusters/cluster-1/ha",
                "{\"paused\":true,\"detectionWindowSeconds\":2}");

        assertThat(changed.status()).isEqualTo(200);
        JsonNode ha = server.get("/api/v1/clusters/cluster-1/ha").json();
        assertThat(ha.get("paused").asBoolean()).isTrue();
        assertThat(ha.get("enabled").asBoolean()).isTrue();
        assertThat(ha.get("detectionWindowSeconds").asLong()).isEqualTo(2);
        assertThat(ha.get("toleratedHostFailures").asInt()).isEqualTo(1);
        TestServer.Reply zero = put("/api/v1/clusters/cluster-1/ha", "{\"detectionWindowSeconds\":0}");
        assertThat(zero.status()).isEqualTo(422);
        assertThat(zero.json().get("detail").asText()).contains("detectionWindowSeconds");
        assertThat(put("/api/v1/clusters/cluster-1/ha", "{\"pause\":true}").status()).isEqualTo(400);
        assertThat(server.get("/api/v1/ha/events").body()).contains("ha.cluster.set", "paused");
    }

    @Test
    void aFenceDevicesSecretsAreStoredButNeverReturned() {
        TestServer.Reply set = put("/api/v1/hosts/host-1/fence", "{\"agent\":\"fence_ipmilan\",\"options\":"
                + "{\"ip\":\"10.0.0.11\",\"username\":\"admin\",\"password\":\"s3cret-pw\"}}");

        assertThat(set.status()).isEqualTo(200);
        assertThat(set.json().get("options").get("password").asText()).isEqualTo("(set)");
        assertThat(set.json().get("options").get("ip").asText()).isEqualTo("10.0.0.11");
        TestServer.Reply read = server.get("/api/v1/hosts/host-1/fence");
        assertThat(read.body()).doesNotContain("s3cret-pw").contains("fence_ipmilan");
        assertThat(server.get("/api/v1/ha/events").body()).contains("ha.fence.configured").doesNotContain("s3cret-pw");
        assertThat(server.get("/api/v1/audit").body()).doesNotContain("s3cret-pw");
        assertThat(server.ha.settings().fenceDevice("host-1").orElseThrow().options()).containsEntry("password",
                "s3cret-pw");
        assertThat(put("/api/v1/hosts/host-1/fence", "{\"agent\":\"fence_ipmilan\",\"options\":{\"action\":\"off\"}}")
                .status()).isEqualTo(422);
        assertThat(server.delete("/api/v1/hosts/host-1/fence").status()).isEqualTo(204);
        assertThat(server.get("/api/v1/hosts/host-1/fence").status()).isEqualTo(404);
    }

    @Test
    void aVmsHaCanBeDisabledAndEnabledAgainKeepingItsPriority() {
        String vm = server.createVm("web-1", 1, 1024);

        assertThat(put("/api/v1/vms/" + vm + "/ha", "{\"priority\":5}").json().get("enabled").asBoolean()).isTrue();
        assertThat(server.get("/api/v1/vms/" + vm).json().get("haPriority").asInt()).isEqualTo(5);
        put("/api/v1/vms/" + vm + "/ha", "{\"enabled\":false}");
        assertThat(server.get("/api/v1/vms/" + vm).json().get("haPriority").asInt()).isZero();
        assertThat(server.get("/api/v1/vms/" + vm + "/ha").json().get("priority").asInt()).isEqualTo(5);
        put("/api/v1/vms/" + vm + "/ha", "{\"enabled\":true}");
        assertThat(server.get("/api/v1/vms/" + vm).json().get("haPriority").asInt()).isEqualTo(5);
        assertThat(put("/api/v1/vms/" + vm + "/ha", "{\"priority\":0,\"enabled\":true}").status()).isEqualTo(422);
    }

    @Test
    void aHostEntersAndLeavesMaintenanceFromTheCommandLine() {
        assertThat(paddock("host", "maintenance", "enter", "h1")).contains("Host h1 is now in maintenance.");
        assertThat(server.get("/api/v1/hosts/host-1").json().get("state").asText()).isEqualTo("MAINTENANCE");
        assertThat(paddock("host", "maintenance", "enter", "h1")).contains("Host h1 was already in maintenance.");
        assertThat(paddock("ha", "status")).startsWith("HOST").contains("h1", "h2");

        assertThat(paddock("host", "maintenance", "exit", "h1")).contains("Host h1 is now out of maintenance.");
        assertThat(server.get("/api/v1/hosts/host-1").json().get("state").asText()).isEqualTo("CONNECTED");
        assertThat(server.get("/api/v1/ha/events").body()).contains("ha.maintenance.enter", "ha.maintenance.exit");
        assertThat(server.post("/api/v1/hosts/host-1/maintenance", "{\"action\":\"later\"}").status()).isEqualTo(422);
    }
}
