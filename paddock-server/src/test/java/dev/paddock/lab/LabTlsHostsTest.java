package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.libvirt.LabAwait;
import dev.paddock.model.VmState;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Paddock managing the lab's hosts over {@code qemu+tls://} with the lab CA's client certificate: hosts added,
 * a VM run and migrated live through REST; a host whose client certificate is of another CA is not added.
 */
@Tag("lab")
class LabTlsHostsTest {

    @RegisterExtension
    static final LabServer LAB = new LabServer(Duration.ofSeconds(10), true);

    @Test
    @DisplayName("hosts added over TLS are connected, run a VM, and migrate it live through REST")
    void hostsManagedOverTls() {
        var paddock = LAB.paddock();
        var lab = LAB.registered();
        for (JsonNode host : paddock.get("/api/v1/hosts").json().get("items")) {
            assertThat(host.get("uri").asText()).startsWith("qemu+tls://").contains("pkipath=");
            assertThat(host.get("state").asText()).isEqualTo("CONNECTED");
        }
        LabPaddock.SeededVm vm = LabPaddock.seed(LAB.server().parts(), LAB.lab().shared(), lab.clusterId(),
                lab.datastoreId(), lab.host(1), "over-tls", 0);
        try {
            LabAwait.until("the first heartbeat of " + vm.name(), Duration.ofSeconds(90),
                    () -> LAB.lab().heartbeat(vm.disk()).orElse(0) >= 1);

            LabPaddock.Reply accepted = paddock.post("/api/v1/vms/" + vm.id() + "/migrate",
                    "{\"hostId\":\"" + lab.host(2) + "\"}");

            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            String operation = "/api/v1/operations/" + accepted.json().get("id").asText();
            LabAwait.until("the migration over TLS", Duration.ofSeconds(120),
                    () -> paddock.get(operation).json().get("isFinal").asBoolean());
            assertThat(paddock.get(operation).json().get("state").asText()).isEqualTo("DONE");
            assertThat(LAB.server().parts().hypervisor().domain(lab.host(2), vm.id())).map(d -> d.state())
                    .contains(VmState.RUNNING);
            long beat = LAB.lab().heartbeat(vm.disk()).orElseThrow();
            LabAwait.until("a heartbeat on h2", Duration.ofSeconds(30),
                    () -> LAB.lab().heartbeat(vm.disk()).orElse(0) > beat);
        } finally {
            paddock.delete("/api/v1/vms/" + vm.id() + "?force=true");
            LabAwait.until("VM " + vm.name() + " deleted", Duration.ofSeconds(60),
                    () -> paddock.get("/api/v1/vms/" + vm.id()).status() == 404);
        }
    }

    @Test
    @DisplayName("a host reached with a client certificate of another CA is refused with libvirt's sentence")
    void otherCaRefused() {
        LabPaddock.Reply refused = LAB.paddock().post("/api/v1/hosts", "{\"clusterId\":\""
                + LAB.registered().clusterId() + "\",\"name\":\"rogue-h1\",\"uri\":\"" + LAB.lab().rogueTlsUri(1)
                + "\"}");

        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("detail").asText()).startsWith("Field 'uri': no host answers at qemu+tls://")
                .contains("TLS");
        assertThat(LAB.paddock().get("/api/v1/hosts").json().get("items").findValuesAsText("name"))
                .doesNotContain("rogue-h1");
    }
}
