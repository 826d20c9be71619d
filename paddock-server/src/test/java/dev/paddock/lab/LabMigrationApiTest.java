package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.libvirt.LabAwait;
import dev.paddock.libvirt.LabExtension;
import dev.paddock.model.VmState;
import dev.paddock.server.PaddockServer;
import dev.paddock.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live migration asked through the REST API on real libvirt: capped to 1 MiB/s so that copying the guest's
 * memory takes a while, it reports progress from libvirt's job while it runs, and a cancel stops it at once: the
 * operation ends cancelled, the guest keeps running (its heartbeat ticking) on its source and nothing is left on
 * the target.
 */
@Tag("lab")
class LabMigrationApiTest {

    @RegisterExtension
    static final LabExtension LAB = new LabExtension();

    @TempDir
    static Path directory;

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

    @AfterEach
    void deleteVms() {
        for (LabPaddock.SeededVm vm : seeded) {
            paddock.delete("/api/v1/vms/" + vm.id() + "?force=true");
            LabAwait.until("VM " + vm.name() + " deleted", Duration.ofSeconds(60),
                    () -> paddock.get("/api/v1/vms/" + vm.id()).status() == 404);
        }
    }

    @Test
    @DisplayName("a slow migration shows its progress, and a cancel stops it with the guest running at home")
    void aMigrationReportsProgressAndACancelStopsIt() {
        LabPaddock.SeededVm vm = LabPaddock.seed(server.parts(), LAB.lab().shared(), lab.clusterId(),
                lab.datastoreId(), lab.host(1), "slow", 0);
        seeded.add(vm);
        LabAwait.until("the second heartbeat of " + vm.name(), Duration.ofSeconds(90),
                () -> LAB.lab().heartbeat(vm.disk()).orElse(0) >= 2);

        LabPaddock.Reply accepted = paddock.post("/api/v1/vms/" + vm.id() + "/migrate",
                "{\"hostId\":\"h2\",\"bandwidthMibps\":1}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String operation = "/api/v1/operations/" + accepted.json().get("id").asText();
        double[] seen = {0};
        LabAwait.until("progress reported by the running migration", Duration.ofSeconds(60), () -> {
            seen[0] = paddock.get(operation).json().get("progress").asDouble();
            return seen[0] > 0 && seen[0] < 1;
        });
        assertThat(paddock.get(operation).json().get("steps").get(0).get("description").asText())
                .endsWith("at most 1 MiB/s");

        LabPaddock.Reply cancelled = paddock.post(operation + "/cancel", "");

        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(202);
        LabAwait.until("the migration stopped", Duration.ofSeconds(30), () -> paddock.get(operation).json()
                .get("isFinal").asBoolean());
        JsonNode ended = paddock.get(operation).json();
        assertThat(ended.get("state").asText()).as(ended.toString()).isEqualTo("CANCELLED");
        assertThat(server.parts().hypervisor().domain(lab.host(1), vm.id())).map(d -> d.state())
                .contains(VmState.RUNNING);
        assertThat(server.parts().hypervisor().domain(lab.host(2), vm.id())).isEmpty();
        assertThat(paddock.get("/api/v1/vms/" + vm.id()).json().get("hostId").asText()).isEqualTo(lab.host(1));
        long beat = LAB.lab().heartbeat(vm.disk()).orElseThrow();
        LabAwait.until("a heartbeat after the cancel", Duration.ofSeconds(30),
                () -> LAB.lab().heartbeat(vm.disk()).orElse(0) > beat);
    }
}
