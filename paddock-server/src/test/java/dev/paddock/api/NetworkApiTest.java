package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.HostNetwork;
import dev.paddock.hypervisor.NetworkSpec;
import dev.paddock.model.Network;
import dev.paddock.model.Nic;
import java.time.Duration;
import java.util.OptionalInt;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Networks the hosts carry, and VMs with NICs on them: placed where their networks are, MACs unique. */
class NetworkApiTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    TestServer server;

    /** "backend" is carried by h2 alone, as the inventory finds it there. */
    @BeforeEach
    void backendOnH2() {
        server.hypervisor.defineNetwork("host-2", NetworkSpec.isolated("backend"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> server.store
                .network(Network.idFor(TestServer.SITE.id(), "backend")).isPresent());
    }

    @Test
    void aVmWithANicIsPlacedOnAHostThatCarriesItsNetworkWithAMacPaddockMade() {
        JsonNode operation = server.awaitFinal(server.post("/api/v1/vms",
                "{\"name\":\"web\",\"vcpus\":1,\"memoryMib\":512,\"nics\":[{\"network\":\"backend\"}]}"));
        String id = operation.get("target").asText();

        JsonNode vm = server.get("/api/v1/vms/" + id).json();
        String mac = vm.get("nics").get(0).get("mac").asText();
        assertThat(operation.get("state").asText()).isEqualTo("DONE");
        assertThat(vm.get("hostId").asText()).isEqualTo("host-2");
        assertThat(mac).matches("52:54:00(:[0-9a-f]{2}){3}");
        assertThat(vm.get("nics").get(0).get("networkId").asText())
                .isEqualTo(Network.idFor(TestServer.SITE.id(), "backend"));
        assertThat(server.hypervisor.definition("host-2", id).orElseThrow().nics())
                .containsExactly(DomainSpec.NicSpec.onNetwork(mac, "backend"));
    }

    @Test
    void aNicsTrafficLimitsReachItsDomainInLibvirtsUnits() {
        JsonNode operation = server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"capped\",\"vcpus\":1,"
                + "\"memoryMib\":512,\"nics\":[{\"network\":\"backend\",\"inboundKbps\":8000,\"outboundKbps\":4000}]}"));
        String id = operation.get("target").asText();

        JsonNode nic = server.get("/api/v1/vms/" + id).json().get("nics").get(0);
        assertThat(nic.get("inboundKbps").asLong()).isEqualTo(8000);
        assertThat(nic.get("outboundKbps").asLong()).isEqualTo(4000);
        assertThat(server.hypervisor.definition("host-2", id).orElseThrow().nics().getFirst().bandwidth())
                .isEqualTo(new DomainSpec.Bandwidth(1000, 500));
    }

    @Test
    void aTrafficLimitOutOfRangeIsA422AndNothingIsMade() {
        TestServer.Reply reply = server.post("/api/v1/vms", "{\"name\":\"slow\",\"vcpus\":1,\"memoryMib\":512,"
                + "\"nics\":[{\"network\":\"backend\",\"inboundKbps\":4}]}");

        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.json().get("detail").asText())
                .isEqualTo("Field 'nics[0].inboundKbps' must be between 8 and 100000000 kbit/s; got 4.");
        assertThat(server.get("/api/v1/vms").json().toString()).doesNotContain("slow");
    }

    @Test
    void aMacAnotherVmUsesIsRefusedWithASentenceAndNothingIsMade() {
        server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"first\",\"vcpus\":1,\"memoryMib\":512,"
                + "\"nics\":[{\"network\":\"backend\",\"mac\":\"52:54:00:AB:CD:EF\"}]}"));

        TestServer.Reply reply = server.post("/api/v1/vms", "{\"name\":\"second\",\"vcpus\":1,\"memoryMib\":512,"
                + "\"nics\":[{\"network\":\"backend\",\"mac\":\"52:54:00:ab:cd:ef\"}]}");

        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.json().get("detail").asText())
                .isEqualTo("MAC address 52:54:00:ab:cd:ef is already used by VM 'first'.");
        assertThat(server.get("/api/v1/vms").json().toString()).doesNotContain("second");
    }

    @Test
    void aNetworkTheSiteDoesNotHaveIsA422() {
        TestServer.Reply reply = server.post("/api/v1/vms", "{\"name\":\"lost\",\"vcpus\":1,\"memoryMib\":512,"
                + "\"nics\":[{\"network\":\"nowhere\"}]}");

        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.json().get("detail").asText()).isEqualTo("Field 'nics[0].network' names no network of the"
                + " site of cluster 'prod': 'nowhere'.");
    }

    @Test
    void aHostThatDoesNotCarryTheNetworkIsRefusedWithThePlacementSentence() {
        TestServer.Reply reply = server.post("/api/v1/vms", "{\"name\":\"pinned\",\"vcpus\":1,\"memoryMib\":512,"
                + "\"hostId\":\"host-1\",\"nics\":[{\"network\":\"backend\",\"mac\":\"52:54:00:00:00:07\"}]}");

        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.json().get("detail").asText())
                .contains("network backend of NIC 52:54:00:00:00:07 is not carried by the host");
    }

    @Test
    void migratingAVmToAHostThatLacksItsNetworkIsA409WithTheSentence() {
        String id = server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"stuck\",\"vcpus\":1,\"memoryMib\":512,"
                + "\"nics\":[{\"network\":\"backend\",\"mac\":\"52:54:00:00:00:08\"}]}")).get("target").asText();

        TestServer.Reply reply = server.post("/api/v1/vms/" + id + "/migrate", "{\"hostId\":\"host-1\"}");

        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.json().get("detail").asText())
                .contains("network backend of NIC 52:54:00:00:00:08 is not carried by the host");
    }

    @Test
    void deletingANetworkUndefinesItOnItsHostsUnlessAVmStillUsesIt() {
        String backend = Network.idFor(TestServer.SITE.id(), "backend");
        String web = server.awaitFinal(server.post("/api/v1/vms",
                "{\"name\":\"web\",\"vcpus\":1,\"memoryMib\":512,\"nics\":[{\"network\":\"backend\"}]}"))
                .get("target").asText();

        TestServer.Reply used = server.delete("/api/v1/networks/" + backend);

        assertThat(used.status()).isEqualTo(409);
        assertThat(used.json().get("detail").asText())
                .isEqualTo("Network 'backend' is used by NICs of 1 VM(s) (web): remove those NICs or VMs first.");
        assertThat(server.hypervisor.networks("host-2")).extracting(n -> n.name()).contains("backend");

        server.awaitFinal(server.delete("/api/v1/vms/" + web + "?force=true"));
        TestServer.Reply deleted = server.delete("/api/v1/networks/" + backend);

        assertThat(deleted.status()).isEqualTo(202);
        JsonNode operation = server.awaitFinal(deleted);
        assertThat(operation.get("state").asText()).isEqualTo("DONE");
        assertThat(server.steps(operation)).containsExactly("undefine network backend on host-2",
                "remove network " + backend + " from inventory");
        assertThat(server.hypervisor.networks("host-2")).extracting(n -> n.name()).doesNotContain("backend");
        assertThat(server.get("/api/v1/networks/" + backend).status()).isEqualTo(404);
        assertThat(server.delete("/api/v1/networks/" + backend).status()).isEqualTo(404);
    }

    @Test
    void aDeclaredNetworkIsForgottenAtOnce() {
        String id = server.post("/api/v1/networks", "{\"siteId\":\"site-1\",\"name\":\"declared\"}").json()
                .get("id").asText();

        assertThat(server.delete("/api/v1/networks/" + id).status()).isEqualTo(204);
        assertThat(server.get("/api/v1/networks/" + id).status()).isEqualTo(404);
    }

    @Test
    void aNetworkMadeOnTwoHostsIsAnOperationThatDefinesItOnEachThenRecordsIt() {
        TestServer.Reply reply = server.post("/api/v1/networks",
                "{\"siteId\":\"site-1\",\"name\":\"storage\",\"hosts\":[\"h1\",\"host-2\"]}");

        assertThat(reply.status()).isEqualTo(202);
        JsonNode operation = server.awaitFinal(reply);
        assertThat(operation.get("state").asText()).isEqualTo("DONE");
        String bridge = NetworkSpec.isolated("storage").bridge();
        assertThat(server.steps(operation)).containsExactly(
                "define network storage on host-1 (isolated, bridge " + bridge + ")",
                "define network storage on host-2 (isolated, bridge " + bridge + ")",
                "record network storage in inventory, carried by host-1, host-2");
        JsonNode network = server.get("/api/v1/networks/" + Network.idFor("site-1", "storage")).json();
        assertThat(network.get("carriers").get("host-1").get("libvirtName").asText()).isEqualTo("storage");
        assertThat(network.get("carriers").get("host-2").get("bridge").asText()).isEqualTo(bridge);
        for (String host : new String[] {"host-1", "host-2"}) {
            assertThat(server.hypervisor.networks(host)).extracting(n -> n.name()).contains("storage");
        }
    }

    @Test
    void aNetworkOverABridgeTheHostLacksIsA422AndNothingIsMade() {
        TestServer.Reply reply = server.post("/api/v1/networks",
                "{\"siteId\":\"site-1\",\"name\":\"lan\",\"hosts\":[\"h1\"],\"bridge\":\"nobr0\"}");

        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.json().get("detail").asText()).isEqualTo("Host 'h1' has no bridge 'nobr0'; it has br0.");
        assertThat(server.hypervisor.networks("host-1")).isEmpty();
    }

    @Test
    void aNetworkOverTheHostsBridgeIsInBridgeMode() {
        server.awaitFinal(server.post("/api/v1/networks",
                "{\"siteId\":\"site-1\",\"name\":\"lan\",\"hosts\":[\"h1\"],\"bridge\":\"br0\"}"));

        assertThat(server.hypervisor.networks("host-1")).singleElement().satisfies(network -> {
            assertThat(network.forwardMode()).isEqualTo("bridge");
            assertThat(network.bridge()).isEqualTo("br0");
        });
    }

    @Test
    void aNetworkOverTheHostsSwitchTagsItsPortsWithItsVlanOnEveryHost() {
        TestServer.Reply reply = server.post("/api/v1/networks", "{\"siteId\":\"site-1\",\"name\":\"vlan10\","
                + "\"hosts\":[\"h1\",\"h2\"],\"switch\":\"sw0\",\"vlan\":10}");

        JsonNode operation = server.awaitFinal(reply);
        assertThat(operation.get("state").asText()).isEqualTo("DONE");
        assertThat(server.steps(operation)).startsWith("define network vlan10 on host-1 over switch sw0 in VLAN 10");
        for (String host : new String[] {"host-1", "host-2"}) {
            HostNetwork network = server.hypervisor.networks(host).stream()
                    .filter(n -> n.name().equals("vlan10")).findFirst().orElseThrow();
            assertThat(network.forwardMode()).isEqualTo("bridge");
            assertThat(network.bridge()).isEqualTo("sw0");
            assertThat(network.virtualPort()).isEqualTo("openvswitch");
            assertThat(network.vlan()).hasValue(10);
        }
        JsonNode network = server.get("/api/v1/networks/" + Network.idFor("site-1", "vlan10")).json();
        assertThat(network.get("vlan").asInt()).isEqualTo(10);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"vlan\":10 | Field 'vlan' with 'hosts' needs 'switch': a VLAN tag needs an Open vSwitch switch, and a Linux"
                + " bridge takes none.",
        "\"vlan\":10,\"bridge\":\"br0\" | Field 'vlan' with 'hosts' needs 'switch': a VLAN tag needs an Open vSwitch"
                + " switch, and a Linux bridge takes none.",
        "\"switch\":\"sw0\",\"bridge\":\"br0\" | Fields 'bridge' and 'switch' exclude each other: a network is laid"
                + " over a Linux bridge or over an Open vSwitch switch.",
        "\"switch\":\"sw0\",\"vlan\":5000 | Field 'vlan' must be between 1 and 4094; got 5000.",
        "\"switch\":\"sw 0\" | Field 'switch': a bridge device name takes at most 15 letters, digits, '-', '_' and"
                + " '.', not sw 0."})
    void aVlanOrASwitchThatCannotBeIsA422AndNothingIsMade(String fields, String sentence) {
        TestServer.Reply reply = server.post("/api/v1/networks",
                "{\"siteId\":\"site-1\",\"name\":\"lan\",\"hosts\":[\"h1\"]," + fields + "}");

        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.json().get("detail").asText()).isEqualTo(sentence);
        assertThat(server.hypervisor.networks("host-1")).isEmpty();
    }

    @Test
    void aNetworkAHostHoldsOtherwiseIsRefusedAndLeftAsItWas() {
        server.hypervisor.defineNetwork("host-1", NetworkSpec.overSwitch("vlan10", "sw0", OptionalInt.of(20)));

        TestServer.Reply reply = server.post("/api/v1/networks", "{\"siteId\":\"site-1\",\"name\":\"vlan10\","
                + "\"hosts\":[\"h1\",\"h2\"],\"switch\":\"sw0\",\"vlan\":10}");

        assertThat(reply.status()).isEqualTo(409);
        assertThat(server.hypervisor.networks("host-1")).filteredOn(n -> n.name().equals("vlan10"))
                .singleElement().satisfies(held -> assertThat(held.vlan()).hasValue(20));
        assertThat(server.hypervisor.networks("host-2")).noneMatch(n -> n.name().equals("vlan10"));
    }

    @Test
    void aSwitchTheHostLacksFailsTheOperationWithTheHostsSentence() {
        JsonNode operation = server.awaitFinal(server.post("/api/v1/networks", "{\"siteId\":\"site-1\","
                + "\"name\":\"lan\",\"hosts\":[\"h1\"],\"switch\":\"sw9\",\"vlan\":20}"));

        assertThat(operation.get("state").asText()).isEqualTo("FAILED");
        assertThat(operation.toString()).contains("host host-1 has no switch sw9 to lay network lan over");
        assertThat(server.hypervisor.networks("host-1")).isEmpty();
    }

    @Test
    void aRunningVmsNicOnASwitchIsMirroredToItsMonitoringPortThenNoMore() {
        server.awaitFinal(server.post("/api/v1/networks", "{\"siteId\":\"site-1\",\"name\":\"vlan10\","
                + "\"hosts\":[\"h1\",\"h2\"],\"switch\":\"sw0\",\"vlan\":10}"));
        String id = server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"watched\",\"vcpus\":1,"
                + "\"memoryMib\":512,\"nics\":[{\"network\":\"vlan10\",\"mac\":\"52:54:00:00:10:01\"}]}"))
                .get("target").asText();
        String host = server.get("/api/v1/vms/" + id).json().get("hostId").asText();
        String mirror = "/api/v1/vms/" + id + "/nics/52:54:00:00:10:01/mirror";

        JsonNode on = server.awaitFinal(server.put(mirror, "{\"port\":\"ids0\",\"direction\":\"out\"}"));
        assertThat(on.get("state").asText()).isEqualTo("DONE");
        assertThat(server.steps(on)).first().asString()
                .isEqualTo("mirror NIC 52:54:00:00:10:01 of VM " + id + " on " + host + " (out) to port ids0");
        assertThat(server.hypervisor.nicMirror(host, id, "52:54:00:00:10:01"))
                .contains(new Nic.Mirror("ids0", Nic.Direction.OUT));
        assertThat(server.get("/api/v1/vms/" + id).json().get("nics").get(0).get("mirror").get("port").asText())
                .isEqualTo("ids0");

        assertThat(server.awaitFinal(server.delete(mirror)).get("state").asText()).isEqualTo("DONE");
        assertThat(server.hypervisor.nicMirror(host, id, "52:54:00:00:10:01")).isEmpty();
        assertThat(server.get("/api/v1/vms/" + id).json().get("nics").get(0).get("mirror").isNull()).isTrue();
    }

    @Test
    void aMirrorThatCannotBeIsRefusedWithItsSentence() {
        server.awaitFinal(server.post("/api/v1/networks", "{\"siteId\":\"site-1\",\"name\":\"vlan10\","
                + "\"hosts\":[\"h1\",\"h2\"],\"switch\":\"sw0\",\"vlan\":10}"));
        String onSwitch = server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"watched\",\"vcpus\":1,"
                + "\"memoryMib\":512,\"nics\":[{\"network\":\"vlan10\",\"mac\":\"52:54:00:00:10:02\"}]}"))
                .get("target").asText();
        String onBridge = server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"plain\",\"vcpus\":1,"
                + "\"memoryMib\":512,\"nics\":[{\"network\":\"backend\",\"mac\":\"52:54:00:00:10:03\"}]}"))
                .get("target").asText();

        TestServer.Reply direction = server.put("/api/v1/vms/" + onSwitch + "/nics/52:54:00:00:10:02/mirror",
                "{\"port\":\"ids0\",\"direction\":\"sideways\"}");
        assertThat(direction.status()).isEqualTo(422);
        assertThat(direction.json().get("detail").asText())
                .isEqualTo("Field 'direction' is in, out or both, not 'sideways'.");
        TestServer.Reply unknown = server.put("/api/v1/vms/" + onSwitch + "/nics/52:54:00:00:99:99/mirror",
                "{\"port\":\"ids0\"}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("detail").asText()).isEqualTo("VM 'watched' has no NIC 52:54:00:00:99:99.");

        TestServer.Reply noPort = server.put("/api/v1/vms/" + onSwitch + "/nics/52:54:00:00:10:02/mirror",
                "{\"port\":\"ids9\"}");
        assertThat(noPort.status()).isEqualTo(422);
        assertThat(noPort.json().get("detail").asText())
                .isEqualTo("Field 'port': the switch of NIC 52:54:00:00:10:02 of VM 'watched' has no port 'ids9'.");
        JsonNode noSwitch = server.awaitFinal(server.put("/api/v1/vms/" + onBridge
                + "/nics/52:54:00:00:10:03/mirror", "{\"port\":\"ids0\"}"));
        assertThat(noSwitch.get("state").asText()).isNotEqualTo("DONE");
        assertThat(noSwitch.toString()).contains("no Open vSwitch switch: its port cannot be mirrored");
        assertThat(server.get("/api/v1/vms/" + onSwitch).json().get("nics").get(0).get("mirror").isNull()).isTrue();
    }

    @Test
    void aFailureOnOneHostUndoesTheHostsDoneBefore() {
        server.hypervisor.inject(new dev.paddock.sim.Fault.HostIsolation("h2"));

        TestServer.Reply reply = server.post("/api/v1/networks",
                "{\"siteId\":\"site-1\",\"name\":\"storage\",\"hosts\":[\"h1\",\"h2\"]}");
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> server.get(reply.location()).json().get("isFinal").asBoolean());
        JsonNode operation = server.get(reply.location()).json();

        assertThat(operation.get("state").asText()).isEqualTo("FAILED");
        assertThat(operation.get("steps").get(0).get("state").asText()).isEqualTo("ROLLED_BACK");
        assertThat(server.hypervisor.networks("host-1")).extracting(n -> n.name()).doesNotContain("storage");
        assertThat(server.store.network(Network.idFor("site-1", "storage"))).isEmpty();
    }

    @Test
    void aNameTheSiteHasIsA409() {
        TestServer.Reply reply = server.post("/api/v1/networks",
                "{\"siteId\":\"site-1\",\"name\":\"backend\",\"hosts\":[\"h1\"]}");

        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.json().get("detail").asText()).isEqualTo("A network named 'backend' already exists.");
    }
}
