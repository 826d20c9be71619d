package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.libvirt.LabAwait;
import dev.paddock.model.VmState;
import dev.paddock.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Paddock managing the lab's hosts over {@code qemu+tls://} with the lab CA's client certificate: hosts added,
 * a VM run and migrated live through REST; a host whose client certificate is of another CA is not added; a host
 * added with a credential kept sealed by Paddock ({@code ?credential=NAME}) connects the same way.
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
            assertThat(host.get("uri").asText()).startsWith("qemu+tls://").containsAnyOf("pkipath=", "credential=");
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

    @Test
    @DisplayName("a host added with a sealed credential connects over TLS; a credential of another CA is refused")
    void hostAddedWithASealedCredential() throws Exception {
        var paddock = LAB.paddock();
        int n = LAB.lab().hosts().size();
        String address = LAB.lab().tlsUri(n).replaceFirst("^qemu\\+tls://([^/]+)/.*$", "$1");
        String key = Files.readString(pki(LAB.lab().tlsUri(n)).resolve("clientkey.pem"));
        LabPaddock.Reply kept = paddock.post("/api/v1/libvirt-credentials", credential("lab-client",
                pki(LAB.lab().tlsUri(n))));
        LabPaddock.Reply rogue = paddock.post("/api/v1/libvirt-credentials", credential("other-ca",
                pki(LAB.lab().rogueTlsUri(n))));
        assertThat(kept.status()).as(kept.body()).isEqualTo(201);
        assertThat(rogue.status()).as(rogue.body()).isEqualTo(201);

        LabPaddock.Reply refused = paddock.post("/api/v1/hosts", "{\"clusterId\":\"" + LAB.registered().clusterId()
                + "\",\"name\":\"rogue-sealed\",\"uri\":\"qemu+tls://" + address + "/system?credential=other-ca\"}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(422);
        assertThat(refused.json().get("detail").asText()).contains("TLS");

        String old = LAB.registered().host(n);
        LabPaddock.Reply removed = paddock.delete("/api/v1/hosts/" + old);
        assertThat(removed.status()).as(removed.body()).isEqualTo(204);
        LabPaddock.Reply added = paddock.post("/api/v1/hosts", "{\"clusterId\":\"" + LAB.registered().clusterId()
                + "\",\"name\":\"sealed-h" + n + "\",\"uri\":\"qemu+tls://" + address
                + "/system?credential=lab-client\"}");
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        JsonNode host = added.json();
        assertThat(host.get("state").asText()).isEqualTo("CONNECTED");
        assertThat(host.get("capacity").get("memoryMib").asLong()).isPositive();
        assertThat(host.get("uri").asText()).isEqualTo("qemu+tls://" + address + "/system?credential=lab-client");
        String keyLine = key.lines().filter(line -> !line.startsWith("-----")).findFirst().orElseThrow();
        for (LabPaddock.Reply reply : List.of(kept, added, paddock.get("/api/v1/libvirt-credentials"),
                paddock.get("/api/v1/hosts"), paddock.get("/api/v1/audit"))) {
            assertThat(reply.body()).doesNotContain(keyLine);
        }
        LabPaddock.Reply inUse = paddock.delete("/api/v1/libvirt-credentials/lab-client");
        assertThat(inUse.status()).isEqualTo(409);
        assertThat(paddock.delete("/api/v1/libvirt-credentials/other-ca").status()).isEqualTo(204);
    }

    /** The pkipath directory a lab URI names. */
    private static Path pki(String uri) {
        return Path.of(uri.substring(uri.indexOf("pkipath=") + "pkipath=".length()));
    }

    private static String credential(String name, Path pki) throws Exception {
        return Json.mapper().writeValueAsString(Map.of("name", name, "kind", "tls",
                "caCertificate", Files.readString(pki.resolve("cacert.pem")),
                "clientCertificate", Files.readString(pki.resolve("clientcert.pem")),
                "clientKey", Files.readString(pki.resolve("clientkey.pem"))));
    }
}
