package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hot-plug through REST on a real libvirt host (QEMU under TCG): a VM created with maxima runs, gets a second vCPU
 * and a memory module plugged in while it runs (libvirt's live XML, {@code virsh vcpucount} and {@code virsh dominfo}
 * show them, and its definition keeps them), is refused memory beyond its maximum, and gets a data disk plugged in
 * and unplugged again live, its guest releasing it; a vCPU unplug, which the lab's guest does not allow, fails with a
 * sentence that says so.
 */
@Tag("lab")
class LabHotplugTest {

    @RegisterExtension
    static final LabServer LAB = new LabServer(Duration.ofSeconds(10));

    private static final Duration OPERATION = Duration.ofMinutes(2);
    private static final Pattern MEMORY = Pattern.compile("<memory unit='KiB'>(\\d+)</memory>");

    @Test
    @DisplayName("a running VM gets a vCPU and memory within its maxima, then a data disk plugged in and out, live")
    void hotPlug() throws Exception {
        Path directory = LAB.lab().shared().resolve("hotplug");
        Files.createDirectories(directory);
        awaitDone(LAB.paddock().post("/api/v1/datastores", "{\"name\":\"hot\",\"type\":\"dir\",\"shared\":true,"
                + "\"source\":{\"path\":\"" + directory + "\"},\"hosts\":[\"h1\"]}"));
        String host = LAB.registered().host(1);
        // 256 MiB: the lab's guest kernel, given memory slots, does not boot in 128 MiB.
        JsonNode created = awaitDone(LAB.paddock().post("/api/v1/vms", "{\"name\":\"hot\",\"vcpus\":1,"
                + "\"memoryMib\":256,\"maxVcpus\":2,\"maxMemoryMib\":512,\"hostId\":\"" + host + "\","
                + "\"disks\":[{\"datastore\":\"hot\",\"sizeGib\":1}]}"));
        String id = created.get("target").asText();
        Awaitility.await("hot runs").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> virsh(1, "domstate", "hot").strip().equals("running"));
        assertThat(virsh(1, "dumpxml", "hot")).contains("<vcpu placement='static' current='1'>2</vcpu>")
                .contains("<maxMemory slots='16' unit='KiB'>524288</maxMemory>");
        // The guest's kernel is up (its first heartbeat comes 4-5 s after the start) before devices come and go.
        Thread.sleep(6_000);

        JsonNode grown = awaitDone(LAB.paddock().patch("/api/v1/vms/" + id, "{\"vcpus\":2,\"memoryMib\":384}"));

        assertThat(grown.get("steps").toString()).contains("to 2 vCPUs (from 1)").contains("to 384 MiB of memory");
        assertThat(virsh(1, "domstate", "hot").strip()).isEqualTo("running");
        assertThat(virsh(1, "vcpucount", "hot", "--live", "--active").strip()).isEqualTo("2");
        assertThat(virsh(1, "vcpucount", "hot", "--config", "--active").strip()).isEqualTo("2");
        assertThat(virsh(1, "dominfo", "hot")).containsPattern("CPU\\(s\\):\\s+2\\b")
                .containsPattern("Max memory:\\s+393216 KiB");
        String live = virsh(1, "dumpxml", "hot");
        assertThat(memoryKib(live)).isEqualTo(384 * 1024);
        assertThat(live).contains("<memory model='dimm'");
        assertThat(memoryKib(virsh(1, "dumpxml", "--inactive", "hot"))).isEqualTo(384 * 1024);

        LabPaddock.Reply beyond = LAB.paddock().patch("/api/v1/vms/" + id, "{\"memoryMib\":640}");
        assertThat(beyond.status()).as(beyond.body()).isEqualTo(409);
        assertThat(beyond.json().get("detail").asText()).isEqualTo("VM 'hot' runs: it takes at most 512 MiB of memory"
                + " (its maxMemoryMib), not 640; stop it to raise maxMemoryMib.");

        awaitDone(LAB.paddock().patch("/api/v1/vms/" + id, "{\"addDisks\":[{\"datastore\":\"hot\",\"sizeGib\":1}]}"));
        assertThat(virsh(1, "dumpxml", "hot")).contains("<target dev='vdb' bus='virtio'/>");
        JsonNode removed = awaitDone(LAB.paddock().patch("/api/v1/vms/" + id, "{\"removeDisks\":[\"disk1\"],"
                + "\"deleteRemovedDisks\":true}"));

        assertThat(removed.get("steps").toString()).contains("unplug disk vdb");
        assertThat(virsh(1, "dumpxml", "hot")).doesNotContain("<target dev='vdb' bus='virtio'/>");
        assertThat(virsh(1, "dumpxml", "--inactive", "hot")).doesNotContain("<target dev='vdb' bus='virtio'/>");
        assertThat(virsh(1, "domstate", "hot").strip()).isEqualTo("running");
        assertThat(LAB.paddock().get("/api/v1/vms/" + id).json().get("disks")).hasSize(1);

        // A vCPU unplug needs the guest's consent, which the lab's guest does not give: libvirt refuses it, and so
        // does the operation, with a sentence that says so; the VM keeps its two vCPUs.
        JsonNode fewer = awaitFinal(LAB.paddock().patch("/api/v1/vms/" + id, "{\"vcpus\":1}"));
        assertThat(fewer.get("state").asText()).as(fewer.toPrettyString()).isNotEqualTo("DONE");
        assertThat(fewer.get("error").asText()).contains("did not let go of 1 of its 2 vCPUs");
        assertThat(virsh(1, "vcpucount", "hot", "--live", "--active").strip()).isEqualTo("2");
        assertThat(LAB.paddock().get("/api/v1/vms/" + id).json().get("demand").get("cpuMillicores").asLong())
                .isEqualTo(2000);
        assertThat(virsh(1, "domstate", "hot").strip()).isEqualTo("running");

        awaitDone(LAB.paddock().delete("/api/v1/vms/" + id + "?force=true"));
    }

    private static long memoryKib(String xml) {
        Matcher memory = MEMORY.matcher(xml);
        assertThat(memory.find()).as(xml).isTrue();
        return Long.parseLong(memory.group(1));
    }

    private static String virsh(int host, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("virsh", "-c", LAB.lab().host(host).uri()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String said;
        try (InputStream out = process.getInputStream()) {
            said = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + said).isZero();
        return said;
    }

    private static JsonNode awaitDone(LabPaddock.Reply accepted) {
        JsonNode last = awaitFinal(accepted);
        assertThat(last.get("state").asText()).as(last.toPrettyString()).isEqualTo("DONE");
        return last;
    }

    private static JsonNode awaitFinal(LabPaddock.Reply accepted) {
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String id = accepted.json().get("id").asText();
        JsonNode[] last = new JsonNode[1];
        Awaitility.await("operation " + id).atMost(OPERATION).pollInterval(Duration.ofMillis(250)).until(() -> {
            last[0] = LAB.paddock().get("/api/v1/operations/" + id).json();
            return last[0].get("isFinal").asBoolean();
        });
        return last[0];
    }
}
