package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.hypervisor.PortGuard;
import dev.paddock.model.Nic;
import dev.paddock.network.SwitchKeeper;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the switch keeper gives the hosts' switches, read from VMs and networks made through REST: every NIC on a
 * switch guarded against spoofing with the addresses it was given, an isolated network's NICs unreachable from each
 * other, a trusted NIC unguarded; a mirror a restart lost is put back.
 */
class SwitchGuardApiTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    TestServer server;

    @Test
    void theSwitchesOfTheHostsGuardEveryNicAsItsRecordSays() {
        server.awaitFinal(server.post("/api/v1/networks", "{\"siteId\":\"site-1\",\"name\":\"iso\",\"hosts\":[\"h1\","
                + "\"h2\"],\"switch\":\"sw0\",\"vlan\":30,\"isolated\":true}"));
        String a = create("a", "host-1", "{\"network\":\"iso\",\"mac\":\"52:54:00:00:30:0a\",\"addresses\":[\"10.0.30.10\"]}");
        create("b", "host-2", "{\"network\":\"iso\",\"mac\":\"52:54:00:00:30:0b\"}");
        create("c", "host-1", "{\"network\":\"iso\",\"mac\":\"52:54:00:00:30:0c\",\"trusted\":true}");
        assertThat(server.get("/api/v1/vms/" + a).json().get("nics").get(0).get("addresses").get(0).asText())
                .isEqualTo("10.0.30.10");

        try (SwitchKeeper keeper = new SwitchKeeper(server.store::room, server.hypervisor, Duration.ofMinutes(1))) {
            keeper.round();
        }

        assertThat(server.hypervisor.switchGuards("host-1", "sw0")).containsExactlyInAnyOrder(
                new PortGuard("52:54:00:00:30:0a", List.of("10.0.30.10"), false,
                        Set.of("52:54:00:00:30:0b", "52:54:00:00:30:0c")),
                new PortGuard("52:54:00:00:30:0c", List.of(), true, Set.of("52:54:00:00:30:0a", "52:54:00:00:30:0b")));
        assertThat(server.hypervisor.switchGuards("host-2", "sw0")).containsExactly(
                new PortGuard("52:54:00:00:30:0b", List.of(), false, Set.of("52:54:00:00:30:0a", "52:54:00:00:30:0c")));
    }

    @Test
    void aMirrorTheSwitchLostWhenItsVmRestartedIsPutBack() {
        server.awaitFinal(server.post("/api/v1/networks", "{\"siteId\":\"site-1\",\"name\":\"vlan10\",\"hosts\":["
                + "\"h1\"],\"switch\":\"sw0\",\"vlan\":10}"));
        String id = create("watched", "host-1", "{\"network\":\"vlan10\",\"mac\":\"52:54:00:00:10:01\"}");
        server.awaitFinal(server.put("/api/v1/vms/" + id + "/nics/52:54:00:00:10:01/mirror", "{\"port\":\"ids0\"}"));
        server.awaitFinal(server.post("/api/v1/vms/" + id + "/stop?force=true", ""));
        server.awaitFinal(server.post("/api/v1/vms/" + id + "/start", ""));
        assertThat(server.hypervisor.nicMirror("host-1", id, "52:54:00:00:10:01")).as("lost with the port").isEmpty();

        try (SwitchKeeper keeper = new SwitchKeeper(server.store::room, server.hypervisor, Duration.ofMinutes(1))) {
            keeper.round();
        }

        assertThat(server.hypervisor.nicMirror("host-1", id, "52:54:00:00:10:01"))
                .contains(new Nic.Mirror("ids0", Nic.Direction.BOTH));
    }

    @Test
    void anAddressThatIsNoIpv4AddressIsA422AndNothingIsMade() {
        server.awaitFinal(server.post("/api/v1/networks", "{\"siteId\":\"site-1\",\"name\":\"vlan10\",\"hosts\":["
                + "\"h1\"],\"switch\":\"sw0\",\"vlan\":10}"));

        TestServer.Reply reply = server.post("/api/v1/vms", "{\"name\":\"bad\",\"vcpus\":1,\"memoryMib\":512,"
                + "\"nics\":[{\"network\":\"vlan10\",\"addresses\":[\"10.0.0.300\"]}]}");

        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.json().get("detail").asText()).isEqualTo("Field 'nics[0].addresses[0]' is not an IPv4"
                + " address such as 10.0.0.5: '10.0.0.300'.");
        assertThat(server.get("/api/v1/vms").json().toString()).doesNotContain("bad");
    }

    private String create(String name, String host, String nic) {
        JsonNode done = server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"" + name + "\",\"vcpus\":1,"
                + "\"memoryMib\":512,\"hostId\":\"" + host + "\",\"nics\":[" + nic + "]}"));
        assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("DONE");
        return done.get("target").asText();
    }
}
