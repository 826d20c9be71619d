package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.PoolSource;
import dev.paddock.hypervisor.PoolType;
import dev.paddock.hypervisor.VolumeFacts;
import dev.paddock.sim.CallKind;
import dev.paddock.sim.Fault;
import java.time.Duration;
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
 * Changing a VM's settings (PATCH /vms/{id}): a stopped VM gets new CPU, memory, name, disks and NICs in one
 * operation that defines its domain again; a running one without maxima is told to stop for CPU, memory, a new name
 * or its boot disk (VmHotplugApiTest has the rest); bad asks answer one sentence and change
 * nothing; a failed step leaves the VM, its domain and its volumes as they were.
 */
class VmReconfigureApiTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    private static final long GIB = 1L << 30;

    TestServer server;
    String vm;
    String host;

    @BeforeEach
    void aStoppedVmWithADiskOnAnNfsDatastore() {
        server.hypervisor.addStorage(PoolType.NETFS, PoolSource.nfs("nas", "/export/vms"), 40 * GIB);
        JsonNode datastore = server.awaitFinal(server.post("/api/v1/datastores", "{\"name\":\"vms\",\"type\":"
                + "\"netfs\",\"source\":{\"host\":\"nas\",\"path\":\"/export/vms\"},\"hosts\":[\"h1\",\"h2\"]}"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> server.get("/api/v1/datastores/"
                + datastore.get("target").asText()).json().get("hostIds").size() == 2);
        server.post("/api/v1/networks", "{\"siteId\":\"site-1\",\"name\":\"lan\"}");
        JsonNode created = server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"db\",\"vcpus\":1,\"memoryMib\":"
                + "256,\"hostId\":\"host-1\",\"start\":false,\"disks\":[{\"datastore\":\"vms\",\"sizeGib\":2}],"
                + "\"nics\":[{\"network\":\"lan\",\"mac\":\"52:54:00:00:00:01\"}]}"));
        assertThat(created.get("state").asText()).as(created.toString()).isEqualTo("DONE");
        vm = created.get("target").asText();
        host = "host-1";
    }

    @Test
    @DisplayName("a stopped VM gets more CPU and memory, a new name, a new empty disk, a grown disk and a NIC at once")
    void everyChangeAtOnce() {
        JsonNode operation = server.awaitFinal(server.patch("/api/v1/vms/" + vm, "{\"name\":\"db-big\",\"vcpus\":2,"
                + "\"memoryMib\":1024,\"addDisks\":[{\"datastore\":\"vms\",\"sizeGib\":3}],\"growDisks\":[{\"name\":"
                + "\"root\",\"sizeGib\":5}],\"addNics\":[{\"network\":\"lan\"}]}"));

        assertThat(operation.get("kind").asText()).isEqualTo("vm.reconfigure");
        assertThat(operation.get("state").asText()).as(operation.toString()).isEqualTo("DONE");
        JsonNode changed = server.get("/api/v1/vms/" + vm).json();
        assertThat(changed.get("name").asText()).isEqualTo("db-big");
        assertThat(changed.get("demand").get("cpuMillicores").asLong()).isEqualTo(2000);
        assertThat(changed.get("demand").get("memoryMib").asLong()).isEqualTo(1024);
        assertThat(changed.get("disks")).extracting(d -> d.get("name").asText() + ":" + d.get("sizeGib").asLong())
                .containsExactly("root:5", "disk1:3");
        assertThat(changed.get("nics")).hasSize(2);
        DomainSpec domain = server.hypervisor.definition(host, vm).orElseThrow();
        assertThat(domain.name()).isEqualTo("db-big");
        assertThat(domain.vcpus()).isEqualTo(2);
        assertThat(domain.memoryMib()).isEqualTo(1024);
        assertThat(domain.disks()).extracting(DomainSpec.DiskSpec::path)
                .containsExactly(changed.get("disks").get(0).get("volume").asText(),
                        changed.get("disks").get(1).get("volume").asText());
        assertThat(domain.nics()).hasSize(2);
        Map<String, VolumeFacts> volumes = volumes();
        assertThat(volumes.get(changed.get("disks").get(0).get("volume").asText()).capacityBytes())
                .isEqualTo(5 * GIB);
        assertThat(volumes.get(changed.get("disks").get(1).get("volume").asText()).capacityBytes())
                .isEqualTo(3 * GIB);
    }

    @Test
    @DisplayName("a removed disk is detached and its volume kept, unless deleteRemovedDisks; a removed NIC is gone")
    void removals() {
        server.awaitFinal(server.patch("/api/v1/vms/" + vm, "{\"addDisks\":[{\"datastore\":\"vms\",\"sizeGib\":1},"
                + "{\"datastore\":\"vms\",\"sizeGib\":1}]}"));
        JsonNode disks = server.get("/api/v1/vms/" + vm).json().get("disks");
        String kept = disks.get(1).get("volume").asText();
        String deleted = disks.get(2).get("volume").asText();

        JsonNode first = server.awaitFinal(server.patch("/api/v1/vms/" + vm, "{\"removeDisks\":[\"disk1\"],"
                + "\"removeNics\":[\"52-54-00-00-00-01\"]}"));
        JsonNode second = server.awaitFinal(server.patch("/api/v1/vms/" + vm, "{\"removeDisks\":[\"disk2\"],"
                + "\"deleteRemovedDisks\":true}"));

        assertThat(first.get("state").asText()).as(first.toString()).isEqualTo("DONE");
        assertThat(second.get("state").asText()).as(second.toString()).isEqualTo("DONE");
        JsonNode changed = server.get("/api/v1/vms/" + vm).json();
        assertThat(changed.get("disks")).extracting(d -> d.get("name").asText()).containsExactly("root");
        assertThat(changed.get("nics")).isEmpty();
        assertThat(server.hypervisor.definition(host, vm).orElseThrow().disks()).hasSize(1);
        assertThat(server.hypervisor.definition(host, vm).orElseThrow().nics()).isEmpty();
        assertThat(volumes()).containsKey(kept).doesNotContainKey(deleted);

        JsonNode again = server.awaitFinal(server.patch("/api/v1/vms/" + vm,
                "{\"addDisks\":[{\"datastore\":\"vms\",\"sizeGib\":1}]}"));
        assertThat(again.get("state").asText()).isEqualTo("DONE");
        String added = server.get("/api/v1/vms/" + vm).json().get("disks").get(1).get("volume").asText();
        assertThat(added).as("a new disk never takes the kept volume of a removed one").isNotEqualTo(kept);
    }

    @Test
    @DisplayName("a running VM without maxima is told to stop before its CPU, memory or name change, or its boot disk goes")
    void runningVm() {
        server.awaitFinal(server.post("/api/v1/vms/" + vm + "/start", ""));

        assertThat(refusal("{\"memoryMib\":512}", 409)).isEqualTo("VM 'db' runs: it has no maxMemoryMib to grow into;"
                + " stop it to change its memory (and give it a maxMemoryMib then to grow it while it runs).");
        assertThat(refusal("{\"vcpus\":2}", 409)).isEqualTo("VM 'db' runs: it has no maxVcpus to grow into; stop it"
                + " to change its vCPUs (and give it a maxVcpus then to change them while it runs).");
        assertThat(refusal("{\"name\":\"other\"}", 409)).isEqualTo("VM 'db' runs: stop it to rename it.");
        assertThat(refusal("{\"removeDisks\":[\"root\"]}", 409))
                .isEqualTo("VM 'db' runs: its boot disk 'root' is removed only when it is stopped.");
        assertThat(server.hypervisor.definition(host, vm).orElseThrow().memoryMib()).isEqualTo(256);
    }

    @Test
    @DisplayName("a running VM gets a new disk plugged in and its disk grown live, and keeps running")
    void liveDisks() {
        server.awaitFinal(server.post("/api/v1/vms/" + vm + "/start", ""));

        JsonNode operation = server.awaitFinal(server.patch("/api/v1/vms/" + vm, "{\"addDisks\":[{\"datastore\":"
                + "\"vms\",\"sizeGib\":1}],\"growDisks\":[{\"name\":\"root\",\"sizeGib\":4}]}"));

        assertThat(operation.get("state").asText()).as(operation.toString()).isEqualTo("DONE");
        JsonNode disks = server.get("/api/v1/vms/" + vm).json().get("disks");
        String root = disks.get(0).get("volume").asText();
        String added = disks.get(1).get("volume").asText();
        assertThat(server.steps(operation)).containsExactly("record VM db in inventory",
                "create qcow2 volume " + added + " of 1024 MiB in pool vms on host-1",
                "plug disk " + added + " as vdb into VM " + vm + " on host-1",
                "grow disk vda of running VM " + vm + " on host-1 to 4096 MiB", "define db on host-1");
        assertThat(server.hypervisor.definition(host, vm).orElseThrow().disks())
                .extracting(d -> d.target() + ":" + d.path() + ":" + d.sizeGib())
                .containsExactly("vda:" + root + ":4", "vdb:" + added + ":1");
        assertThat(volumes().get(root).capacityBytes()).isEqualTo(4 * GIB);
        assertThat(server.hypervisor.domain(host, vm).orElseThrow().state().name()).isEqualTo("RUNNING");
    }

    @Test
    @DisplayName("a running VM's NICs are plugged in and unplugged live, and it keeps running")
    void liveNics() {
        server.awaitFinal(server.post("/api/v1/vms/" + vm + "/start", ""));

        JsonNode operation = server.awaitFinal(server.patch("/api/v1/vms/" + vm, "{\"addNics\":[{\"network\":"
                + "\"lan\",\"mac\":\"52:54:00:00:00:09\"}],\"removeNics\":[\"52:54:00:00:00:01\"]}"));

        assertThat(operation.get("state").asText()).as(operation.toString()).isEqualTo("DONE");
        assertThat(server.steps(operation)).containsExactly("record VM db in inventory",
                "unplug NIC 52:54:00:00:00:01 from VM " + vm + " on host-1",
                "plug NIC 52:54:00:00:00:09 on lan into VM " + vm + " on host-1", "define db on host-1");
        assertThat(server.hypervisor.definition(host, vm).orElseThrow().nics())
                .extracting(DomainSpec.NicSpec::mac).containsExactly("52:54:00:00:00:09");
        assertThat(server.hypervisor.domain(host, vm).orElseThrow().state().name()).isEqualTo("RUNNING");
        assertThat(server.get("/api/v1/vms/" + vm).json().get("nics")).extracting(n -> n.get("mac").asText())
                .containsExactly("52:54:00:00:00:09");
    }

    @Test
    @DisplayName("bad asks answer one sentence and change nothing")
    void refusals() {
        server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"web\",\"vcpus\":1,\"memoryMib\":128,"
                + "\"hostId\":\"host-1\",\"nics\":[{\"network\":\"lan\",\"mac\":\"52:54:00:00:00:02\"}]}"));
        server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"big\",\"vcpus\":1,\"memoryMib\":12000,"
                + "\"hostId\":\"host-1\"}"));
        server.awaitFinal(server.post("/api/v1/networks", "{\"siteId\":\"site-1\",\"name\":\"storage\",\"hosts\":[\"h2\"]}"));
        int volumes = volumes().size();

        assertThat(refusal("{}", 422)).startsWith("The request changes nothing VM 'db' has");
        assertThat(refusal("{\"growDisks\":[{\"name\":\"root\",\"sizeGib\":1}]}", 422))
                .isEqualTo("Disk 'root' of VM 'db' is 2 GiB; a disk only grows, not to 1 GiB.");
        assertThat(refusal("{\"removeDisks\":[\"data\"]}", 422))
                .isEqualTo("Field 'removeDisks' names no disk of VM 'db': 'data' (it has root).");
        assertThat(refusal("{\"name\":\"web\"}", 409)).isEqualTo("A VM named 'web' already exists in its cluster.");
        assertThat(refusal("{\"addNics\":[{\"network\":\"lan\",\"mac\":\"52:54:00:00:00:02\"}]}", 409))
                .isEqualTo("MAC address 52:54:00:00:00:02 is already used by VM 'web'.");
        assertThat(refusal("{\"addNics\":[{\"network\":\"storage\"}]}", 409))
                .isEqualTo("Network 'storage' is not carried by host 'h1' of VM 'db'.");
        assertThat(refusal("{\"addDisks\":[{\"datastore\":\"vms\",\"sizeGib\":500}]}", 409))
                .startsWith("Datastore 'vms' has ").endsWith("GiB free; the VM's disks on it ask 500.0 GiB.");
        assertThat(refusal("{\"memoryMib\":8000}", 409)).contains("h1").contains("memory");
        assertThat(refusal("{\"vcpus\":99}", 422)).isEqualTo("Field 'vcpus' must be between 1 and 8 vCPUs (host"
                + " 'h1' has 8); got 99.");

        JsonNode unchanged = server.get("/api/v1/vms/" + vm).json();
        assertThat(unchanged.get("demand").get("memoryMib").asLong()).isEqualTo(256);
        assertThat(unchanged.get("disks")).hasSize(1);
        assertThat(volumes()).hasSize(volumes);
    }

    @Test
    @DisplayName("more memory than its host has free is refused with the placement's sentence; less is taken on a full host")
    void memoryOnAFullHost() {
        server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"big\",\"vcpus\":1,\"memoryMib\":16200,"
                + "\"hostId\":\"host-1\"}"));

        assertThat(refusal("{\"memoryMib\":512}", 409)).contains("h1").contains("memory");
        JsonNode operation = server.awaitFinal(server.patch("/api/v1/vms/" + vm, "{\"memoryMib\":200}"));

        assertThat(operation.get("state").asText()).as(operation.toString()).isEqualTo("DONE");
        assertThat(server.hypervisor.definition(host, vm).orElseThrow().memoryMib()).isEqualTo(200);
    }

    @Test
    @DisplayName("when the domain cannot be defined again, the new volume goes and the VM's record comes back")
    void failedDefineUndoes() {
        int volumes = volumes().size();
        server.hypervisor.inject(new Fault.FailingCalls(CallKind.DEFINE, 1));

        JsonNode operation = server.awaitFinal(server.patch("/api/v1/vms/" + vm, "{\"memoryMib\":512,"
                + "\"addDisks\":[{\"datastore\":\"vms\",\"sizeGib\":1}]}"));

        assertThat(operation.get("state").asText()).as(operation.toString()).isEqualTo("FAILED");
        assertThat(operation.get("steps")).extracting(step -> step.get("state").asText())
                .containsExactly("ROLLED_BACK", "ROLLED_BACK", "FAILED");
        JsonNode unchanged = server.get("/api/v1/vms/" + vm).json();
        assertThat(unchanged.get("demand").get("memoryMib").asLong()).isEqualTo(256);
        assertThat(unchanged.get("disks")).hasSize(1);
        assertThat(server.hypervisor.definition(host, vm).orElseThrow().memoryMib()).isEqualTo(256);
        assertThat(volumes()).hasSize(volumes);
    }

    @Test
    @DisplayName("when a step after the define fails, the domain's previous definition is defined again")
    void failureAfterTheDefineRestoresTheDefinition() {
        String root = server.get("/api/v1/vms/" + vm).json().get("disks").get(0).get("volume").asText();
        server.hypervisor.inject(new Fault.FailingCalls(CallKind.STORAGE, 1));

        JsonNode operation = server.awaitFinal(server.patch("/api/v1/vms/" + vm, "{\"memoryMib\":512,"
                + "\"removeDisks\":[\"root\"],\"deleteRemovedDisks\":true}"));

        assertThat(operation.get("state").asText()).as(operation.toString()).isEqualTo("FAILED");
        assertThat(server.steps(operation)).containsExactly("record VM db in inventory", "define db on host-1",
                "delete volume " + root + " from pool vms on host-1");
        DomainSpec domain = server.hypervisor.definition(host, vm).orElseThrow();
        assertThat(domain.memoryMib()).isEqualTo(256);
        assertThat(domain.disks()).extracting(DomainSpec.DiskSpec::path).containsExactly(root);
        assertThat(server.get("/api/v1/vms/" + vm).json().get("disks")).hasSize(1);
        assertThat(volumes()).containsKey(root);
    }

    private String refusal(String body, int status) {
        TestServer.Reply reply = server.patch("/api/v1/vms/" + vm, body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        return reply.json().get("detail").asText();
    }

    private Map<String, VolumeFacts> volumes() {
        List<VolumeFacts> listed = server.hypervisor.volumes(host, "vms");
        return listed.stream().collect(Collectors.toMap(VolumeFacts::name, Function.identity()));
    }
}
