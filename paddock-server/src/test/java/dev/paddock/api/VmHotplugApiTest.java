package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.PoolSource;
import dev.paddock.hypervisor.PoolType;
import dev.paddock.hypervisor.VolumeFacts;
import dev.paddock.model.Maxima;
import dev.paddock.sim.CallKind;
import dev.paddock.sim.Fault;
import java.time.Duration;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hot-plug on the simulated room (PATCH /vms/{id} of a running VM): a VM created with maxima gets vCPUs and memory
 * live within them, through the placement on its own host; beyond them, without them, or with its maxima changed, a
 * running VM is refused with a sentence naming the maximum and what to do; a data disk is unplugged live, its boot
 * disk never; a failure sets back what was set.
 */
class VmHotplugApiTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    private static final long GIB = 1L << 30;
    private static final String HOST = "host-1";

    TestServer server;
    String vm;

    @BeforeEach
    void aRunningVmWithMaximaAndADataDisk() {
        server.hypervisor.addStorage(PoolType.NETFS, PoolSource.nfs("nas", "/export/vms"), 40 * GIB);
        JsonNode datastore = server.awaitFinal(server.post("/api/v1/datastores", "{\"name\":\"vms\",\"type\":"
                + "\"netfs\",\"source\":{\"host\":\"nas\",\"path\":\"/export/vms\"},\"hosts\":[\"h1\",\"h2\"]}"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> server.get("/api/v1/datastores/"
                + datastore.get("target").asText()).json().get("hostIds").size() == 2);
        JsonNode created = server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"app\",\"vcpus\":1,\"memoryMib\":"
                + "256,\"maxVcpus\":4,\"maxMemoryMib\":1024,\"hostId\":\"" + HOST + "\",\"disks\":[{\"datastore\":"
                + "\"vms\",\"sizeGib\":2},{\"datastore\":\"vms\",\"sizeGib\":1}]}"));
        assertThat(created.get("state").asText()).as(created.toString()).isEqualTo("DONE");
        vm = created.get("target").asText();
        assertThat(server.hypervisor.domain(HOST, vm).orElseThrow().state().name()).isEqualTo("RUNNING");
    }

    @Test
    @DisplayName("a VM created with maxima shows them, and its domain is defined with them")
    void createdWithMaxima() {
        JsonNode maxima = server.get("/api/v1/vms/" + vm).json().get("maxima");

        assertThat(maxima.get("vcpus").asInt()).isEqualTo(4);
        assertThat(maxima.get("memoryMib").asLong()).isEqualTo(1024);
        DomainSpec domain = server.hypervisor.definition(HOST, vm).orElseThrow();
        assertThat(domain.maxima()).isEqualTo(new Maxima(Optional.of(4), Optional.of(1024L)));
        assertThat(domain.vcpus()).isEqualTo(1);
        assertThat(domain.memoryMib()).isEqualTo(256);
    }

    @Test
    @DisplayName("a running VM within its maxima gets vCPUs and memory set live, and keeps running")
    void growsLive() {
        JsonNode operation = server.awaitFinal(server.patch("/api/v1/vms/" + vm, "{\"vcpus\":3,\"memoryMib\":768}"));

        assertThat(operation.get("state").asText()).as(operation.toString()).isEqualTo("DONE");
        assertThat(server.steps(operation)).containsExactly("record VM app in inventory",
                "set VM " + vm + " on host-1 to 3 vCPUs (from 1)",
                "set VM " + vm + " on host-1 to 768 MiB of memory (from 256 MiB)", "define app on host-1");
        DomainSpec domain = server.hypervisor.definition(HOST, vm).orElseThrow();
        assertThat(domain.vcpus()).isEqualTo(3);
        assertThat(domain.memoryMib()).isEqualTo(768);
        assertThat(server.hypervisor.domain(HOST, vm).orElseThrow().state().name()).isEqualTo("RUNNING");
        JsonNode demand = server.get("/api/v1/vms/" + vm).json().get("demand");
        assertThat(demand.get("cpuMillicores").asLong()).isEqualTo(3000);
        assertThat(demand.get("memoryMib").asLong()).isEqualTo(768);
    }

    @Test
    @DisplayName("beyond its maxima, with less memory, or with new maxima, a running VM is refused and left as it is")
    void refusedWhileRunning() {
        assertThat(refusal("{\"vcpus\":5}")).isEqualTo("VM 'app' runs: it takes at most 4 vCPUs (its maxVcpus), not"
                + " 5; stop it to raise maxVcpus.");
        assertThat(refusal("{\"memoryMib\":2048}")).isEqualTo("VM 'app' runs: it takes at most 1024 MiB of memory"
                + " (its maxMemoryMib), not 2048; stop it to raise maxMemoryMib.");
        assertThat(refusal("{\"memoryMib\":128}")).isEqualTo("VM 'app' runs: its memory grows live by memory modules"
                + " but shrinks only when it is stopped; stop it to give it 128 MiB.");
        assertThat(refusal("{\"maxVcpus\":8}")).isEqualTo("VM 'app' runs: stop it to change its maxVcpus or"
                + " maxMemoryMib.");
        assertThat(refusal("{\"maxMemoryMib\":0,\"memoryMib\":512}")).isEqualTo("VM 'app' runs: stop it to change"
                + " its maxVcpus or maxMemoryMib.");

        DomainSpec domain = server.hypervisor.definition(HOST, vm).orElseThrow();
        assertThat(domain.vcpus()).isEqualTo(1);
        assertThat(domain.memoryMib()).isEqualTo(256);
        assertThat(domain.maxima()).isEqualTo(new Maxima(Optional.of(4), Optional.of(1024L)));
    }

    @Test
    @DisplayName("growth within the maxima that the VM's host has no room for is refused with the placement's sentence")
    void growthNeedsRoomOnItsHost() {
        server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"big\",\"vcpus\":1,\"memoryMib\":15800,"
                + "\"hostId\":\"" + HOST + "\"}"));

        TestServer.Reply reply = server.patch("/api/v1/vms/" + vm, "{\"memoryMib\":1024}");

        assertThat(reply.status()).as(reply.body()).isEqualTo(409);
        assertThat(reply.json().get("detail").asText()).contains("h1").contains("memory");
        assertThat(server.hypervisor.definition(HOST, vm).orElseThrow().memoryMib()).isEqualTo(256);
    }

    @Test
    @DisplayName("a stopped VM takes new maxima, or none, and its domain is defined with them; a size beyond them is refused")
    void maximaChangeWhenStopped() {
        server.awaitFinal(server.post("/api/v1/vms/" + vm + "/stop", "{\"force\":true}"));

        assertThat(server.patch("/api/v1/vms/" + vm, "{\"vcpus\":3,\"maxVcpus\":2}").json().get("detail").asText())
                .isEqualTo("VM 'app' would have 3 vCPUs, more than its maxVcpus of 2; raise maxVcpus with them.");
        JsonNode operation = server.awaitFinal(server.patch("/api/v1/vms/" + vm, "{\"maxVcpus\":2,"
                + "\"maxMemoryMib\":0}"));

        assertThat(operation.get("state").asText()).as(operation.toString()).isEqualTo("DONE");
        assertThat(server.hypervisor.definition(HOST, vm).orElseThrow().maxima())
                .isEqualTo(new Maxima(Optional.of(2), Optional.empty()));
        JsonNode maxima = server.get("/api/v1/vms/" + vm).json().get("maxima");
        assertThat(maxima.get("vcpus").asInt()).isEqualTo(2);
        assertThat(maxima.get("memoryMib").isNull()).isTrue();
    }

    @Test
    @DisplayName("a running VM's data disk is unplugged live and its volume deleted when asked; it keeps running")
    void dataDiskRemovedLive() {
        JsonNode disks = server.get("/api/v1/vms/" + vm).json().get("disks");
        String data = disks.get(1).get("volume").asText();

        JsonNode operation = server.awaitFinal(server.patch("/api/v1/vms/" + vm, "{\"removeDisks\":[\"disk1\"],"
                + "\"deleteRemovedDisks\":true}"));

        assertThat(operation.get("state").asText()).as(operation.toString()).isEqualTo("DONE");
        assertThat(server.steps(operation)).containsExactly("record VM app in inventory",
                "unplug disk vdb (" + data + ") from VM " + vm + " on host-1", "define app on host-1",
                "delete volume " + data + " from pool vms on host-1");
        assertThat(server.hypervisor.definition(HOST, vm).orElseThrow().disks()).extracting(DomainSpec.DiskSpec::target)
                .containsExactly("vda");
        assertThat(server.hypervisor.volumes(HOST, "vms")).extracting(VolumeFacts::name).doesNotContain(data);
        assertThat(server.hypervisor.domain(HOST, vm).orElseThrow().state().name()).isEqualTo("RUNNING");
    }

    @Test
    @DisplayName("a disk that others follow is not removed from a running VM, as their devices would move")
    void onlyTheLastDisksGoLive() {
        server.awaitFinal(server.patch("/api/v1/vms/" + vm, "{\"addDisks\":[{\"datastore\":\"vms\",\"sizeGib\":1}]}"));

        assertThat(refusal("{\"removeDisks\":[\"disk1\"]}")).isEqualTo("VM 'app' runs: disk 'disk2' follows a disk"
                + " it loses, and its device would move; stop it to remove the disks, or remove those after them too.");
        JsonNode operation = server.awaitFinal(server.patch("/api/v1/vms/" + vm, "{\"removeDisks\":[\"disk1\","
                + "\"disk2\"]}"));
        assertThat(operation.get("state").asText()).as(operation.toString()).isEqualTo("DONE");
        assertThat(server.hypervisor.definition(HOST, vm).orElseThrow().disks()).hasSize(1);
    }

    @Test
    @DisplayName("when a step after them fails, the vCPUs set and the disk unplugged live are set back")
    void failureSetsBack() {
        server.hypervisor.inject(new Fault.FailingCalls(CallKind.STORAGE, 1));

        JsonNode operation = server.awaitFinal(server.patch("/api/v1/vms/" + vm, "{\"vcpus\":2,\"removeDisks\":"
                + "[\"disk1\"],\"deleteRemovedDisks\":true}"));

        assertThat(operation.get("state").asText()).as(operation.toString()).isEqualTo("FAILED");
        DomainSpec domain = server.hypervisor.definition(HOST, vm).orElseThrow();
        assertThat(domain.vcpus()).isEqualTo(1);
        assertThat(domain.disks()).hasSize(2);
        JsonNode recorded = server.get("/api/v1/vms/" + vm).json();
        assertThat(recorded.get("demand").get("cpuMillicores").asLong()).isEqualTo(1000);
        assertThat(recorded.get("disks")).hasSize(2);
    }

    private String refusal(String body) {
        TestServer.Reply reply = server.patch("/api/v1/vms/" + vm, body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(409);
        return reply.json().get("detail").asText();
    }
}
