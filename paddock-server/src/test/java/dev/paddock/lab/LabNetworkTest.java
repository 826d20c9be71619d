package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.hypervisor.HostBridge;
import dev.paddock.hypervisor.HostNetwork;
import dev.paddock.hypervisor.NetworkSpec;
import dev.paddock.libvirt.Lab;
import dev.paddock.libvirt.LabAwait;
import dev.paddock.libvirt.LabExtension;
import dev.paddock.libvirt.LibvirtHypervisor;
import dev.paddock.server.PaddockServer;
import dev.paddock.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Networks on the lab's real libvirt hosts, made and used through the REST API: an isolated network on h1 and h2
 * (a bridge libvirt makes on each), a VM with a NIC on it whose interface libvirt holds with the MAC Paddock
 * recorded, a live migration from h1 to h2 that takes the NIC along, and a migration refused with the placement's
 * sentence when the target does not carry the network. What libvirt holds is read from libvirt ({@code virsh
 * dumpxml}, the port's own listing), never from Paddock.
 */
@Tag("lab")
class LabNetworkTest {

    @RegisterExtension
    static final LabExtension LAB = new LabExtension();

    @TempDir
    static Path directory;

    private static final Duration OPERATION = Duration.ofSeconds(60);
    /** The server resyncs every 30 s. */
    private static final Duration RESYNC = Duration.ofSeconds(45);
    private static final Pattern INTERFACE = Pattern.compile(
            "<interface type='network'>\\s*<mac address='([0-9a-f:]+)'/>\\s*<source network='([^']+)'");

    private static PaddockServer server;
    private static LabPaddock paddock;
    private static String siteId;
    private static final Map<String, String> HOST_IDS = new LinkedHashMap<>();
    private static final List<String> NETWORKS = new ArrayList<>();

    @BeforeAll
    static void startServerAndRegisterTheLab() {
        server = PaddockServer.start(LabPaddock.secured(ServerConfig.inDirectory(directory, "127.0.0.1", 0,
                ServerConfig.Room.EMPTY).withLibvirtSharedDirectory(LAB.lab().shared())));
        paddock = new LabPaddock(server.url());
        siteId = created(paddock.post("/api/v1/sites", "{\"name\":\"lab\"}")).get("id").asText();
        String clusterId = created(paddock.post("/api/v1/clusters", "{\"siteId\":\"" + siteId
                + "\",\"name\":\"lab\"}")).get("id").asText();
        for (Lab.Host host : LAB.lab().hosts()) {
            HOST_IDS.put(host.id(), created(paddock.post("/api/v1/hosts", "{\"clusterId\":\"" + clusterId
                    + "\",\"name\":\"" + host.id() + "\",\"uri\":\"" + host.uri() + "\"}")).get("id").asText());
        }
    }

    /** Stops the server, then removes the test's networks from every host (its VMs went with their tests). */
    @AfterAll
    static void stopServerAndRemoveNetworks() {
        if (server != null) {
            server.close();
        }
        try (LibvirtHypervisor direct = new LibvirtHypervisor(LAB.lab().settings())) {
            for (Lab.Host host : LAB.lab().hosts()) {
                direct.attach(host.id(), host.uri());
                NETWORKS.forEach(name -> direct.undefineNetwork(host.id(), name));
            }
        }
    }

    @Test
    @DisplayName("a network made on h1 and h2 is found on both, a VM's NIC joins it with Paddock's MAC, and the VM"
            + " migrates live from h1 to h2 with it")
    void networkOnTwoHosts() {
        String name = network("h1", "h2");

        try (LibvirtHypervisor direct = new LibvirtHypervisor(LAB.lab().settings())) {
            for (String host : List.of("h1", "h2")) {
                direct.attach(host, LAB.lab().host(Integer.parseInt(host.substring(1))).uri());
                assertThat(direct.networks(host)).as("libvirt's networks on " + host).contains(new HostNetwork(name,
                        uuidOf(direct, host, name), "", NetworkSpec.isolated(name).bridge(), true));
                assertThat(direct.bridges(host)).as("the host's bridges, through libvirt's interface API")
                        .extracting(HostBridge::name).contains(NetworkSpec.isolated(name).bridge());
            }
        }
        LabAwait.until("the inventory's resync finding the network on h1 and h2", Duration.ofSeconds(30),
                () -> carriers(name).equals(List.of(HOST_IDS.get("h1"), HOST_IDS.get("h2")).stream().sorted().toList()));

        String vm = createVm("h1", name);
        String mac = paddock.get("/api/v1/vms/" + vm).json().get("nics").get(0).get("mac").asText();
        assertThat(mac).startsWith("52:54:00:");
        assertThat(interfaceOn(1, vm)).isEqualTo(mac + " on " + name);

        LabPaddock.Reply migrate = paddock.post("/api/v1/vms/" + vm + "/migrate",
                "{\"hostId\":\"" + HOST_IDS.get("h2") + "\"}");
        assertThat(migrate.status()).as(migrate.body()).isEqualTo(202);
        awaitDone(migrate.json().get("id").asText());

        assertThat(paddock.get("/api/v1/vms/" + vm).json().get("hostId").asText()).isEqualTo(HOST_IDS.get("h2"));
        assertThat(interfaceOn(2, vm)).as("the NIC libvirt holds on h2 after the migration").isEqualTo(mac + " on "
                + name);
        delete(vm);
    }

    @Test
    @DisplayName("a network over h3's own bridge vmbr0, which no port has joined, is made in bridge mode")
    void networkOverAHostBridge() {
        String name = "br-" + UUID.randomUUID().toString().substring(0, 8);
        NETWORKS.add(name);
        LabPaddock.Reply accepted = paddock.post("/api/v1/networks", "{\"siteId\":\"" + siteId + "\",\"name\":\""
                + name + "\",\"hosts\":[\"h3\"],\"bridge\":\"vmbr0\"}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        awaitDone(accepted.json().get("id").asText());

        try (LibvirtHypervisor direct = new LibvirtHypervisor(LAB.lab().settings())) {
            direct.attach("h3", LAB.lab().host(3).uri());
            assertThat(direct.networks("h3")).filteredOn(network -> network.name().equals(name)).singleElement()
                    .satisfies(network -> {
                        assertThat(network.forwardMode()).isEqualTo("bridge");
                        assertThat(network.bridge()).isEqualTo("vmbr0");
                        assertThat(network.active()).isTrue();
                    });
        }
        LabPaddock.Reply missing = paddock.post("/api/v1/networks", "{\"siteId\":\"" + siteId + "\",\"name\":\"x-"
                + name + "\",\"hosts\":[\"h3\"],\"bridge\":\"nobr0\"}");
        assertThat(missing.status()).as(missing.body()).isEqualTo(422);
        assertThat(missing.json().get("detail").asText()).startsWith("Host 'h3' has no bridge 'nobr0'");
    }

    @Test
    @DisplayName("a VM on a network only h1 carries is not migrated to h2: 409 with the placement's sentence")
    void migrationToAHostWithoutTheNetworkIsRefused() {
        String name = network("h1");
        String vm = createVm("h1", name);
        String mac = paddock.get("/api/v1/vms/" + vm).json().get("nics").get(0).get("mac").asText();

        LabPaddock.Reply refused = paddock.post("/api/v1/vms/" + vm + "/migrate",
                "{\"hostId\":\"" + HOST_IDS.get("h2") + "\"}");

        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().get("detail").asText()).isEqualTo("Host 'h2' has no room for VM '"
                + paddock.get("/api/v1/vms/" + vm).json().get("name").asText() + "': network " + name + " of NIC "
                + mac + " is not carried by the host.");
        assertThat(paddock.get("/api/v1/vms/" + vm).json().get("hostId").asText()).isEqualTo(HOST_IDS.get("h1"));
        delete(vm);
    }

    @Test
    @DisplayName("a libvirt network an administrator makes on h2 and h3 is found by the inventory as one network"
            + " carried by both, and dropped from h3 when h3 no longer has it")
    void networksMadeBehindPaddocksBackAreFound() {
        String name = "adm-" + UUID.randomUUID().toString().substring(0, 8);
        NETWORKS.add(name);
        try (LibvirtHypervisor direct = new LibvirtHypervisor(LAB.lab().settings())) {
            for (int n : new int[] {2, 3}) {
                direct.attach("h" + n, LAB.lab().host(n).uri());
                direct.defineNetwork("h" + n, NetworkSpec.isolated(name));
            }
            LabAwait.until("the inventory finding " + name + " on h2 and h3", RESYNC, () -> carriers(name)
                    .equals(List.of(HOST_IDS.get("h2"), HOST_IDS.get("h3")).stream().sorted().toList()));

            direct.undefineNetwork("h3", name);
            LabAwait.until("the inventory dropping h3 from " + name, RESYNC,
                    () -> carriers(name).equals(List.of(HOST_IDS.get("h2"))));
        }
    }

    /** Makes an isolated network on the lab hosts named (h1, h2...) through the API; its name. */
    private static String network(String... hosts) {
        String name = "net-" + UUID.randomUUID().toString().substring(0, 8);
        NETWORKS.add(name);
        List<String> ids = List.of(hosts).stream().map(host -> "\"" + HOST_IDS.get(host) + "\"").toList();
        LabPaddock.Reply accepted = paddock.post("/api/v1/networks", "{\"siteId\":\"" + siteId + "\",\"name\":\""
                + name + "\",\"hosts\":[" + String.join(",", ids) + "]}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        awaitDone(accepted.json().get("id").asText());
        return name;
    }

    /** Creates and starts a one-vCPU VM on the lab host with a NIC on the network; its id. */
    private static String createVm(String host, String network) {
        String name = "nic-" + UUID.randomUUID().toString().substring(0, 8);
        LabPaddock.Reply accepted = paddock.post("/api/v1/vms", "{\"name\":\"" + name + "\",\"vcpus\":1,"
                + "\"memoryMib\":128,\"hostId\":\"" + HOST_IDS.get(host) + "\",\"nics\":[{\"network\":\"" + network
                + "\"}]}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        awaitDone(accepted.json().get("id").asText());
        return accepted.json().get("target").asText();
    }

    private static void delete(String vm) {
        LabPaddock.Reply accepted = paddock.delete("/api/v1/vms/" + vm + "?force=true");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        awaitDone(accepted.json().get("id").asText());
    }

    /** The ids of the hosts the inventory says carry the network, sorted; empty while it has no such network. */
    private static List<String> carriers(String name) {
        for (JsonNode network : paddock.get("/api/v1/networks").json().get("items")) {
            if (network.get("name").asText().equals(name)) {
                List<String> hosts = new ArrayList<>();
                network.get("carriers").fieldNames().forEachRemaining(hosts::add);
                return hosts.stream().sorted().toList();
            }
        }
        return List.of();
    }

    private static String uuidOf(LibvirtHypervisor direct, String host, String name) {
        return direct.networks(host).stream().filter(n -> n.name().equals(name)).map(HostNetwork::uuid).findFirst()
                .orElse("(none)");
    }

    /** The domain's network interface on lab host n, as libvirt holds it: "MAC on NETWORK". */
    private static String interfaceOn(int n, String uuid) {
        String xml = virsh(LAB.lab().host(n).uri(), "dumpxml", "--inactive", uuid);
        Matcher nic = INTERFACE.matcher(xml);
        return nic.find() ? nic.group(1) + " on " + nic.group(2) : "none in " + xml;
    }

    private static void awaitDone(String operationId) {
        LabAwait.until("operation " + operationId + " final", OPERATION, () -> paddock.get("/api/v1/operations/"
                + operationId).json().get("state").asText().matches("DONE|FAILED|ROLLED_BACK|CANCELLED"));
        JsonNode operation = paddock.get("/api/v1/operations/" + operationId).json();
        assertThat(operation.get("state").asText()).as(operation.toString()).isEqualTo("DONE");
    }

    private static JsonNode created(LabPaddock.Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json();
    }

    private static String virsh(String uri, String... args) {
        List<String> command = new ArrayList<>(List.of("virsh", "-c", uri));
        command.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(Map.of("LC_ALL", "C"));
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + ": " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
