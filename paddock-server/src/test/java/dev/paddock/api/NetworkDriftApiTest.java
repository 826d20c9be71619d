package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.hypervisor.HostNetwork;
import dev.paddock.hypervisor.NetworkSpec;
import dev.paddock.model.Network;
import dev.paddock.network.NetworkKeeper;
import java.time.Duration;
import java.util.OptionalInt;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A network whose hosts disagree: host-2's libvirt network "vlan10" laid anew in VLAN 20 behind Paddock's back. The
 * inventory finds it, the network shows the drift, no VM joins it there, and a repair lays it as the others do.
 */
class NetworkDriftApiTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    TestServer server;

    private final String id = Network.idFor("site-1", "vlan10");

    @BeforeEach
    void vlan10OnTwoHostsThenHost2InVlan20() {
        server.awaitFinal(server.post("/api/v1/networks", "{\"siteId\":\"site-1\",\"name\":\"vlan10\",\"hosts\":["
                + "\"h1\",\"h2\"],\"switch\":\"sw0\",\"vlan\":10}"));
        server.hypervisor.undefineNetwork("host-2", "vlan10");
        server.hypervisor.defineNetwork("host-2", NetworkSpec.overSwitch("vlan10", "sw0", OptionalInt.of(20)));
        Awaitility.await("the inventory finds host-2's VLAN").atMost(Duration.ofSeconds(10))
                .until(() -> !server.store.network(id).orElseThrow().drift().isEmpty());
    }

    @Test
    void theNetworkShowsWhichHostLaysItOtherwise() {
        JsonNode network = server.get("/api/v1/networks/" + id).json();

        assertThat(network.get("vlan").asInt()).as("as its maker said").isEqualTo(10);
        assertThat(network.get("agreedLayout").toString()).isEqualTo("{\"bridge\":\"sw0\",\"openvswitch\":true,"
                + "\"vlan\":10}");
        assertThat(network.get("drift").toString()).isEqualTo("{\"host-2\":{\"bridge\":\"sw0\",\"openvswitch\":true,"
                + "\"vlan\":20}}");
    }

    @Test
    void aVmIsNotJoinedToTheNetworkOnTheHostThatLaysItOtherwise() {
        TestServer.Reply reply = server.post("/api/v1/vms", "{\"name\":\"astray\",\"vcpus\":1,\"memoryMib\":512,"
                + "\"hostId\":\"host-2\",\"nics\":[{\"network\":\"vlan10\"}]}");

        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.json().get("detail").asText()).startsWith("Host 'h2' has no room for VM 'astray': network"
                + " vlan10 of NIC ").endsWith(" is laid on switch sw0 in VLAN 20 on the host, where its other hosts lay"
                + " it on switch sw0 in VLAN 10.");
        JsonNode placed = server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"joined\",\"vcpus\":1,"
                + "\"memoryMib\":512,\"nics\":[{\"network\":\"vlan10\"}]}"));
        assertThat(server.get("/api/v1/vms/" + placed.get("target").asText()).json().get("hostId").asText())
                .isEqualTo("host-1");
    }

    @Test
    void aRepairLaysItAnewOnTheHostThatDisagreed() {
        JsonNode repair = server.awaitFinal(server.post("/api/v1/networks/" + id + "/repair", ""));

        assertThat(repair.get("state").asText()).as(repair.toString()).isEqualTo("DONE");
        assertThat(server.steps(repair)).containsExactly("undefine network vlan10 on host-2",
                "define network vlan10 on host-2 over switch sw0 in VLAN 10",
                "record network vlan10 in inventory, carried by host-1, host-2");
        HostNetwork held = server.hypervisor.networks("host-2").stream().filter(n -> n.name().equals("vlan10"))
                .findFirst().orElseThrow();
        assertThat(held.vlan()).hasValue(10);
        assertThat(server.get("/api/v1/networks/" + id).json().get("drift").toString()).isEqualTo("{}");
        TestServer.Reply again = server.post("/api/v1/networks/" + id + "/repair", "");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("detail").asText()).isEqualTo("The hosts of network 'vlan10' agree: all lay it on"
                + " switch sw0 in VLAN 10. Nothing to repair.");
    }

    @Test
    void aRepairIsRefusedWhileAVmRunsThereOnTheNetwork() {
        server.hypervisor.undefineNetwork("host-2", "vlan10");
        server.hypervisor.defineNetwork("host-2", NetworkSpec.overSwitch("vlan10", "sw0", OptionalInt.of(10)));
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> server.store.network(id).orElseThrow().drift().isEmpty());
        server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"tenant\",\"vcpus\":1,\"memoryMib\":512,"
                + "\"hostId\":\"host-2\",\"nics\":[{\"network\":\"vlan10\"}]}"));
        server.hypervisor.undefineNetwork("host-2", "vlan10");
        server.hypervisor.defineNetwork("host-2", NetworkSpec.overSwitch("vlan10", "sw0", OptionalInt.of(20)));
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> !server.store.network(id).orElseThrow().drift().isEmpty());

        TestServer.Reply reply = server.post("/api/v1/networks/" + id + "/repair", "");

        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.json().get("detail").asText()).isEqualTo("VM 'tenant' runs on host h2 with a NIC on network"
                + " 'vlan10': stop or migrate it before the network is laid anew there.");
    }

    @Test
    void theKeeperLaysItAnewByItselfWhenNoVmRunsThereOnIt() {
        try (NetworkKeeper keeper = keeper()) {
            keeper.round();
        }

        Awaitility.await("the keeper's repair").atMost(Duration.ofSeconds(10))
                .until(() -> server.store.network(id).orElseThrow().drift().isEmpty());
        assertThat(server.hypervisor.networks("host-2").stream().filter(n -> n.name().equals("vlan10")).findFirst()
                .orElseThrow().vlan()).hasValue(10);
    }

    @Test
    void theKeeperRaisesAnAlarmWhileAVmRunsThereOnItAndClearsItOnceTheHostsAgree() {
        server.hypervisor.undefineNetwork("host-2", "vlan10");
        server.hypervisor.defineNetwork("host-2", NetworkSpec.overSwitch("vlan10", "sw0", OptionalInt.of(10)));
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> server.store.network(id).orElseThrow().drift().isEmpty());
        String vm = server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"tenant\",\"vcpus\":1,"
                + "\"memoryMib\":512,\"hostId\":\"host-2\",\"nics\":[{\"network\":\"vlan10\"}]}")).get("target").asText();
        server.hypervisor.undefineNetwork("host-2", "vlan10");
        server.hypervisor.defineNetwork("host-2", NetworkSpec.overSwitch("vlan10", "sw0", OptionalInt.of(20)));
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> !server.store.network(id).orElseThrow().drift().isEmpty());

        try (NetworkKeeper keeper = keeper()) {
            keeper.round();
            keeper.round();
            JsonNode alarms = server.get("/api/v1/alarms").json().get("items");
            assertThat(alarms).hasSize(1);
            assertThat(alarms.get(0).get("kind").asText()).isEqualTo(NetworkKeeper.ALARM);
            assertThat(alarms.get(0).get("message").asText()).isEqualTo("Network 'vlan10' is laid otherwise on some"
                    + " of its hosts and cannot be laid anew now: VM 'tenant' runs on host h2 with a NIC on network"
                    + " 'vlan10': stop or migrate it before the network is laid anew there.");

            server.awaitFinal(server.post("/api/v1/vms/" + vm + "/stop?force=true", ""));
            keeper.round();
            Awaitility.await("the keeper's repair").atMost(Duration.ofSeconds(10))
                    .until(() -> server.store.network(id).orElseThrow().drift().isEmpty());
            keeper.round();
        }
        assertThat(server.get("/api/v1/alarms").json().get("items").get(0).get("cleared").get("reason").asText())
                .isEqualTo("its hosts agree again");
    }

    private NetworkKeeper keeper() {
        return new NetworkKeeper(new NetworkKeeper.Wiring(server.store::room, server.operations,
                server.oversight.alarms(), java.time.Clock.systemUTC()), Duration.ofMinutes(1));
    }
}
