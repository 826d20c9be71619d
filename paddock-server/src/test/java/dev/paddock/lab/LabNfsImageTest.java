package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.libvirt.Lab;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The image library on an NFS datastore that no host mounts, on real libvirt and the lab's nfs-ganesha, through REST
 * only: the lab's template guest uploaded to the export by the server over NFS (the file on the export is the bytes
 * sent; a wrong checksum leaves nothing), a template over it, then a VM created from the template as a linked clone
 * with a cloud-init seed, both files the server made on the export. The guest boots its layer through QEMU's own NFS
 * client and answers on its address with the hostname its seed gave; its disk is a qcow2 layer over the image, as
 * qemu-img reads the export's file; a disk added while it runs is made on the export and plugged in, its layer grows
 * once it is stopped, and deleting it with its disks leaves the image alone on the export. A full clone is a whole
 * copy, and the image cannot go while a template names it.
 */
@Tag("lab")
class LabNfsImageTest {

    @RegisterExtension
    static final LabServer LAB = new LabServer(Duration.ofSeconds(10));

    private static final Duration OPERATION = Duration.ofMinutes(3);
    private static final Duration BOOT = Duration.ofMinutes(5);
    private static final String ADDRESS = "10.79.8.41";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** The export's datastore, reached from h1 and h2: one export is one datastore. */
    private static String datastore;

    @BeforeAll
    static void createDatastore() {
        Lab.NfsServer nfs = LAB.lab().nfs();
        datastore = awaitDone(post("/api/v1/datastores", "{\"name\":\"nas-library\",\"type\":\"nfs\","
                + "\"source\":{\"host\":\"" + nfs.address() + "\",\"path\":\"" + nfs.export() + "\"},"
                + "\"hosts\":[\"h1\",\"h2\"]}")).get("target").asText();
    }

    @Test
    @DisplayName("an image uploaded to an NFS export, a template over it, and a linked clone with cloud-init that boots"
            + " from a qcow2 layer on the export and answers on its address; deleted with its disks, the image stays")
    void linkedCloneOnNfsBoots() throws Exception {
        Lab.NfsServer nfs = LAB.lab().nfs();
        Path export = LAB.lab().nfsDirectory();
        Set<String> before = files(export);
        LAB.paddock().withoutNetwork("guests");
        awaitDone(post("/api/v1/networks", "{\"siteId\":\"" + siteId() + "\",\"name\":\"guests\",\"hosts\":[\"h1\","
                + "\"h2\"],\"bridge\":\"vmbr0\"}"));

        byte[] bytes = Files.readAllBytes(LAB.lab().template());
        HttpResponse<String> wrong = upload(datastore, "broken.qcow2", bytes, "0".repeat(64));
        assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(422);
        assertThat(JSON.readTree(wrong.body()).get("detail").asText()).contains("expected SHA-256 " + "0".repeat(64))
                .contains("received " + sha256(bytes)).endsWith("nothing was kept.");
        assertThat(export.resolve("broken.qcow2")).doesNotExist();

        HttpResponse<String> uploaded = upload(datastore, "tiny-nfs.qcow2", bytes, sha256(bytes));
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        JsonNode image = JSON.readTree(uploaded.body());
        assertThat(image.get("format").asText()).isEqualTo("qcow2");
        assertThat(image.get("sizeBytes").asLong()).isEqualTo(64L << 20);
        assertThat(sha256(Files.readAllBytes(export.resolve("tiny-nfs.qcow2")))).isEqualTo(sha256(bytes));
        assertThat(get("/api/v1/images?datastore=" + datastore).get("items")).extracting(i -> i.get("name").asText())
                .containsExactly("tiny-nfs.qcow2");
        assertThat(post("/api/v1/templates", "{\"name\":\"tiny-nfs\",\"image\":\"tiny-nfs.qcow2\",\"vcpus\":1,"
                + "\"memoryMib\":128}").status()).isEqualTo(201);

        JsonNode created = awaitDone(post("/api/v1/vms", "{\"name\":\"nfs-clone\",\"template\":\"tiny-nfs\","
                + "\"cpuMillicores\":300,\"nics\":[{\"network\":\"guests\"}],\"cloudInit\":{\"network\":"
                + "{\"address\":\"" + ADDRESS + "/24\",\"gateway\":\"10.79.8.254\"}}}"));
        JsonNode vm = get("/api/v1/vms/" + created.get("target").asText());
        JsonNode root = vm.get("disks").get(0);
        assertThat(root.get("linked").asBoolean()).isTrue();
        assertThat(vm.get("disks")).extracting(d -> d.get("datastoreId").asText()).containsOnly(datastore);
        assertThat(created.toString()).contains("linked clone nfs://" + nfs.address() + nfs.export() + "/"
                + root.get("volume").asText() + " over tiny-nfs.qcow2").contains("cloud-init seed nfs://");

        Awaitility.await("nfs-clone answers on " + ADDRESS).atMost(BOOT).pollInterval(Duration.ofSeconds(1))
                .until(() -> answer(ADDRESS, "hostname").equals("nfs-clone"));
        JsonNode layer = qemuImgInfo(export.resolve(root.get("volume").asText()));
        assertThat(layer.get("format").asText()).isEqualTo("qcow2");
        assertThat(layer.get("backing-filename").asText()).isEqualTo("nfs://" + nfs.address() + nfs.export()
                + "/tiny-nfs.qcow2");
        assertThat(layer.get("backing-filename-format").asText()).isEqualTo("qcow2");
        assertThat(Files.size(export.resolve(root.get("volume").asText()))).isLessThan(Files.size(
                export.resolve("tiny-nfs.qcow2")));

        String id = vm.get("id").asText();
        awaitDone(LAB.paddock().patch("/api/v1/vms/" + id, "{\"addDisks\":[{\"datastore\":\"nas-library\","
                + "\"sizeGib\":1}]}"));
        JsonNode grown = get("/api/v1/vms/" + id);
        JsonNode data = grown.get("disks").get(grown.get("disks").size() - 1);
        assertThat(data.get("datastoreId").asText()).isEqualTo(datastore);
        JsonNode dataInfo = qemuImgInfo(export.resolve(data.get("volume").asText()));
        assertThat(dataInfo.get("format").asText()).isEqualTo("qcow2");
        assertThat(dataInfo.get("virtual-size").asLong()).isEqualTo(1L << 30);
        assertThat(LAB.server().parts().hypervisor().definition(grown.get("hostId").asText(), id).orElseThrow()
                .disks()).as("plugged into the running guest").hasSize(3);
        awaitDone(post("/api/v1/vms/" + id + "/stop?force=true", "{}"));
        awaitDone(LAB.paddock().patch("/api/v1/vms/" + id, "{\"growDisks\":[{\"name\":\"root\",\"sizeGib\":2}]}"));
        JsonNode grownRoot = qemuImgInfo(export.resolve(root.get("volume").asText()));
        assertThat(grownRoot.get("virtual-size").asLong()).isEqualTo(2L << 30);
        assertThat(grownRoot.get("backing-filename").asText()).endsWith("/tiny-nfs.qcow2");

        assertThat(LAB.paddock().delete("/api/v1/templates/tiny-nfs").status()).isEqualTo(204);
        LabPaddock.Reply layered = LAB.paddock().delete("/api/v1/images/" + image.get("id").asText());
        assertThat(layered.status()).as(layered.body()).isEqualTo(409);
        assertThat(layered.json().get("detail").asText()).contains("backs the linked clones of VM(s) nfs-clone");

        awaitDone(LAB.paddock().delete("/api/v1/vms/" + id + "?disks=delete"));
        Set<String> expected = new TreeSet<>(before);
        expected.add("tiny-nfs.qcow2");
        assertThat(files(export)).isEqualTo(expected);
        // the export is the lab's, shared with the other NFS tests of the run: the image goes too
        assertThat(LAB.paddock().delete("/api/v1/images/" + image.get("id").asText()).status()).isEqualTo(204);
        assertThat(files(export)).isEqualTo(before);
    }

    @Test
    @DisplayName("a full clone on an NFS export is a whole qcow2 copy of its image, with its progress in the operation"
            + " log; an image a template names cannot be deleted, and once deleted its file is gone")
    void fullCloneOnNfs() throws Exception {
        Lab.NfsServer nfs = LAB.lab().nfs();
        Path export = LAB.lab().nfsDirectory();
        Set<String> before = files(export);
        byte[] bytes = Files.readAllBytes(LAB.lab().template());
        HttpResponse<String> uploaded = upload(datastore, "full-src.qcow2", bytes, sha256(bytes));
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        String imageId = JSON.readTree(uploaded.body()).get("id").asText();
        assertThat(post("/api/v1/templates", "{\"name\":\"full-src\",\"image\":\"full-src.qcow2\",\"vcpus\":1,"
                + "\"memoryMib\":128}").status()).isEqualTo(201);
        LabPaddock.Reply named = LAB.paddock().delete("/api/v1/images/" + imageId);
        assertThat(named.status()).as(named.body()).isEqualTo(409);
        assertThat(named.json().get("detail").asText()).contains("is the image of template(s) full-src");

        JsonNode created = awaitDone(post("/api/v1/vms", "{\"name\":\"nfs-copy\",\"template\":\"full-src\","
                + "\"clone\":\"full\",\"cpuMillicores\":300,\"start\":false}"));
        JsonNode vm = get("/api/v1/vms/" + created.get("target").asText());
        String copy = vm.get("disks").get(0).get("volume").asText();
        assertThat(created.toString()).contains("copy nfs://" + nfs.address() + nfs.export() + "/" + copy
                + " of full-src.qcow2").contains("copied 50% of full-src.qcow2");
        JsonNode info = qemuImgInfo(export.resolve(copy));
        assertThat(info.get("format").asText()).isEqualTo("qcow2");
        assertThat(info.has("backing-filename")).isFalse();
        assertThat(info.get("virtual-size").asLong()).isEqualTo(1L << 30);
        assertThat(qemuImgCompare(export.resolve("full-src.qcow2"), export.resolve(copy))).isTrue();

        awaitDone(LAB.paddock().delete("/api/v1/vms/" + vm.get("id").asText() + "?disks=delete"));
        assertThat(LAB.paddock().delete("/api/v1/templates/full-src").status()).isEqualTo(204);
        assertThat(LAB.paddock().delete("/api/v1/images/" + imageId).status()).isEqualTo(204);
        assertThat(files(export)).isEqualTo(before);
    }

    @Test
    @DisplayName("an ISO uploaded to an NFS export is an iso image of the library; a qcow2 layer over another file is"
            + " refused and nothing is kept")
    void isoAndLayerUploads(@org.junit.jupiter.api.io.TempDir Path scratch) throws Exception {
        Path export = LAB.lab().nfsDirectory();
        Set<String> before = files(export);
        Path content = Files.createDirectories(scratch.resolve("content"));
        Files.writeString(content.resolve("readme.txt"), "an ISO on NFS\n");
        Path iso = scratch.resolve("tools.iso");
        run("genisoimage", "-quiet", "-V", "TOOLS", "-o", iso.toString(), content.toString());
        byte[] isoBytes = Files.readAllBytes(iso);

        HttpResponse<String> uploaded = upload(datastore, "tools.iso", isoBytes, sha256(isoBytes));
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        JsonNode image = JSON.readTree(uploaded.body());
        assertThat(image.get("format").asText()).isEqualTo("iso");
        assertThat(LAB.paddock().delete("/api/v1/images/" + image.get("id").asText()).status()).isEqualTo(204);

        Path layer = scratch.resolve("layer.qcow2");
        run("qemu-img", "create", "-q", "-f", "qcow2", "-u", "-b", "/var/lib/images/base.qcow2", "-F", "qcow2",
                layer.toString(), "64M");
        byte[] layerBytes = Files.readAllBytes(layer);
        HttpResponse<String> refused = upload(datastore, "layer.qcow2", layerBytes, sha256(layerBytes));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(JSON.readTree(refused.body()).get("detail").asText()).isEqualTo("Image 'layer.qcow2' is a qcow2"
                + " layer over /var/lib/images/base.qcow2; the library takes whole images. Nothing was kept.");
        assertThat(files(export)).isEqualTo(before);
    }

    private HttpResponse<String> upload(String datastore, String name, byte[] bytes, String sha256)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(url("/api/v1/datastores/" + datastore + "/images?name=" + name
                        + "&sha256=" + sha256))
                .header("Content-Type", "application/octet-stream").header("Authorization", "Bearer " + LabPaddock.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Set<String> files(Path directory) throws IOException {
        try (Stream<Path> listed = Files.list(directory)) {
            return new TreeSet<>(listed.map(path -> path.getFileName().toString()).toList());
        }
    }

    private static JsonNode qemuImgInfo(Path file) throws Exception {
        return JSON.readTree(run("qemu-img", "info", "-U", "--output=json", file.toString()));
    }

    /** True when qemu-img finds both images' guests see the same bytes. */
    private static boolean qemuImgCompare(Path one, Path other) throws Exception {
        run("qemu-img", "compare", "-U", one.toString(), other.toString());
        return true;
    }

    private static String run(String... command) throws Exception {
        return Ran.ok(command);
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
