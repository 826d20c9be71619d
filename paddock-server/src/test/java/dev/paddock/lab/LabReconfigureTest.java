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
 * A VM's settings changed through REST on a real libvirt host: a stopped VM gets a new empty disk, more memory and a
 * new name in one operation, starts, and libvirt's own definition ({@code virsh dumpxml}) shows all three; then, while
 * it runs, its first disk grows (QEMU's block resize, as {@code virsh domblkinfo} reads it) and it gets a NIC plugged
 * in, which libvirt's live XML shows.
 */
@Tag("lab")
class LabReconfigureTest {

    @RegisterExtension
    static final LabServer LAB = new LabServer(Duration.ofSeconds(10));

    private static final Duration OPERATION = Duration.ofMinutes(2);
    private static final Pattern MEMORY = Pattern.compile("<memory unit='KiB'>(\\d+)</memory>");

    @Test
    @DisplayName("a stopped VM gets a new empty disk, more memory and a new name, starts, and libvirt defines all three")
    void stoppedVmGetsADiskAndMemory() throws Exception {
        Path directory = LAB.lab().shared().resolve("reconfigure");
        Files.createDirectories(directory);
        awaitDone(LAB.paddock().post("/api/v1/datastores", "{\"name\":\"disks\",\"type\":\"dir\",\"shared\":true,"
                + "\"source\":{\"path\":\"" + directory + "\"},\"hosts\":[\"h1\"]}"));
        String host = LAB.registered().host(1);
        JsonNode created = awaitDone(LAB.paddock().post("/api/v1/vms", "{\"name\":\"small\",\"vcpus\":1,"
                + "\"memoryMib\":128,\"hostId\":\"" + host + "\",\"start\":false,\"disks\":[{\"datastore\":\"disks\","
                + "\"sizeGib\":1}]}"));
        String id = created.get("target").asText();
        assertThat(memoryKib(virsh(1, "dumpxml", "small"))).isEqualTo(128 * 1024);

        JsonNode changed = awaitDone(LAB.paddock().patch("/api/v1/vms/" + id, "{\"name\":\"large\",\"memoryMib\":256,"
                + "\"addDisks\":[{\"datastore\":\"disks\",\"sizeGib\":1}]}"));
        assertThat(changed.get("kind").asText()).isEqualTo("vm.reconfigure");
        awaitDone(LAB.paddock().post("/api/v1/vms/" + id + "/start", ""));

        Awaitility.await("large runs").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> virsh(1, "domstate", "large").strip().equals("running"));
        String inactive = virsh(1, "dumpxml", "--inactive", "large");
        String live = virsh(1, "dumpxml", "large");
        JsonNode disks = LAB.paddock().get("/api/v1/vms/" + id).json().get("disks");
        assertThat(disks).hasSize(2);
        for (String xml : List.of(inactive, live)) {
            assertThat(xml).contains("<uuid>" + id + "</uuid>").contains("<name>large</name>");
            assertThat(memoryKib(xml)).isEqualTo(256 * 1024);
            assertThat(xml).contains("<target dev='vda' bus='virtio'/>").contains("<target dev='vdb' bus='virtio'/>");
            disks.forEach(disk -> assertThat(xml).contains(disk.get("volume").asText()));
        }
        String added = disks.get(1).get("volume").asText();
        assertThat(virsh(1, "vol-info", "--pool", "disks", added)).containsPattern("Capacity:\\s+1\\.00 GiB");


        awaitDone(LAB.paddock().patch("/api/v1/vms/" + id, "{\"growDisks\":[{\"name\":\"root\",\"sizeGib\":2}]}"));
        assertThat(virsh(1, "domblkinfo", "large", "vda")).containsPattern("Capacity:\\s+" + (2L << 30) + "\\b");
        assertThat(virsh(1, "domstate", "large").strip()).isEqualTo("running");

        String siteId = LAB.paddock().get("/api/v1/sites").json().get("items").get(0).get("id").asText();
        awaitDone(LAB.paddock().post("/api/v1/networks", "{\"siteId\":\"" + siteId + "\",\"name\":\"plugged\","
                + "\"hosts\":[\"h1\"],\"bridge\":\"vmbr0\"}"));
        JsonNode plugged = awaitDone(LAB.paddock().patch("/api/v1/vms/" + id, "{\"addNics\":[{\"network\":"
                + "\"plugged\",\"mac\":\"52:54:00:7e:0c:01\"}]}"));
        assertThat(plugged.get("steps").toString()).contains("plug NIC 52:54:00:7e:0c:01");
        assertThat(virsh(1, "domstate", "large").strip()).isEqualTo("running");
        assertThat(virsh(1, "dumpxml", "large")).contains("<mac address='52:54:00:7e:0c:01'/>");
        assertThat(virsh(1, "dumpxml", "--inactive", "large")).contains("<mac address='52:54:00:7e:0c:01'/>");

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
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String id = accepted.json().get("id").asText();
        JsonNode[] last = new JsonNode[1];
        Awaitility.await("operation " + id).atMost(OPERATION).pollInterval(Duration.ofMillis(250)).until(() -> {
            last[0] = LAB.paddock().get("/api/v1/operations/" + id).json();
            return last[0].get("isFinal").asBoolean();
        });
        assertThat(last[0].get("state").asText()).as(last[0].toPrettyString()).isEqualTo("DONE");
        return last[0];
    }
}
