package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * VMs made as a user makes them, through REST only, on the lab's real libvirt hosts: the lab's template guest
 * uploaded into a shared directory datastore, a template over it, then ten VMs created from the template as linked
 * clones with a cloud-init seed each (hostname, root's SSH key, a static address on the guests' network). Each VM
 * boots its own overlay and answers on its address from the lab's root namespace with the hostname and key its seed
 * gave; each disk is a qcow2 layer over the template's volume, as libvirt itself says ({@code virsh vol-dumpxml}); the
 * datastore (on a file system of its own, so that only its volumes move its free space) reports the free space
 * libvirt reports ({@code virsh pool-info}) before and after the clones, to the byte, and drops by what libvirt
 * says it dropped; each volume's allocation in Paddock's listing is libvirt's ({@code virsh vol-info}).
 */
@Tag("lab")
class LabProvisionTest {

    @RegisterExtension
    static final LabServer LAB = new LabServer(Duration.ofSeconds(10));

    private static final int VMS = 10;
    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHBhZGRvY2sgbGFiIHByb3Zpc2lvbmluZyB0ZXN0 lab@paddock";
    private static final Duration OPERATION = Duration.ofMinutes(3);
    private static final Duration BOOT = Duration.ofMinutes(5);
    private static final Pattern BACKING = Pattern.compile("<backingStore>\\s*<path>([^<]+)</path>");
    private static final Pattern AVAILABLE = Pattern.compile("Available:\\s+(\\d+)");
    private static final Pattern ALLOCATION = Pattern.compile("Allocation:\\s+(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    @DisplayName("ten linked clones of one template boot with their cloud-init seeds and answer on their addresses")
    void tenLinkedClonesWithCloudInit() throws Exception {
        Path library = LAB.lab().fixedSizeDirectory().resolve("library");
        Files.createDirectories(library);
        JsonNode made = awaitDone(post("/api/v1/datastores", "{\"name\":\"library\",\"type\":\"dir\",\"shared\":true,"
                + "\"source\":{\"path\":\"" + library + "\"},\"hosts\":[\"h1\",\"h2\"]}"));
        String datastore = made.get("target").asText();
        LAB.paddock().withoutNetwork("guests");
        awaitDone(post("/api/v1/networks", "{\"siteId\":\"" + siteId() + "\",\"name\":\"guests\",\"hosts\":[\"h1\","
                + "\"h2\"],\"bridge\":\"vmbr0\"}"));

        Path template = LAB.lab().template();
        byte[] bytes = Files.readAllBytes(template);
        HttpResponse<String> uploaded = http.send(HttpRequest.newBuilder(url("/api/v1/datastores/" + datastore
                        + "/images?name=tiny.qcow2&sha256=" + sha256(bytes)))
                .header("Content-Type", "application/octet-stream").header("Authorization", "Bearer " + LabPaddock.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        assertThat(JSON.readTree(uploaded.body()).get("format").asText()).isEqualTo("qcow2");
        assertThat(post("/api/v1/templates", "{\"name\":\"tiny\",\"image\":\"tiny.qcow2\",\"vcpus\":1,"
                + "\"memoryMib\":128}").status()).isEqualTo(201);
        long libvirtBefore = libvirtAvailable(1, "library");
        long paddockBefore = awaitPaddockFree(datastore, libvirtBefore);

        Map<String, String> addresses = new LinkedHashMap<>();
        List<LabPaddock.Reply> accepted = new ArrayList<>();
        for (int i = 1; i <= VMS; i++) {
            String name = "clone-" + i;
            String address = "10.79.8." + (10 + i);
            addresses.put(name, address);
            accepted.add(post("/api/v1/vms", "{\"name\":\"" + name + "\",\"template\":\"tiny\",\"cpuMillicores\":300,\"nics\":[{\"network\":"
                    + "\"guests\"}],\"cloudInit\":{\"users\":[{\"name\":\"root\",\"sshKeys\":[\"" + KEY + "\"]}],"
                    + "\"network\":{\"address\":\"" + address + "/24\",\"gateway\":\"10.79.8.254\"}}}"));
        }
        List<JsonNode> vms = new ArrayList<>();
        for (LabPaddock.Reply reply : accepted) {
            assertThat(reply.status()).as(reply.body()).isEqualTo(202);
            JsonNode operation = awaitDone(reply);
            vms.add(get("/api/v1/vms/" + operation.get("target").asText()));
        }

        for (JsonNode vm : vms) {
            String name = vm.get("name").asText();
            String address = addresses.get(name);
            Awaitility.await(name + " answers on " + address).atMost(BOOT).pollInterval(Duration.ofSeconds(1))
                    .until(() -> answer(address, "hostname").equals(name));
            assertThat(answer(address, "authorized_keys")).contains(KEY);

            JsonNode root = vm.get("disks").get(0);
            assertThat(root.get("linked").asBoolean()).isTrue();
            virsh(1, "pool-refresh", "library");
            String volume = virsh(1, "vol-dumpxml", "--pool", "library", root.get("volume").asText());
            assertThat(volume).contains("<format type='qcow2'/>");
            Matcher backing = BACKING.matcher(volume);
            assertThat(backing.find()).as(volume).isTrue();
            assertThat(backing.group(1)).isEqualTo(library.resolve("tiny.qcow2").toString());
        }

        // The pool is alone on its file system: its free space moves only with its volumes. Paddock's figure is
        // libvirt's to the byte, before and after, and it dropped by what libvirt says the clones and seeds took.
        long libvirtAfter = libvirtAvailable(1, "library");
        long paddockAfter = awaitPaddockFree(datastore, libvirtAfter);
        assertThat(libvirtAfter).as("the clones and seeds took room").isLessThan(libvirtBefore);
        assertThat(paddockBefore - paddockAfter).isEqualTo(libvirtBefore - libvirtAfter);
        Map<String, Long> allocated = new LinkedHashMap<>();
        for (JsonNode volume : get("/api/v1/datastores/" + datastore + "/volumes").get("items")) {
            allocated.put(volume.get("name").asText(), volume.get("allocationBytes").asLong());
        }
        for (JsonNode vm : vms) {
            for (JsonNode disk : vm.get("disks")) {
                Matcher allocation = ALLOCATION.matcher(virsh(1, "vol-info", "--bytes", "--pool", "library",
                        disk.get("volume").asText()));
                assertThat(allocation.find()).isTrue();
                assertThat(allocated.get(disk.get("volume").asText())).isEqualTo(Long.parseLong(allocation.group(1)))
                        .isPositive();
            }
        }

        for (JsonNode vm : vms) {
            awaitDone(LAB.paddock().delete("/api/v1/vms/" + vm.get("id").asText() + "?force=true&disks=delete"));
        }
    }

    private String answer(String address, String file) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/"
                    + file)).timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body().strip() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Paddock's free space of the datastore once it reads {@code libvirt}'s figure (its listing may lag a pass). */
    private static long awaitPaddockFree(String datastore, long libvirt) {
        Awaitility.await("Paddock's free space is libvirt's " + libvirt).atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(
                        get("/api/v1/datastores/" + datastore).get("freeBytes").asLong()).isEqualTo(libvirt));
        return libvirt;
    }

    private static long libvirtAvailable(int host, String pool) throws Exception {
        virsh(host, "pool-refresh", pool);
        Matcher available = AVAILABLE.matcher(virsh(host, "pool-info", "--bytes", pool));
        assertThat(available.find()).isTrue();
        return Long.parseLong(available.group(1));
    }

    private static String virsh(int host, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("virsh", "-c", LAB.lab().host(host).uri()));
        command.addAll(List.of(arguments));
        return Ran.ok(command.toArray(String[]::new));
    }

    private static String siteId() {
        return get("/api/v1/sites").get("items").get(0).get("id").asText();
    }

    private static LabPaddock.Reply post(String path, String body) {
        return LAB.paddock().post(path, body);
    }

    private static JsonNode get(String path) {
        return LAB.paddock().get(path).json();
    }

    private static URI url(String path) {
        return LAB.server().url().resolve(path);
    }

    private static JsonNode awaitDone(LabPaddock.Reply accepted) {
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String id = accepted.json().get("id").asText();
        JsonNode[] last = new JsonNode[1];
        Awaitility.await("operation " + id).atMost(OPERATION).pollInterval(Duration.ofMillis(250)).until(() -> {
            last[0] = get("/api/v1/operations/" + id);
            String state = last[0].get("state").asText();
            return state.equals("DONE") || state.equals("FAILED") || state.equals("ROLLED_BACK");
        });
        assertThat(last[0].get("state").asText()).as(last[0].toPrettyString()).isEqualTo("DONE");
        return last[0];
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
