package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Backup repositories as a client of the API keeps them: made or opened under the server's backup roots only, an
 * encrypted one's key shown once and needed to open it again, and clear refusals that leave nothing behind.
 */
class BackupApiTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    TestServer server;

    @Test
    void aRepositoryIsMadeListedForgottenAndOpenedAgain() throws Exception {
        Path where = server.backupRoot().resolve("main");
        TestServer.Reply made = server.post("/api/v1/backup-repositories", "{\"name\":\"main\",\"path\":\""
                + where + "\"}");
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        assertThat(made.json().get("created").asBoolean()).isTrue();
        assertThat(made.json().get("encrypted").asBoolean()).isFalse();
        assertThat(Files.exists(where.resolve("repository.json"))).isTrue();
        assertThat(server.get("/api/v1/backup-repositories").json().get("items")).hasSize(1);
        assertThat(server.get("/api/v1/backup-repositories/main/points").json().get("items")).isEmpty();
        assertThat(server.get("/api/v1/backup-repositories/main/points/nope").status()).isEqualTo(404);
        TestServer.Reply verified = server.post("/api/v1/backup-repositories/main/verify", "");
        assertThat(verified.status()).as(verified.body()).isEqualTo(200);
        assertThat(verified.json().get("clean").asBoolean()).isTrue();
        TestServer.Reply pruned = server.post("/api/v1/backup-repositories/main/prune", "{\"keepLast\":3}");
        assertThat(pruned.status()).as(pruned.body()).isEqualTo(200);

        assertThat(server.delete("/api/v1/backup-repositories/main").status()).isEqualTo(204);
        assertThat(Files.exists(where.resolve("repository.json"))).as("the directory stays").isTrue();
        TestServer.Reply again = server.post("/api/v1/backup-repositories", "{\"name\":\"back\",\"path\":\""
                + where + "\"}");
        assertThat(again.status()).as(again.body()).isEqualTo(201);
        assertThat(again.json().get("created").asBoolean()).as("the one there is opened").isFalse();
    }

    @Test
    void anEncryptedRepositoryOpensOnlyWithItsKey() {
        Path where = server.backupRoot().resolve("sealed");
        TestServer.Reply made = server.post("/api/v1/backup-repositories", "{\"name\":\"sealed\",\"path\":\""
                + where + "\",\"encrypt\":true}");
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        String key = made.json().get("key").asText();
        assertThat(server.get("/api/v1/backup-repositories/sealed").body()).doesNotContain(key);
        assertThat(server.delete("/api/v1/backup-repositories/sealed").status()).isEqualTo(204);

        String otherKey = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        assertThat(detail(server.post("/api/v1/backup-repositories", "{\"name\":\"again\",\"path\":\"" + where
                + "\",\"key\":\"" + otherKey + "\"}"), 422)).contains("does not open").contains("another key");
        assertThat(detail(server.post("/api/v1/backup-repositories", "{\"name\":\"again\",\"path\":\"" + where
                + "\"}"), 422)).contains("is encrypted");
        TestServer.Reply opened = server.post("/api/v1/backup-repositories", "{\"name\":\"again\",\"path\":\""
                + where + "\",\"key\":\"" + key + "\"}");
        assertThat(opened.status()).as(opened.body()).isEqualTo(201);
        assertThat(opened.json().get("encrypted").asBoolean()).isTrue();
    }

    @Test
    void badRequestsAreRefusedWithASentenceAndNothingMade() throws Exception {
        assertThat(detail(server.post("/api/v1/backup-repositories", "{\"name\":\"etc\",\"path\":\"/etc/paddock-x\"}"),
                422)).contains("backup roots");
        assertThat(Files.exists(Path.of("/etc/paddock-x"))).isFalse();
        assertThat(detail(server.post("/api/v1/backup-repositories", "{\"name\":\"up\",\"path\":\""
                + server.backupRoot() + "/../escape\"}"), 422)).contains("backup roots");
        assertThat(detail(server.post("/api/v1/backup-repositories", "{\"name\":\"rel\",\"path\":\"relative\"}"),
                422)).contains("absolute");
        assertThat(detail(server.post("/api/v1/backup-repositories", "{\"name\":\"k\",\"path\":\""
                + server.backupRoot().resolve("k") + "\",\"key\":\"short\"}"), 422)).contains("32 bytes");
        assertThat(server.get("/api/v1/backup-repositories").json().get("items")).isEmpty();
        assertThat(detail(server.get("/api/v1/backup-repositories/none"), 404)).contains("no backup repository");

        server.post("/api/v1/backup-repositories", "{\"name\":\"main\",\"path\":\"" + server.backupRoot()
                .resolve("main") + "\"}");
        assertThat(detail(server.post("/api/v1/backup-repositories", "{\"name\":\"main\",\"path\":\""
                + server.backupRoot().resolve("other") + "\"}"), 409)).contains("named 'main' exists");
        String vmId = server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"web\",\"vcpus\":1,"
                + "\"memoryMib\":512}")).get("target").asText();
        assertThat(detail(server.post("/api/v1/vms/" + vmId + "/backup", "{\"repository\":\"none\"}"), 404))
                .contains("no backup repository none");
        assertThat(detail(server.post("/api/v1/vms/nope/backup", "{\"repository\":\"main\"}"), 404)).contains("nope");
        assertThat(detail(server.post("/api/v1/vms/" + vmId + "/backup", "{}"), 422)).contains("repository");
    }

    @Test
    void aRestoreOntoADatastoreTooSmallOrOfAPointThatIsNotThereIsRefusedAndNothingIsMade() throws Exception {
        String datastore = nfsDatastore("tiny", 1L << 20);
        Path where = repository();
        dev.paddock.model.Vm backedUp = new dev.paddock.model.Vm("vm-1", "web", TestServer.CLUSTER.id(),
                java.util.Optional.empty(), dev.paddock.model.Resources.of(1000, 512, 0, 0),
                dev.paddock.model.VmState.RUNNING, dev.paddock.model.VmOrigin.MANAGED, "", 0, java.util.Set.of(),
                java.util.Set.of(), java.util.Set.of(), java.util.List.of(new dev.paddock.model.Disk("root", datastore,
                        1)), java.util.List.of());
        byte[] disk = new byte[8 << 20];
        new java.util.Random(3).nextBytes(disk);
        String point;
        var repository = dev.paddock.backup.BackupRepository.open(where, java.util.Optional.empty());
        try (var writer = repository.begin("vm-1", dev.paddock.json.Json.mapper().writeValueAsString(backedUp),
                java.time.Instant.now(), java.util.Optional.empty())) {
            writer.writeDisk("vda", new java.io.ByteArrayInputStream(disk));
            point = writer.commit().id();
        }
        int operations = server.get("/api/v1/operations").json().get("items").size();

        assertThat(detail(server.post("/api/v1/backup-repositories/main/points/" + point + "/restore",
                "{\"name\":\"copy\",\"datastore\":\"tiny\"}"), 409)).contains("tiny").contains("bytes free")
                .contains("need");
        assertThat(detail(server.post("/api/v1/backup-repositories/main/points/no-such-point/restore",
                "{\"name\":\"copy\",\"datastore\":\"tiny\"}"), 404)).contains("no restore point no-such-point");
        assertThat(server.get("/api/v1/vms").json().get("items")).noneMatch(vm -> vm.get("name").asText()
                .equals("copy"));
        assertThat(server.get("/api/v1/operations").json().get("items")).as("no operation started").hasSize(operations);
    }

    @Test
    void aRestoreInPlaceWaitsForTheVmToStopThenGivesItNewVolumesAndDeletesTheOldOnesOnly() throws Exception {
        String datastore = nfsDatastore("vms", 40L << 30);
        Path where = repository();
        JsonNode created = server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"web\",\"vcpus\":1,"
                + "\"memoryMib\":256,\"disks\":[{\"datastore\":\"" + datastore + "\",\"sizeGib\":1}]}"));
        assertThat(created.get("state").asText()).as(created.toString()).isEqualTo("DONE");
        String vmId = created.get("target").asText();
        dev.paddock.model.Vm backedUp = server.store.vm(vmId).orElseThrow();
        String host = backedUp.hostId().orElseThrow();
        String pool = server.store.datastore(datastore).orElseThrow().pools().get(host);
        String oldVolume = backedUp.disks().getFirst().volume();
        String point;
        var repository = dev.paddock.backup.BackupRepository.open(where, java.util.Optional.empty());
        try (var writer = repository.begin(vmId, dev.paddock.json.Json.mapper().writeValueAsString(backedUp),
                java.time.Instant.now(), java.util.Optional.empty())) {
            writer.writeDisk("vda", new java.io.ByteArrayInputStream(new byte[1 << 20]));
            point = writer.commit().id();
        }
        int operations = server.get("/api/v1/operations").json().get("items").size();
        String restore = "/api/v1/backup-repositories/main/points/" + point + "/restore";

        assertThat(detail(server.post(restore, "{\"inPlace\":true}"), 409)).contains("VM 'web' is running; stop"
                + " it before restoring its disks in place");
        assertThat(detail(server.post(restore, "{\"inPlace\":true,\"name\":\"other\"}"), 422))
                .contains("'name' and 'host' are for a restore as a new VM");
        assertThat(detail(server.post(restore, "{\"inPlace\":true,\"disks\":[\"vdb\"]}"), 422))
                .contains("holds no disk 'vdb'; it holds vda");
        assertThat(detail(server.post(restore, "{\"inPlace\":true,\"disks\":[]}"), 422))
                .contains("Field 'disks' names no disk");
        assertThat(server.get("/api/v1/operations").json().get("items")).as("no operation started").hasSize(operations);

        assertThat(server.awaitFinal(server.post("/api/v1/vms/" + vmId + "/stop?force=true", "")).get("state")
                .asText()).isEqualTo("DONE");
        JsonNode restored = server.awaitFinal(server.post(restore, "{\"inPlace\":true,\"disks\":[\"vda\"]}"));

        assertThat(restored.get("state").asText()).as(restored.toString()).isEqualTo("DONE");
        assertThat(restored.get("target").asText()).isEqualTo(vmId);
        assertThat(restored.toString()).contains("forget the checkpoints of VM " + vmId);
        dev.paddock.model.Vm after = server.store.vm(vmId).orElseThrow();
        String newVolume = after.disks().getFirst().volume();
        assertThat(newVolume).startsWith("web-").endsWith(".qcow2").isNotEqualTo(oldVolume);
        assertThat(after.hostId()).contains(host);
        assertThat(server.hypervisor.volumes(host, pool)).extracting(dev.paddock.hypervisor.VolumeFacts::name)
                .contains(newVolume).doesNotContain(oldVolume);
    }

    /** A netfs datastore of {@code bytes} on both hosts, once both have started its pool: its id. */
    private String nfsDatastore(String name, long bytes) {
        server.hypervisor.addStorage(dev.paddock.hypervisor.PoolType.NETFS,
                dev.paddock.hypervisor.PoolSource.nfs("nas", "/export/" + name), bytes);
        String datastore = server.awaitFinal(server.post("/api/v1/datastores", "{\"name\":\"" + name + "\",\"type\":"
                + "\"netfs\",\"source\":{\"host\":\"nas\",\"path\":\"/export/" + name + "\"},\"hosts\":[\"h1\","
                + "\"h2\"]}")).get("target").asText();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                server.get("/api/v1/datastores/" + datastore).json().get("hostIds").size() == 2);
        return datastore;
    }

    /** Repository "main" made under the server's backup root: its directory. */
    private Path repository() {
        Path where = server.backupRoot().resolve("main");
        assertThat(server.post("/api/v1/backup-repositories", "{\"name\":\"main\",\"path\":\"" + where + "\"}")
                .status()).isEqualTo(201);
        return where;
    }

    private static String detail(TestServer.Reply reply, int status) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        JsonNode body = reply.json();
        return body.get("detail").asText();
    }
}
