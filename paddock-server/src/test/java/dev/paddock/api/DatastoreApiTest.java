package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.hypervisor.PoolSource;
import dev.paddock.hypervisor.PoolType;
import dev.paddock.sim.CallKind;
import dev.paddock.sim.Fault;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Datastores created as storage pools on chosen hosts, as one Operation that leaves nothing half-made. */
class DatastoreApiTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    private static final long GIB = 1L << 30;
    private static final String NFS = "{\"name\":\"vms\",\"type\":\"netfs\",\"source\":{\"host\":\"nas\","
            + "\"path\":\"/export/vms\"},\"hosts\":[\"h1\",\"h2\"]}";

    TestServer server;

    @BeforeEach
    void anNfsServer() {
        server.hypervisor.addStorage(PoolType.NETFS, PoolSource.nfs("nas", "/export/vms"), 40 * GIB);
    }

    @Test
    @DisplayName("an NFS datastore on two hosts is one Operation, then one shared datastore with libvirt's sizes")
    void nfsOnTwoHosts() {
        TestServer.Reply reply = server.post("/api/v1/datastores", NFS);

        JsonNode operation = server.awaitFinal(reply);
        assertThat(operation.get("state").asText()).isEqualTo("DONE");
        assertThat(server.steps(operation)).containsExactly("record datastore vms in inventory",
                "define netfs storage pool vms on host-1", "define netfs storage pool vms on host-2",
                "record datastore vms in inventory, reached through host-1, host-2");
        server.hypervisor.createVolume("host-1", "vms", "disk.qcow2", 4 * 1024, "qcow2");
        String id = operation.get("target").asText();
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode datastore = server.get("/api/v1/datastores/" + id).json();
            assertThat(datastore.get("shared").asBoolean()).isTrue();
            assertThat(datastore.get("hostIds")).hasSize(2);
            assertThat(datastore.get("capacityBytes").asLong()).isEqualTo(40 * GIB);
            assertThat(datastore.get("freeBytes").asLong()).isEqualTo(36 * GIB);
            assertThat(datastore.get("type").asText()).isEqualTo("netfs");
        });
        JsonNode volumes = server.get("/api/v1/datastores/" + id + "/volumes").json();
        assertThat(volumes.get("items")).singleElement()
                .satisfies(volume -> assertThat(volume.get("name").asText()).isEqualTo("disk.qcow2"));
    }

    @Test
    @DisplayName("a datastore's operation records its hosts: an image uploads to it at once, even when discovery read"
            + " the hosts while the pools were being made")
    void usableAtOnce() {
        // Defining a pool takes an hour of the simulated clock, and the first one 600 ms of real time as well: long
        // enough for discovery (every 200 ms here) to read both hosts before either has the pool.
        Fault slow = new Fault.SlowCalls(CallKind.STORAGE, Duration.ofHours(1));
        server.hypervisor.inject(slow);
        server.clock.schedule(server.clock.now().plus(Duration.ofMinutes(30)), () -> pause(Duration.ofMillis(600)));
        JsonNode operation = server.awaitFinal(server.post("/api/v1/datastores", NFS));
        server.hypervisor.heal(slow);
        String id = operation.get("target").asText();

        TestServer.Reply upload = server.send(HttpRequest.newBuilder(server.url().resolve("/api/v1/datastores/" + id
                + "/images?name=base")).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(qcow2Header())));

        assertThat(upload.status()).as(upload.body()).isEqualTo(201);
        assertThat(server.steps(operation)).last().isEqualTo("record datastore vms in inventory, reached through"
                + " host-1, host-2");
        assertThat(server.get("/api/v1/datastores/" + id + "/volumes").json().get("items"))
                .extracting(volume -> volume.get("name").asText()).containsExactly("base");
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The first bytes of a qcow2 image of 1 GiB: its magic, version 3 and virtual size. */
    private static byte[] qcow2Header() {
        byte[] header = new byte[4096];
        header[0] = 'Q';
        header[1] = 'F';
        header[2] = 'I';
        header[3] = (byte) 0xfb;
        header[7] = 3;
        header[24 + 4] = 0x40;
        return header;
    }

    @Test
    @DisplayName("a local dir on two hosts is one datastore per host, each host's pool under the name asked")
    void localDirOnTwoHosts() {
        TestServer.Reply reply = server.post("/api/v1/datastores", "{\"name\":\"local\",\"type\":\"dir\","
                + "\"source\":{\"path\":\"/var/lib/paddock/local\"},\"hosts\":[\"h1\",\"h2\"]}");

        JsonNode operation = server.awaitFinal(reply);
        assertThat(operation.get("state").asText()).isEqualTo("DONE");
        assertThat(server.steps(operation)).containsExactly("record datastore local in inventory",
                "define dir storage pool local on host-1", "record datastore local in inventory, reached through host-1",
                "record datastore local-2 in inventory", "define dir storage pool local on host-2",
                "record datastore local-2 in inventory, reached through host-2");
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode datastores = server.get("/api/v1/datastores").json().get("items");
            assertThat(datastores).extracting(d -> d.get("name").asText()).containsExactlyInAnyOrder("local",
                    "local-2");
            for (JsonNode datastore : datastores) {
                assertThat(datastore.get("shared").asBoolean()).isFalse();
                assertThat(datastore.get("hostIds")).hasSize(1);
                assertThat(datastore.get("pools").elements().next().asText()).isEqualTo("local");
            }
        });
    }

    @Test
    @DisplayName("deleting a datastore undefines its pool on each host and forgets it; a declared one goes at once")
    void deleted() {
        String id = server.awaitFinal(server.post("/api/v1/datastores", NFS)).get("target").asText();

        TestServer.Reply reply = server.delete("/api/v1/datastores/" + id);

        assertThat(reply.status()).isEqualTo(202);
        JsonNode operation = server.awaitFinal(reply);
        assertThat(operation.get("state").asText()).isEqualTo("DONE");
        assertThat(server.steps(operation)).containsExactly("undefine storage pool vms on host-1",
                "undefine storage pool vms on host-2", "remove datastore " + id + " from inventory");
        assertThat(server.hypervisor.pools("host-1")).extracting(p -> p.name()).doesNotContain("vms");
        assertThat(server.get("/api/v1/datastores/" + id).status()).isEqualTo(404);

        String declared = server.post("/api/v1/datastores", "{\"siteId\":\"site-1\",\"name\":\"old\","
                + "\"capacityGib\":10}").json().get("id").asText();
        assertThat(server.delete("/api/v1/datastores/" + declared).status()).isEqualTo(204);
        assertThat(server.get("/api/v1/datastores/" + declared).status()).isEqualTo(404);
    }

    @Test
    @DisplayName("a datastore that holds a VM's disk is not deleted: 409 with the VMs named")
    void inUse() {
        String declared = server.post("/api/v1/datastores", "{\"siteId\":\"site-1\",\"name\":\"busy\","
                + "\"capacityGib\":10}").json().get("id").asText();
        String holder = server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"holder\",\"vcpus\":1,"
                + "\"memoryMib\":256}")).get("target").asText();
        dev.paddock.model.Vm vm = server.store.vm(holder).orElseThrow();
        server.store.put(new dev.paddock.model.Vm(vm.id(), vm.name(), vm.clusterId(), vm.hostId(), vm.demand(),
                vm.state(), vm.origin(), vm.tier(), vm.haPriority(), vm.affinityGroups(), vm.antiAffinityGroups(),
                vm.licences(), java.util.List.of(new dev.paddock.model.Disk("root", declared, 1)), vm.nics(),
                vm.watchdog()));

        TestServer.Reply reply = server.delete("/api/v1/datastores/" + declared);

        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.json().get("detail").asText()).isEqualTo("Datastore 'busy' holds disks of 1 VM(s) ("
                + vm.name() + "): move or delete them first.");
        assertThat(server.get("/api/v1/datastores/" + declared).status()).isEqualTo(200);
    }

    @Test
    @DisplayName("a host that fails undoes the pools made before it and the record: nothing is left anywhere")
    void rollsBack() {
        server.hypervisor.inject(new Fault.HostIsolation("h2"));

        TestServer.Reply reply = server.post("/api/v1/datastores", NFS);
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> server.get(reply.location()).json().get("isFinal").asBoolean());
        JsonNode operation = server.get(reply.location()).json();

        assertThat(operation.get("state").asText()).isEqualTo("FAILED");
        assertThat(operation.get("steps").get(1).get("state").asText()).isEqualTo("ROLLED_BACK");
        assertThat(operation.get("steps").get(0).get("state").asText()).isEqualTo("ROLLED_BACK");
        assertThat(server.hypervisor.pools("host-1")).isEmpty();
        assertThat(server.get("/api/v1/datastores").json().get("items")).isEmpty();
        server.hypervisor.heal(new Fault.HostIsolation("h2"));
        assertThat(server.hypervisor.pools("host-2")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            an unknown host           | {"name":"x","type":"netfs","source":{"host":"nas","path":"/export/vms"},"hosts":["h9"]}  | 422 | Field 'hosts' names no host: 'h9'.
            an unknown type           | {"name":"x","type":"zfs","source":{"path":"/d"},"hosts":["h1"]}                           | 422 | Field 'type' must be one of [dir, netfs, iscsi, iscsi-direct, rbd, nfs], not 'zfs'.
            no source                 | {"name":"x","type":"dir","hosts":["h1"]}                                                   | 422 | Field 'source' is required.
            an export without server  | {"name":"x","type":"netfs","source":{"path":"/export/vms"},"hosts":["h1"]}                | 422 | Field 'source' of a netfs datastore is not right: the NFS server is required, as a host name or address.
            no hosts                  | {"name":"x","type":"dir","source":{"path":"/d"}}                                           | 422 | Field 'hosts' is required: name at least one host.
            an nfs export without path | {"name":"x","type":"nfs","source":{"host":"nas"},"hosts":["h1"]}                          | 422 | Field 'source.path' is required.
            an nfs export not absolute | {"name":"x","type":"nfs","source":{"host":"nas","path":"vms"},"hosts":["h1"]}             | 422 | Field 'source' of an nfs datastore is not right: the export must be an absolute path, not 'vms'.
            an nfs datastore, no hosts | {"name":"x","type":"nfs","source":{"host":"nas","path":"/vms"}}                           | 422 | Field 'hosts' is required: name at least one host.
            """)
    void refused(String which, String body, int status, String detail) {
        TestServer.Reply reply = server.post("/api/v1/datastores", body);

        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.json().get("detail").asText()).isEqualTo(detail);
        assertThat(server.hypervisor.pools("host-1")).isEmpty();
        assertThat(server.get("/api/v1/datastores").json().get("items")).isEmpty();
    }

    @Test
    @DisplayName("a second datastore of the same name, or over the same storage, is a 409")
    void duplicates() {
        server.awaitFinal(server.post("/api/v1/datastores", NFS));

        TestServer.Reply sameName = server.post("/api/v1/datastores",
                "{\"name\":\"vms\",\"type\":\"dir\",\"source\":{\"path\":\"/d\"},\"hosts\":[\"h1\"]}");
        TestServer.Reply sameStorage = server.post("/api/v1/datastores", NFS.replace("\"vms\"", "\"other\""));

        assertThat(sameName.status()).isEqualTo(409);
        assertThat(sameName.json().get("detail").asText()).isEqualTo("A datastore named 'vms' already exists.");
        assertThat(sameStorage.status()).isEqualTo(409);
        assertThat(sameStorage.json().get("detail").asText()).isEqualTo("Datastore 'vms' holds that storage already.");
    }

    @Test
    @DisplayName("when no host of a datastore answers, listing its volumes is a 409 that names each host's reason")
    void volumesWithEveryHostDown() {
        String id = server.awaitFinal(server.post("/api/v1/datastores", NFS)).get("target").asText();
        for (String host : List.of("host-1", "host-2")) {
            assertThat(server.post("/api/v1/sim/hosts/" + host + "/faults", "{\"fault\":\"crash\"}").status())
                    .isEqualTo(200);
        }

        TestServer.Reply volumes = server.get("/api/v1/datastores/" + id + "/volumes");

        assertThat(volumes.status()).as(volumes.body()).isEqualTo(409);
        assertThat(volumes.json().get("detail").asText()).startsWith("No host can list the volumes of datastore"
                + " 'vms' now: ").contains("host-1", "host-2", "powered off").endsWith(".");
    }

    @Test
    @DisplayName("a datastore declared by hand has no volumes to list: a 409 that says so")
    void declaredHasNoVolumes() {
        TestServer.Reply declared = server.post("/api/v1/datastores",
                "{\"siteId\":\"site-1\",\"name\":\"old\",\"capacityGib\":10}");

        TestServer.Reply volumes = server.get(declared.location() + "/volumes");

        assertThat(volumes.status()).isEqualTo(409);
        assertThat(volumes.json().get("detail").asText()).startsWith("Datastore 'old' was declared by hand");
    }

    @Test
    @DisplayName("an nfs datastore whose export the server cannot reach is refused with libnfs's reason, and nothing"
            + " is recorded")
    void unreachableNfsExport() {
        TestServer.Reply reply = server.post("/api/v1/datastores", "{\"name\":\"nas\",\"type\":\"nfs\","
                + "\"source\":{\"host\":\"127.0.0.1\",\"path\":\"/export/vms\"},\"hosts\":[\"h1\",\"h2\"]}");

        assertThat(reply.status()).as(reply.body()).isEqualTo(422);
        assertThat(reply.json().get("detail").asText())
                .startsWith("Cannot read the size of NFS export nfs://127.0.0.1/export/vms: ");
        assertThat(server.get("/api/v1/datastores").json().get("items")).isEmpty();
    }

    @Test
    @DisplayName("volumes are made and removed by the server only on nfs datastores: a pool's answers 409")
    void volumesOnlyOnNfs() {
        String id = server.awaitFinal(server.post("/api/v1/datastores", NFS)).get("target").asText();

        TestServer.Reply made = server.post("/api/v1/datastores/" + id + "/volumes",
                "{\"name\":\"disk.qcow2\",\"sizeGib\":1}");
        TestServer.Reply removed = server.delete("/api/v1/datastores/" + id + "/volumes/disk.qcow2");

        assertThat(made.status()).as(made.body()).isEqualTo(409);
        assertThat(made.json().get("detail").asText()).isEqualTo("Datastore 'vms' is of type netfs: Paddock makes and"
                + " removes volumes itself only on nfs datastores.");
        assertThat(removed.status()).as(removed.body()).isEqualTo(409);
    }
}
