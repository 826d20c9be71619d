package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.model.Datastore;
import dev.paddock.model.NfsExport;
import java.net.http.HttpRequest;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The image library and VM disks on an nfs datastore whose NFS server does not answer (the export at 127.0.0.1,
 * where nothing serves NFS): what is refused before a byte moves, and a create whose disk the server cannot make
 * rolls back with libnfs's reason. The lab's LabNfsImageTest does the same against a real NFS server.
 */
class NfsImageApiTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    private static final long GIB = 1L << 30;
    private static final NfsExport EXPORT = new NfsExport("127.0.0.1", "/export/vms");

    TestServer server;

    @BeforeEach
    void anNfsDatastoreNobodyServes() {
        server.store.put(Datastore.onNfs("nas-1", TestServer.SITE.id(), "nas", Set.of(TestServer.HOST_1.id(),
                TestServer.HOST_2.id()), EXPORT, 100 * GIB, 60 * GIB));
    }

    @Test
    @DisplayName("a file on a host cannot be imported onto an NFS export no host mounts: 409 saying to upload it")
    void importRefused() {
        TestServer.Reply reply = server.post("/api/v1/datastores/nas/images/import",
                "{\"name\":\"base\",\"host\":\"h1\",\"path\":\"/var/lib/images/base.qcow2\"}");

        assertThat(reply.status()).as(reply.body()).isEqualTo(409);
        assertThat(reply.json().get("detail").asText()).isEqualTo("Datastore 'nas' is an NFS export that no host"
                + " mounts, so no host can copy a file into it: upload the image instead (POST /api/v1/datastores/"
                + "nas-1/images).");
        assertThat(server.get("/api/v1/images").json().get("items")).isEmpty();
    }

    @Test
    @DisplayName("an upload to an NFS server that does not answer is refused with libnfs's reason and records nothing")
    void uploadToSilentServer() {
        TestServer.Reply reply = server.send(HttpRequest.newBuilder(server.url().resolve(
                "/api/v1/datastores/nas/images?name=base.qcow2")).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[4096])));

        assertThat(reply.status()).as(reply.body()).isEqualTo(409);
        assertThat(reply.json().get("detail").asText()).startsWith("Cannot read NFS export nfs://127.0.0.1/export/vms: ");
        assertThat(server.get("/api/v1/images").json().get("items")).isEmpty();
    }

    @Test
    @DisplayName("a VM whose empty disk is on an nfs datastore has it made on the export by the server; a server that"
            + " does not answer rolls the create back")
    void createRolledBack() {
        JsonNode operation = server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"web\",\"vcpus\":1,"
                + "\"memoryMib\":512,\"disks\":[{\"datastore\":\"nas\",\"sizeGib\":2}]}"));

        assertThat(operation.get("state").asText()).as(operation.toString()).isEqualTo("FAILED");
        assertThat(operation.get("steps").get(0).get("state").asText()).as("the VM's record").isEqualTo("ROLLED_BACK");
        assertThat(operation.get("steps")).extracting(step -> step.get("description").asText())
                .anySatisfy(step -> assertThat(step).matches("create qcow2 volume web-[0-9a-f]{8}-root\\.qcow2 of "
                        + 2 * GIB + " bytes on nfs://127\\.0\\.0\\.1/export/vms"));
        assertThat(operation.get("error").asText()).contains("NFS export nfs://127.0.0.1/export/vms");
        assertThat(server.get("/api/v1/vms").json().get("items")).isEmpty();
    }

    @Test
    @DisplayName("disks asked beyond what the nfs datastore has free are refused before anything is made")
    void overfullRefused() {
        TestServer.Reply reply = server.post("/api/v1/vms", "{\"name\":\"web\",\"vcpus\":1,\"memoryMib\":512,"
                + "\"disks\":[{\"datastore\":\"nas\",\"sizeGib\":61}]}");

        assertThat(reply.status()).as(reply.body()).isEqualTo(409);
        assertThat(reply.json().get("detail").asText()).isEqualTo("Datastore 'nas' has 60.0 GiB free; the VM's disks"
                + " on it ask 61.0 GiB.");
    }
}
