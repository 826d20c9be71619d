package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import dev.paddock.libvirt.Lab;
import dev.paddock.libvirt.LabAwait;
import dev.paddock.libvirt.LabExtension;
import dev.paddock.libvirt.LibvirtHypervisor;
import dev.paddock.model.VmState;
import dev.paddock.server.PaddockServer;
import dev.paddock.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * A real Paddock server (H2 store, the routing hypervisor, HTTP on a loopback port) over the lab's three libvirt
 * hosts, registered through the REST API as a person would; everything after is done and checked through the API,
 * and through libvirt directly only where a person would go behind Paddock's back.
 */
@Tag("lab")
class LabServerTest {

    @RegisterExtension
    static final LabExtension LAB = new LabExtension();

    @TempDir
    static Path directory;

    private static PaddockServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Map<String, String> HOST_IDS = new HashMap<>();
    private static String clusterId;

    @BeforeAll
    static void startServerAndRegisterTheLab() {
        Lab lab = LAB.lab();
        server = PaddockServer.start(LabPaddock.secured(ServerConfig.inDirectory(directory, "127.0.0.1", 0,
                ServerConfig.Room.EMPTY).withLibvirtSharedDirectory(lab.shared())));
        String siteId = created(post("/api/v1/sites", "{\"name\":\"lab\"}")).get("id").asText();
        clusterId = created(post("/api/v1/clusters", "{\"siteId\":\"" + siteId + "\",\"name\":\"lab\"}"))
                .get("id").asText();
        for (Lab.Host host : lab.hosts()) {
            JsonNode registered = created(post("/api/v1/hosts", "{\"clusterId\":\"" + clusterId + "\",\"name\":\""
                    + host.id() + "\",\"uri\":\"" + host.uri() + "\"}"));
            HOST_IDS.put(host.id(), registered.get("id").asText());
        }
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("the lab's hosts are connected, with the capacity libvirt reports")
    void hostsRegistered() {
        JsonNode hosts = get("/api/v1/hosts").json().get("items");

        assertThat(hosts).hasSize(3);
        hosts.forEach(host -> {
            assertThat(host.get("state").asText()).isEqualTo("CONNECTED");
            assertThat(host.get("uri").asText()).startsWith("qemu+tcp://10.77.0.");
            assertThat(host.get("capacity").get("memoryMib").asLong()).isPositive();
        });
    }

    @Test
    @DisplayName("a VM is created, runs its guest, stops, starts and is deleted through the API")
    void vmLifecycle() throws IOException {
        String h1 = HOST_IDS.get("h1");
        Reply create = post("/api/v1/vms", "{\"name\":\"web-" + shortId() + "\",\"vcpus\":1,\"memoryMib\":128,"
                + "\"hostId\":\"" + h1 + "\"}");
        JsonNode created = awaitDone(create);
        String id = created.get("target").asText();
        awaitVm(id, vm -> vm.get("state").asText().equals("RUNNING"), Duration.ofSeconds(10));

        Path console = LAB.lab().shared().resolve(id + ".console.log");
        LabAwait.until("the guest's first heartbeat on its console", Duration.ofSeconds(30),
                () -> Files.exists(console) && Files.readString(console).contains("heartbeat"));

        awaitDone(post("/api/v1/vms/" + id + "/stop?force=true", ""));
        awaitVm(id, vm -> vm.get("state").asText().equals("STOPPED"), Duration.ofSeconds(10));
        awaitDone(post("/api/v1/vms/" + id + "/start", ""));
        awaitVm(id, vm -> vm.get("state").asText().equals("RUNNING"), Duration.ofSeconds(10));
        awaitDone(send(HttpRequest.newBuilder(url("/api/v1/vms/" + id + "?force=true")).DELETE()));

        assertThat(get("/api/v1/vms/" + id).status()).isEqualTo(404);
        try (LibvirtHypervisor direct = new LibvirtHypervisor(LAB.lab().settings())) {
            direct.attach("h1", LAB.lab().host(1).uri());
            assertThat(direct.domain("h1", id)).isEmpty();
        }
    }

    @Test
    @DisplayName("a host whose network is cut shows as disconnected, and as connected once it is back")
    void connectionLoss() {
        String h3 = HOST_IDS.get("h3");
        LAB.lab().cutNetwork(3);
        try {
            LabAwait.until("h3 disconnected", Duration.ofSeconds(30),
                    () -> get("/api/v1/hosts/" + h3).json().get("state").asText().equals("DISCONNECTED"));
        } finally {
            LAB.lab().restoreNetwork(3);
        }
        LabAwait.until("h3 connected again", Duration.ofSeconds(30),
                () -> get("/api/v1/hosts/" + h3).json().get("state").asText().equals("CONNECTED"));
    }

    @Test
    @DisplayName("a domain made behind Paddock's back is flagged within 2 s (inventory, alarm, audit), then"
            + " quarantined and adopted through the API")
    void rogueDomain() throws Exception {
        String rogue = UUID.randomUUID().toString();
        Lab.Host host = LAB.lab().host(2);
        createBehindPaddocksBack(host, rogue);
        // from the moment the host answered that the domain runs: reaching it and starting it are the host's time
        long before = System.nanoTime();
        try {
            LabAwait.until("the rogue VM in the inventory, an alarm and an audit entry", Duration.ofSeconds(10), () ->
                    get("/api/v1/vms/" + rogue).status() == 200
                            && contains(get("/api/v1/alarms?open=true").json(), "subjectId", rogue)
                            && contains(get("/api/v1/audit").json(), "subjectId", rogue));
            Duration flagged = Duration.ofNanos(System.nanoTime() - before);
            assertThat(flagged).isLessThan(Duration.ofSeconds(2));
            System.out.println("rogue domain flagged (inventory, alarm, audit) " + flagged.toMillis() + " ms after it was created");
            assertThat(get("/api/v1/vms/" + rogue).json().get("origin").asText()).isEqualTo("UNREGISTERED");

            awaitDone(post("/api/v1/vms/" + rogue + "/quarantine", ""));
            try (LibvirtHypervisor direct = new LibvirtHypervisor(LAB.lab().settings())) {
                direct.attach(host.id(), host.uri());
                assertThat(direct.domain(host.id(), rogue).orElseThrow().state()).isEqualTo(VmState.PAUSED);
                assertThat(direct.rogues().linkStates(host.id(), rogue)).isNotEmpty().doesNotContainValue(true);
            }
            assertThat(get("/api/v1/vms/" + rogue).json().get("origin").asText()).isEqualTo("QUARANTINED");

            awaitDone(post("/api/v1/vms/" + rogue + "/adopt", ""));
            assertThat(get("/api/v1/vms/" + rogue).json().get("origin").asText()).isEqualTo("MANAGED");
            assertThat(get("/api/v1/audit/verify").json().get("intact").asBoolean()).isTrue();
        } finally {
            removeBehindPaddocksBack(host, rogue);
        }
    }

    @Test
    @DisplayName("bad input is a clear 4xx problem: unknown URI kind, unreachable host, VM larger than any host")
    void badInput() {
        Reply unknownKind = post("/api/v1/hosts", "{\"clusterId\":\"" + clusterId + "\",\"name\":\"x1\","
                + "\"uri\":\"vmware://esx1\"}");
        Reply unreachable = post("/api/v1/hosts", "{\"clusterId\":\"" + clusterId + "\",\"name\":\"x2\","
                + "\"uri\":\"qemu+tcp://10.77.0.99/system\"}");
        Reply tooLarge = post("/api/v1/vms", "{\"name\":\"huge\",\"vcpus\":1,\"memoryMib\":100000000,\"hostId\":\""
                + HOST_IDS.get("h1") + "\"}");

        assertProblem(unknownKind, 422, "'vmware://esx1' is not a host URI Paddock knows");
        assertProblem(unreachable, 422, "Field 'uri': no host answers at qemu+tcp://10.77.0.99/system");
        assertProblem(tooLarge, 422, "memoryMib");
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static void assertProblem(Reply reply, int status, String detail) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().get("detail").asText()).contains(detail);
    }

    private static boolean contains(JsonNode list, String field, String value) {
        for (JsonNode item : list.get("items")) {
            if (item.path(field).asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    /** What an administrator with virsh would do: a transient guest created directly on the host. */
    private static void createBehindPaddocksBack(Lab.Host host, String uuid) throws LibvirtException {
        String shared = LAB.lab().shared().toString();
        String xml = """
                <domain type='qemu'>
                  <name>rogue-%s</name><uuid>%s</uuid>
                  <memory unit='MiB'>128</memory><vcpu>1</vcpu>
                  <os><type arch='x86_64' machine='q35'>hvm</type>
                    <kernel>%s/vmlinuz</kernel><initrd>%s/initrd.img</initrd><cmdline>console=ttyS0 quiet</cmdline></os>
                  <devices>
                    <interface type='bridge'><mac address='52:54:00:ee:00:02'/><source bridge='vmbr0'/><model type='virtio'/></interface>
                    <memballoon model='none'/>
                  </devices>
                </domain>
                """.formatted(uuid.substring(0, 8), uuid, shared, shared);
        Connect direct = new Connect(host.uri(), false);
        try {
            direct.domainCreateXML(xml, 0).free();
        } finally {
            direct.close();
        }
    }

    private static void removeBehindPaddocksBack(Lab.Host host, String uuid) throws LibvirtException {
        Connect direct = new Connect(host.uri(), false);
        try {
            Domain domain = direct.domainLookupByUUIDString(uuid);
            try {
                if (domain.isActive() == 1) {
                    domain.destroy();
                }
                if (domain.isPersistent() == 1) {
                    domain.undefine();
                }
            } finally {
                domain.free();
            }
        } catch (LibvirtException e) {
            // gone already
        } finally {
            direct.close();
        }
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static void awaitVm(String id, Predicate<JsonNode> test, Duration timeout) {
        LabAwait.until("VM " + id + " as expected", timeout, () -> test.test(get("/api/v1/vms/" + id).json()));
    }

    /** Follows an accepted operation until it is final, and requires it DONE. */
    private static JsonNode awaitDone(Reply accepted) {
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        List<JsonNode> last = new ArrayList<>(List.of(accepted.json()));
        LabAwait.until("operation " + accepted.location() + " final", Duration.ofSeconds(60), () -> {
            JsonNode operation = get(accepted.location()).json();
            last.set(0, operation);
            return operation.get("isFinal").asBoolean();
        });
        assertThat(last.getFirst().get("state").asText()).as(last.getFirst().toString()).isEqualTo("DONE");
        return last.getFirst();
    }

    private static JsonNode created(Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json();
    }

    private static URI url(String path) {
        return server.url().resolve(path);
    }

    private static Reply get(String path) {
        return send(HttpRequest.newBuilder(url(path)).GET());
    }

    private static Reply post(String path, String json) {
        return send(HttpRequest.newBuilder(url(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.header("Authorization", "Bearer " + LabPaddock.TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.headers().firstValue("Location").orElse(""), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private record Reply(int status, String contentType, String location, String body) {
        JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }
    }
}
