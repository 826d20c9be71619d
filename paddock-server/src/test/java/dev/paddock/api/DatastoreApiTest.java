package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.hypervisor.PoolSource;
import dev.paddock.hypervisor.PoolType;
import dev.paddock.sim.Fault;
import java.time.Duration;
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
                "define netfs storage pool vms on host-1", "define netfs storage pool vms on host-2");
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
    @DisplayName("a local dir on two hosts is one datastore per host, each host's pool under the name asked")
    void localDirOnTwoHosts() {
        TestServer.Reply reply = server.post("/api/v1/datastores", "{\"name\":\"local\",\"type\":\"dir\","
                + "\"source\":{\"path\":\"/var/lib/paddock/local\"},\"hosts\":[\"h1\",\"h2\"]}");

        JsonNode operation = server.awaitFinal(reply);
        assertThat(operation.get("state").asText()).isEqualTo("DONE");
        assertThat(server.steps(operation)).containsExactly("record datastore local in inventory",
                "define dir storage pool local on host-1", "record datastore local-2 in inventory",
                "define dir storage pool local on host-2");
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
            an unknown type           | {"name":"x","type":"zfs","source":{"path":"/d"},"hosts":["h1"]}                           | 422 | Field 'type' must be one of [dir, netfs, iscsi, iscsi-direct, rbd], not 'zfs'.
            no source                 | {"name":"x","type":"dir","hosts":["h1"]}                                                   | 422 | Field 'source' is required.
            an export without server  | {"name":"x","type":"netfs","source":{"path":"/export/vms"},"hosts":["h1"]}                | 422 | Field 'source' of a netfs datastore is not right: the NFS server is required, as a host name or address.
            no hosts                  | {"name":"x","type":"dir","source":{"path":"/d"}}                                           | 422 | Field 'hosts' is required: name at least one host.
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
    @DisplayName("a datastore declared by hand has no volumes to list: a 409 that says so")
    void declaredHasNoVolumes() {
        TestServer.Reply declared = server.post("/api/v1/datastores",
                "{\"siteId\":\"site-1\",\"name\":\"old\",\"capacityGib\":10}");

        TestServer.Reply volumes = server.get(declared.location() + "/volumes");

        assertThat(volumes.status()).isEqualTo(409);
        assertThat(volumes.json().get("detail").asText()).startsWith("Datastore 'old' was declared by hand");
    }
}
