package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.model.Host;
import dev.paddock.model.HostCpu;
import dev.paddock.model.HostState;
import dev.paddock.model.PowerState;
import dev.paddock.model.Resources;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Placement keeps a running VM on its host's CPU: h1 and h3 have an Intel Skylake, h2 (the emptiest, which balancing
 * would choose) an AMD EPYC, as each simulated host's facts report them.
 */
class CpuPlacementApiTest {

    static final HostCpu SKYLAKE = new HostCpu("Intel", "Skylake-Client-IBRS", Set.of("avx512f", "pku"));
    static final HostCpu EPYC = new HostCpu("AMD", "EPYC-Rome", Set.of("sha-ni"));

    @TempDir
    Path directory;

    TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.withRoom(directory, TestServer.CLUSTER, List.of(host("host-1", "h1", 8, SKYLAKE),
                host("host-2", "h2", 32, EPYC), host("host-3", "h3", 8, SKYLAKE)));
    }

    @AfterEach
    void stop() {
        server.ha.close();
        server.close();
    }

    @Test
    @DisplayName("a migration without a target goes to the host with the VM's CPU, not to the emptiest")
    void migrationChoosesTheSameCpu() {
        String web = created("web");

        JsonNode done = server.awaitFinal(server.post("/api/v1/vms/" + web + "/migrate", ""));

        assertThat(done.get("state").asText()).isEqualTo("DONE");
        assertThat(hostOf(web)).isEqualTo("host-3");
    }

    @Test
    @DisplayName("a target with another CPU is a 409 with the filter's sentence, and nothing is started")
    void namedTargetWithAnotherCpu() {
        String web = created("web");
        int operations = server.get("/api/v1/operations").json().get("total").asInt();

        TestServer.Reply reply = server.post("/api/v1/vms/" + web + "/migrate", "{\"hostId\":\"h2\"}");

        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.json().get("detail").asText()).isEqualTo("Host 'h2' has no room for VM 'web': host has an"
                + " AMD EPYC-Rome CPU, the VM runs on h1's Intel Skylake-Client-IBRS.");
        assertThat(server.get("/api/v1/operations").json().get("total").asInt()).isEqualTo(operations);
        assertThat(hostOf(web)).isEqualTo("host-1");
    }

    @Test
    @DisplayName("a host's evacuation moves its VMs onto their CPU")
    void evacuationChoosesTheSameCpu() {
        String web = created("web");

        JsonNode state = server.post("/api/v1/hosts/host-1/maintenance", "{\"action\":\"enter\"}").json();
        TestServer.Reply evacuation = new TestServer.Reply(202, "", state.get("operation").asText(),
                server.get(state.get("operation").asText()).body());

        assertThat(server.awaitFinal(evacuation).get("state").asText()).isEqualTo("DONE");
        assertThat(hostOf(web)).isEqualTo("host-3");
    }

    @Test
    @DisplayName("a host shows the CPU its hypervisor reported")
    void hostShowsItsCpu() {
        JsonNode cpu = server.get("/api/v1/hosts/host-2").json().get("cpu");

        assertThat(cpu.get("vendor").asText()).isEqualTo("AMD");
        assertThat(cpu.get("model").asText()).isEqualTo("EPYC-Rome");
        assertThat(cpu.get("features")).extracting(JsonNode::asText).containsExactly("sha-ni");
    }

    private static Host host(String id, String name, int vcpus, HostCpu cpu) {
        return new Host(id, TestServer.CLUSTER.id(), name, "sim://" + name, Resources.of(vcpus * 1_000L, 65_536, 500,
                10_000), HostState.CONNECTED, PowerState.ON, Set.of(), cpu);
    }

    private String created(String name) {
        TestServer.Reply reply = server.post("/api/v1/vms", "{\"name\":\"" + name + "\",\"vcpus\":1,"
                + "\"memoryMib\":1024,\"hostId\":\"host-1\"}");
        server.awaitFinal(reply);
        return reply.json().get("target").asText();
    }

    private String hostOf(String vmId) {
        return server.get("/api/v1/vms/" + vmId).json().get("hostId").asText();
    }
}
