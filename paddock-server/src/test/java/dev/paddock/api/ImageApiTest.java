package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.hypervisor.PoolSource;
import dev.paddock.hypervisor.PoolType;
import dev.paddock.hypervisor.VolumeFacts;
import java.net.http.HttpRequest;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The image library, templates, and VMs created with real disks: linked and full clones, empty disks, a cloud-init
 * seed; and the refusals that leave nothing behind.
 */
class ImageApiTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    private static final long GIB = 1L << 30;
    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk0bGFiIGtleSBmb3IgcGFkZG9jayB0ZXN0cw lab";

    TestServer server;
    String datastore;

    @BeforeEach
    void anNfsDatastoreOnBothHosts() {
        server.hypervisor.addStorage(PoolType.NETFS, PoolSource.nfs("nas", "/export/vms"), 40 * GIB);
        JsonNode operation = server.awaitFinal(server.post("/api/v1/datastores", "{\"name\":\"vms\",\"type\":\"netfs\","
                + "\"source\":{\"host\":\"nas\",\"path\":\"/export/vms\"},\"hosts\":[\"h1\",\"h2\"]}"));
        datastore = operation.get("target").asText();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                server.get("/api/v1/datastores/" + datastore).json().get("hostIds").size() == 2);
    }

    @Test
    @DisplayName("an upload is checksummed on the way, kept as a volume of the datastore, and listed in the library")
    void upload() throws Exception {
        byte[] image = qcow2(1);

        TestServer.Reply reply = upload("base", image, sha256(image));

        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        JsonNode created = reply.json();
        assertThat(created.get("format").asText()).isEqualTo("qcow2");
        assertThat(created.get("sha256").asText()).isEqualTo(sha256(image));
        assertThat(created.get("datastoreId").asText()).isEqualTo(datastore);
        assertThat(volumes("host-1")).containsKey("base");
        assertThat(server.get("/api/v1/images?datastore=vms").json().get("items")).hasSize(1);
    }

    @Test
    @DisplayName("an upload whose checksum does not match answers 422 with both sums and leaves no volume")
    void corruptUpload() throws Exception {
        byte[] image = qcow2(1);

        TestServer.Reply reply = upload("base", image, "0".repeat(64));

        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.json().get("detail").asText()).contains("does not match its checksum")
                .contains(sha256(image)).contains("nothing was kept");
        assertThat(volumes("host-1")).doesNotContainKey("base");
        assertThat(server.get("/api/v1/images").json().get("items")).isEmpty();
    }

    @Test
    @DisplayName("a template's VMs are linked clones of its image with a cloud-init seed, made on the chosen host")
    void linkedClonesWithCloudInit() throws Exception {
        String image = upload("base", qcow2(1), null).json().get("id").asText();
        assertThat(server.post("/api/v1/templates", "{\"name\":\"tiny\",\"image\":\"base\",\"vcpus\":1,"
                + "\"memoryMib\":128,\"diskGib\":2}").status()).isEqualTo(201);
        server.post("/api/v1/networks", "{\"siteId\":\"site-1\",\"name\":\"lan\"}");

        TestServer.Reply reply = server.post("/api/v1/vms", "{\"name\":\"web-1\",\"template\":\"tiny\","
                + "\"nics\":[{\"network\":\"lan\"}],\"cloudInit\":{\"users\":[{\"name\":\"root\",\"sshKeys\":[\""
                + KEY + "\"]}],\"network\":{\"address\":\"10.79.8.11/24\"}}}");

        JsonNode operation = server.awaitFinal(reply);
        assertThat(operation.get("state").asText()).as(operation.toString()).isEqualTo("DONE");
        JsonNode vm = server.get("/api/v1/vms/" + operation.get("target").asText()).json();
        JsonNode disks = vm.get("disks");
        assertThat(disks).hasSize(2);
        assertThat(disks.get(0).get("linked").asBoolean()).isTrue();
        assertThat(disks.get(0).get("image").asText()).isEqualTo(image);
        assertThat(disks.get(1).get("readOnly").asBoolean()).isTrue();
        String host = vm.get("hostId").asText();
        Map<String, VolumeFacts> volumes = volumes(host);
        VolumeFacts root = volumes.get(disks.get(0).get("volume").asText());
        assertThat(root.format()).isEqualTo("qcow2");
        assertThat(root.backingStore()).hasValueSatisfying(path -> assertThat(path).endsWith("/base"));
        assertThat(root.capacityBytes()).isEqualTo(2 * GIB);
        assertThat(volumes.get(disks.get(1).get("volume").asText()).format()).isEqualTo("iso");
        assertThat(server.steps(operation)).anySatisfy(step -> assertThat(step).startsWith("make linked clone"))
                .anySatisfy(step -> assertThat(step).startsWith("write cloud-init seed"));
        assertThat(server.hypervisor.definition(host, vm.get("id").asText()).orElseThrow().disks())
                .extracting(d -> d.pool().orElseThrow()).containsOnly("vms");
    }

    @Test
    @DisplayName("bad input answers 4xx with the sentence and makes nothing: unknown template, disk too large, MAC taken")
    void refusals() throws Exception {
        upload("base", qcow2(1), null);
        server.post("/api/v1/networks", "{\"siteId\":\"site-1\",\"name\":\"lan\"}");
        int before = volumes("host-1").size();

        TestServer.Reply unknown = server.post("/api/v1/vms", "{\"name\":\"a\",\"template\":\"nope\"}");
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.json().get("detail").asText()).isEqualTo("Field 'template' names no template: 'nope'.");

        TestServer.Reply large = server.post("/api/v1/vms", "{\"name\":\"b\",\"vcpus\":1,\"memoryMib\":128,"
                + "\"disks\":[{\"datastore\":\"vms\",\"sizeGib\":500}]}");
        assertThat(large.status()).isEqualTo(409);
        assertThat(large.json().get("detail").asText()).startsWith("Datastore 'vms' has ")
                .endsWith("GiB free; the VM's disks on it ask 500.0 GiB.");

        server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"c\",\"vcpus\":1,\"memoryMib\":128,"
                + "\"nics\":[{\"network\":\"lan\",\"mac\":\"52:54:00:aa:bb:cc\"}]}"));
        TestServer.Reply taken = server.post("/api/v1/vms", "{\"name\":\"d\",\"vcpus\":1,\"memoryMib\":128,"
                + "\"disks\":[{\"image\":\"base\"}],\"nics\":[{\"network\":\"lan\",\"mac\":\"52:54:00:aa:bb:cc\"}]}");
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.json().get("detail").asText()).isEqualTo("MAC address 52:54:00:aa:bb:cc is already used by"
                + " VM 'c'.");

        TestServer.Reply badKey = server.post("/api/v1/vms", "{\"name\":\"e\",\"vcpus\":1,\"memoryMib\":128,"
                + "\"disks\":[{\"image\":\"base\"}],\"cloudInit\":{\"users\":[{\"name\":\"root\",\"sshKeys\":[\"x\"]}]}}");
        assertThat(badKey.status()).isEqualTo(422);
        assertThat(badKey.json().get("detail").asText()).startsWith("Field 'cloudInit': SSH key of user 'root'");

        assertThat(volumes("host-1")).hasSize(before);
        assertThat(server.get("/api/v1/vms").json().get("items")).extracting(vm -> vm.get("name").asText())
                .containsExactly("c");
    }

    @Test
    @DisplayName("a full clone copies the image; an empty disk is a new qcow2 volume of its size")
    void fullCloneAndEmptyDisk() throws Exception {
        upload("base", qcow2(1), null);

        JsonNode operation = server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"db\",\"vcpus\":1,"
                + "\"memoryMib\":128,\"disks\":[{\"image\":\"base\",\"clone\":\"full\"},{\"datastore\":\"vms\","
                + "\"sizeGib\":3}],\"firmware\":\"uefi\",\"boot\":[\"network\",\"disk\"]}"));

        assertThat(operation.get("state").asText()).as(operation.toString()).isEqualTo("DONE");
        JsonNode vm = server.get("/api/v1/vms/" + operation.get("target").asText()).json();
        Map<String, VolumeFacts> volumes = volumes(vm.get("hostId").asText());
        VolumeFacts copy = volumes.get(vm.get("disks").get(0).get("volume").asText());
        assertThat(copy.backingStore()).isEmpty();
        assertThat(vm.get("disks").get(0).get("linked").asBoolean()).isFalse();
        assertThat(volumes.get(vm.get("disks").get(1).get("volume").asText()).capacityBytes()).isEqualTo(3 * GIB);
        assertThat(vm.get("firmware").asText()).isEqualTo("UEFI");
        assertThat(vm.get("boot")).extracting(JsonNode::asText).containsExactly("NETWORK", "DISK");
    }

    @Test
    @DisplayName("an existing volume (a LUN, a file put there by hand) is a disk as it is; a second VM cannot take it")
    void existingVolume() {
        server.hypervisor.createVolume("host-1", "vms", "lun-1", 2 * 1024, "raw");
        String body = "{\"name\":\"%s\",\"vcpus\":1,\"memoryMib\":128,\"disks\":[{\"datastore\":\"vms\","
                + "\"volume\":\"lun-1\"}]}";

        JsonNode operation = server.awaitFinal(server.post("/api/v1/vms", body.formatted("db")));

        assertThat(operation.get("state").asText()).as(operation.toString()).isEqualTo("DONE");
        assertThat(server.steps(operation)).noneSatisfy(step -> assertThat(step).contains("volume"));
        JsonNode disk = server.get("/api/v1/vms/" + operation.get("target").asText()).json().get("disks").get(0);
        assertThat(disk.get("volume").asText()).isEqualTo("lun-1");
        assertThat(disk.get("format").asText()).isEqualTo("raw");
        assertThat(disk.get("sizeGib").asLong()).isEqualTo(2);
        TestServer.Reply second = server.post("/api/v1/vms", body.formatted("other"));
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.json().get("detail").asText()).isEqualTo("Volume 'lun-1' of datastore 'vms' is a disk of VM"
                + " 'db' already.");
        TestServer.Reply missing = server.post("/api/v1/vms", body.formatted("x").replace("lun-1", "lun-9"));
        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.json().get("detail").asText()).isEqualTo("Field 'disks[0].volume' names no volume of"
                + " datastore 'vms': 'lun-9'.");
    }

    @Test
    @DisplayName("an image a template or a linked clone uses cannot be deleted; a free one goes with its volume")
    void deletingImages() throws Exception {
        String image = upload("base", qcow2(1), null).json().get("id").asText();
        server.post("/api/v1/templates", "{\"name\":\"tiny\",\"image\":\"base\",\"vcpus\":1,\"memoryMib\":128}");

        TestServer.Reply refused = server.delete("/api/v1/images/" + image);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("detail").asText()).isEqualTo("Image 'base' is the image of template(s) tiny:"
                + " delete them first.");

        assertThat(server.delete("/api/v1/templates/tiny").status()).isEqualTo(204);
        assertThat(server.delete("/api/v1/images/" + image).status()).isEqualTo(204);
        assertThat(volumes("host-1")).doesNotContainKey("base");
    }

    @Test
    @DisplayName("a VM deleted with disks=delete takes its linked clone's layer and its seed along, never the image;"
            + " deleted as by default, its volumes stay")
    void deletingWithDisks() throws Exception {
        upload("base", qcow2(1), null);
        server.post("/api/v1/templates", "{\"name\":\"tiny\",\"image\":\"base\",\"vcpus\":1,\"memoryMib\":128}");
        JsonNode doomed = createdVm("{\"name\":\"doomed\",\"template\":\"tiny\",\"start\":false,"
                + "\"cloudInit\":{\"hostname\":\"doomed\"}}");
        JsonNode kept = createdVm("{\"name\":\"kept\",\"template\":\"tiny\",\"start\":false}");
        List<String> doomedVolumes = volumeNames(doomed);
        String keptVolume = volumeNames(kept).getFirst();
        assertThat(doomedVolumes).hasSize(2);

        JsonNode deleted = server.awaitFinal(server.delete("/api/v1/vms/" + doomed.get("id").asText()
                + "?disks=delete"));
        JsonNode keeping = server.awaitFinal(server.delete("/api/v1/vms/" + kept.get("id").asText()));

        assertThat(deleted.get("state").asText()).as(deleted.toString()).isEqualTo("DONE");
        String id = doomed.get("id").asText();
        String host = doomed.get("hostId").asText();
        assertThat(server.steps(deleted)).containsExactly(
                "power off VM " + id + " on " + host,
                "undefine VM " + id + " on " + host,
                "delete volume " + doomedVolumes.get(0) + " from pool vms on " + host,
                "delete volume " + doomedVolumes.get(1) + " from pool vms on " + host,
                "remove VM " + id + " from inventory");
        assertThat(keeping.get("state").asText()).as(keeping.toString()).isEqualTo("DONE");
        assertThat(server.steps(keeping)).noneSatisfy(step -> assertThat(step).contains("volume"));
        assertThat(volumes(host)).containsKeys("base", keptVolume).doesNotContainKeys(
                doomedVolumes.toArray(String[]::new));
        assertThat(server.get("/api/v1/vms/" + doomed.get("id").asText()).status()).isEqualTo(404);
    }

    @Test
    @DisplayName("an iSCSI LUN given to a VM outlives a delete with disks=delete, and the step's log says why")
    void lunIsKept() {
        server.hypervisor.addStorage(PoolType.ISCSI_DIRECT, PoolSource.iscsiDirect("san", "iqn.2026-12.dev.san:t",
                "iqn.2026-12.dev.paddock:h1"), 4 * GIB);
        JsonNode made = server.awaitFinal(server.post("/api/v1/datastores", "{\"name\":\"san\",\"type\":"
                + "\"iscsi-direct\",\"source\":{\"host\":\"san\",\"iqn\":\"iqn.2026-12.dev.san:t\"},"
                + "\"hosts\":[\"h1\"]}"));
        assertThat(made.get("state").asText()).as(made.toString()).isEqualTo("DONE");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> server.get("/api/v1/datastores/"
                + made.get("target").asText()).json().get("hostIds").size() == 1);
        JsonNode vm = createdVm("{\"name\":\"db\",\"vcpus\":1,\"memoryMib\":128,\"hostId\":\"host-1\","
                + "\"disks\":[{\"datastore\":"
                + "\"san\",\"volume\":\"unit:0:0:1\"}]}");

        JsonNode deleted = server.awaitFinal(server.delete("/api/v1/vms/" + vm.get("id").asText()
                + "?disks=delete&force=true"));

        assertThat(deleted.get("state").asText()).as(deleted.toString()).isEqualTo("DONE");
        JsonNode step = deleted.get("steps").get(2);
        assertThat(step.get("description").asText()).isEqualTo("delete volume unit:0:0:1 from pool san on host-1");
        assertThat(step.get("log").asText()).contains("kept volume unit:0:0:1: it is a LUN of iSCSI pool san on"
                + " host-1, and a LUN cannot be deleted");
        assertThat(server.hypervisor.volumes("host-1", "san")).extracting(VolumeFacts::name)
                .containsExactly("unit:0:0:1");
    }

    @Test
    @DisplayName("disks= other than keep or delete is a 422 with one sentence, and the VM stays")
    void unknownDisksChoice() {
        JsonNode vm = createdVm("{\"name\":\"web\",\"vcpus\":1,\"memoryMib\":128,\"start\":false}");

        TestServer.Reply reply = server.delete("/api/v1/vms/" + vm.get("id").asText() + "?disks=shred");

        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.json().get("detail").asText()).isEqualTo("Query parameter 'disks' must be keep or delete,"
                + " not 'shred'.");
        assertThat(server.get("/api/v1/vms/" + vm.get("id").asText()).status()).isEqualTo(200);
    }

    /** A VM created through the API, its create DONE; as the API shows it. */
    private JsonNode createdVm(String body) {
        JsonNode operation = server.awaitFinal(server.post("/api/v1/vms", body));
        assertThat(operation.get("state").asText()).as(operation.toString()).isEqualTo("DONE");
        return server.get("/api/v1/vms/" + operation.get("target").asText()).json();
    }

    private static List<String> volumeNames(JsonNode vm) {
        List<String> names = new java.util.ArrayList<>();
        vm.get("disks").forEach(disk -> names.add(disk.get("volume").asText()));
        return names;
    }

    private TestServer.Reply upload(String name, byte[] bytes, String sha256) {
        String query = "?name=" + name + (sha256 == null ? "" : "&sha256=" + sha256);
        return server.send(HttpRequest.newBuilder(server.url().resolve("/api/v1/datastores/" + datastore + "/images"
                        + query)).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    }

    private Map<String, VolumeFacts> volumes(String host) {
        List<VolumeFacts> listed = server.hypervisor.volumes(host, "vms");
        return listed.stream().collect(Collectors.toMap(VolumeFacts::name, Function.identity()));
    }

    /** The first bytes of a qcow2 image of {@code gib} GiB: its magic, version 3 and virtual size. */
    private static byte[] qcow2(int gib) {
        byte[] header = new byte[4096];
        header[0] = 'Q';
        header[1] = 'F';
        header[2] = 'I';
        header[3] = (byte) 0xfb;
        header[7] = 3;
        long size = (long) gib << 30;
        for (int i = 0; i < 8; i++) {
            header[24 + i] = (byte) (size >>> (56 - 8 * i));
        }
        return header;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
