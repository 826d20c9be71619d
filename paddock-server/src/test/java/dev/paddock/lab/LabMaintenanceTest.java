package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.libvirt.LabAwait;
import dev.paddock.libvirt.LabExtension;
import dev.paddock.model.VmState;
import dev.paddock.server.PaddockServer;
import dev.paddock.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Maintenance on real libvirt hosts, through the REST API: a host running six VMs is emptied by live migrations the
 * placement engine plans (four at a time, the next as soon as one ends), each guest's heartbeat ticking on its new host; a host whose VM
 * fits nowhere else refuses to enter maintenance with the engine's sentence, and nothing moves.
 */
@Tag("lab")
class LabMaintenanceTest {

    @RegisterExtension
    static final LabExtension LAB = new LabExtension();

    @TempDir
    static Path directory;

    private static final Duration EVACUATION = Duration.ofSeconds(240);

    private static PaddockServer server;
    private static LabPaddock paddock;
    private static LabPaddock.Registered lab;

    private final List<LabPaddock.SeededVm> seeded = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        server = PaddockServer.start(ServerConfig.inDirectory(directory, "127.0.0.1", 0, ServerConfig.Room.EMPTY)
                .withLibvirtSharedDirectory(LAB.lab().shared()));
        paddock = new LabPaddock(server.url());
        lab = paddock.register(LAB.lab(), Duration.ofSeconds(10));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    /** Every host out of maintenance; the test's VMs deleted. */
    @AfterEach
    void restore() {
        for (int n = 1; n <= 3; n++) {
            paddock.post("/api/v1/hosts/" + lab.host(n) + "/maintenance", "{\"action\":\"exit\"}");
        }
        for (LabPaddock.SeededVm vm : seeded) {
            paddock.delete("/api/v1/vms/" + vm.id() + "?force=true");
            LabAwait.until("VM " + vm.name() + " deleted", Duration.ofSeconds(60),
                    () -> paddock.get("/api/v1/vms/" + vm.id()).status() == 404);
        }
    }

    @Test
    @DisplayName("maintenance on a host running 6 VMs migrates them all live, 4 at a time, heartbeats ticking")
    void sixVmsLeaveTheHostLiveAndItEndsEmpty() {
        String h1 = lab.host(1);
        for (int i = 1; i <= 6; i++) {
            // 300 millicores each: the six fit on h1 (2 cores) and on h2 and h3 together
            seeded.add(LabPaddock.seed(server.parts(), LAB.lab().shared(), lab.clusterId(), lab.datastoreId(), h1,
                    "evac-" + i, 0, 300));
        }
        for (LabPaddock.SeededVm vm : seeded) {
            LabAwait.until("the second heartbeat of " + vm.name(), Duration.ofSeconds(90),
                    () -> LAB.lab().heartbeat(vm.disk()).orElse(0) >= 2);
        }

        LabPaddock.Reply entered = paddock.post("/api/v1/hosts/" + h1 + "/maintenance", "{\"action\":\"enter\"}");

        assertThat(entered.status()).as(entered.body()).isEqualTo(200);
        String operation = entered.json().get("operation").asText();
        LabAwait.until("the evacuation finished", EVACUATION, () -> paddock.get(operation).json().get("state")
                .asText().matches("DONE|FAILED|ROLLED_BACK|CANCELLED"));
        JsonNode evacuation = paddock.get(operation).json();
        assertThat(evacuation.get("state").asText()).as(evacuation.toString()).isEqualTo("DONE");
        assertThat(evacuation.get("steps")).as("one step: the six migrations, four at a time").hasSize(1);
        assertThat(evacuation.get("steps").get(0).get("description").asText()).startsWith("4 at a time:");

        Map<String, Long> beatAfterMove = new HashMap<>();
        for (LabPaddock.SeededVm vm : seeded) {
            int on = runningOn(vm.id()).orElseThrow(() -> new AssertionError(vm.name() + " runs nowhere"));
            assertThat(on).as(vm.name() + " runs on another host").isNotEqualTo(1);
            assertThat(paddock.get("/api/v1/vms/" + vm.id()).json().get("hostId").asText())
                    .as("Paddock records " + vm.name() + " where libvirt runs it").isEqualTo(lab.host(on));
            beatAfterMove.put(vm.id(), LAB.lab().heartbeat(vm.disk()).orElse(0));
        }
        for (LabPaddock.SeededVm vm : seeded) {
            LabAwait.until("a heartbeat of " + vm.name() + " on its new host", Duration.ofSeconds(30),
                    () -> LAB.lab().heartbeat(vm.disk()).orElse(0) > beatAfterMove.get(vm.id()));
        }
        List<DomainInfo> left = server.parts().hypervisor().domains(h1);
        assertThat(left).as("h1 runs nothing").noneMatch(d -> d.state() == VmState.RUNNING
                || d.state() == VmState.PAUSED);
        assertThat(paddock.get("/api/v1/hosts/" + h1).json().get("state").asText()).isEqualTo("MAINTENANCE");

        JsonNode exited = paddock.post("/api/v1/hosts/" + h1 + "/maintenance", "{\"action\":\"exit\"}").json();
        assertThat(exited.get("changed").asBoolean()).isTrue();
        assertThat(paddock.get("/api/v1/hosts/" + h1).json().get("state").asText()).isEqualTo("CONNECTED");
    }

    @Test
    @DisplayName("a host whose VM fits nowhere else refuses maintenance with the engine's sentence; nothing moves")
    void aVmThatFitsNowhereElseRefusesTheRequest() {
        seeded.add(LabPaddock.seed(server.parts(), LAB.lab().shared(), lab.clusterId(), lab.datastoreId(),
                lab.host(2), "filler-2", 0, 1_200));
        seeded.add(LabPaddock.seed(server.parts(), LAB.lab().shared(), lab.clusterId(), lab.datastoreId(),
                lab.host(3), "filler-3", 0, 1_200));
        LabPaddock.SeededVm wide = LabPaddock.seed(server.parts(), LAB.lab().shared(), lab.clusterId(),
                lab.datastoreId(), lab.host(1), "wide", 0, 1_500);
        seeded.add(wide);
        int operations = paddock.get("/api/v1/operations").json().get("total").asInt();

        LabPaddock.Reply refused = paddock.post("/api/v1/hosts/" + lab.host(1) + "/maintenance",
                "{\"action\":\"enter\"}");

        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        // hosts are named in the room's order, which follows their ids
        assertThat(refused.json().get("detail").asText()).startsWith("No host of cluster 'lab' has room for VM 'wide':")
                .contains("h2: not enough cpu (millicores): needs 1500, 800 free")
                .contains("h3: not enough cpu (millicores): needs 1500, 800 free").endsWith(".");
        assertThat(paddock.get("/api/v1/operations").json().get("total").asInt()).isEqualTo(operations);
        assertThat(paddock.get("/api/v1/hosts/" + lab.host(1)).json().get("state").asText()).isEqualTo("CONNECTED");
        assertThat(runningOn(wide.id())).contains(1);
    }

    /** The lab host (1..3) whose libvirt runs the domain, if one does. */
    private static Optional<Integer> runningOn(String uuid) {
        for (int n = 1; n <= 3; n++) {
            boolean running = server.parts().hypervisor().domain(lab.host(n), uuid)
                    .filter(d -> d.state() == VmState.RUNNING).isPresent();
            if (running) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }
}
