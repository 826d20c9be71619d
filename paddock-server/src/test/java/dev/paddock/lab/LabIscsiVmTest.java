package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.libvirt.Lab;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A VM whose disk is a LUN of the lab's iSCSI target, made as a user makes it, through REST only: an {@code
 * iscsi-direct} datastore on h1 over the lab's tgt target, the target's LUN listed as its volume, a VM created with
 * that LUN as its disk and no template (it boots the lab's shared kernel), started on h1. The guest's heartbeat
 * counter reaches sector 0 of the LUN, read back over iSCSI by QEMU's own initiator; libvirt holds the LUN as the
 * domain's disk. The VM is stopped through REST; Paddock reports the datastore's sizes as {@code virsh pool-info}
 * does; a delete with its disks keeps the LUN, which cannot be deleted, and says so.
 */
@Tag("lab")
class LabIscsiVmTest {

    @RegisterExtension
    static final LabServer LAB = new LabServer(Duration.ofSeconds(10));

    private static final String LUN = "unit:0:0:1";
    private static final Duration OPERATION = Duration.ofMinutes(2);
    private static final Pattern POOL_INFO = Pattern.compile("(?m)^(Capacity|Available):\\s+(\\d+)");
    private static final Pattern HEARTBEAT = Pattern.compile("heartbeat (\\d+)");
    private final List<String> datastores = new ArrayList<>();

    @AfterEach
    void deleteTheDatastores() {
        datastores.forEach(id -> {
            LabPaddock.Reply reply = LAB.paddock().delete("/api/v1/datastores/" + id);
            if (reply.status() == 202) {
                awaitDone(reply);
            }
        });
    }

    @Test
    @DisplayName("a VM on the lab's iSCSI LUN starts on h1, writes its heartbeat to the LUN, stops, and a delete with"
            + " its disks keeps the LUN")
    void vmOnAnIscsiLun() {
        Lab.IscsiTarget target = LAB.lab().iscsi();
        String pool = "san-lun";
        JsonNode made = awaitDone(post("/api/v1/datastores", "{\"name\":\"" + pool + "\",\"type\":\"iscsi-direct\","
                + "\"source\":{\"host\":\"" + target.portal() + "\",\"iqn\":\"" + target.iqn() + "\"},"
                + "\"hosts\":[\"h1\"]}"));
        String datastore = made.get("target").asText();
        datastores.add(datastore);
        Awaitility.await("the iSCSI datastore on h1").atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> get("/api/v1/datastores/" + datastore).get("hostIds").size() == 1);
        assertThat(volumeNames(datastore)).contains(LUN);

        // the LUN outlives guests: what an earlier guest left in sector 0 is no heartbeat of this one
        OptionalLong before = lunHeartbeat();
        String h1 = LAB.registered().host(1);
        JsonNode created = awaitDone(post("/api/v1/vms", "{\"name\":\"on-lun\",\"vcpus\":1,\"memoryMib\":128,"
                + "\"hostId\":\"" + h1 + "\",\"disks\":[{\"datastore\":\"" + pool + "\",\"volume\":\"" + LUN
                + "\"}]}"));
        String vm = created.get("target").asText();
        JsonNode running = get("/api/v1/vms/" + vm);
        assertThat(running.get("hostId").asText()).isEqualTo(h1);
        assertThat(running.get("state").asText()).isEqualTo("RUNNING");
        assertThat(virsh(1, "dumpxml", vm)).contains("pool='" + pool + "'").contains("volume='" + LUN + "'");

        long first = awaitBeat(beat -> before.isEmpty() || beat != before.getAsLong());
        long later = awaitBeat(beat -> beat > first);
        assertThat(later).isGreaterThan(first);

        awaitDone(post("/api/v1/vms/" + vm + "/stop?force=true", ""));
        Awaitility.await("the VM stopped").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> get("/api/v1/vms/" + vm).get("state").asText().equals("STOPPED"));
        assertThat(virsh(1, "domstate", vm)).contains("shut off");

        Awaitility.await("Paddock's sizes of the datastore are libvirt's").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    Map<String, Long> info = poolInfo(pool);
                    JsonNode reported = get("/api/v1/datastores/" + datastore);
                    assertThat(reported.get("capacityBytes").asLong()).isEqualTo(info.get("Capacity"));
                    assertThat(reported.get("freeBytes").asLong()).isEqualTo(info.get("Available"));
                });

        JsonNode deleted = awaitDone(LAB.paddock().delete("/api/v1/vms/" + vm + "?disks=delete"));
        List<String> logs = new ArrayList<>();
        deleted.get("steps").forEach(step -> logs.add(step.get("description").asText() + ": "
                + step.get("log").asText()));
        assertThat(logs).anySatisfy(log -> assertThat(log).startsWith("delete volume " + LUN + " from pool " + pool)
                .contains("kept volume " + LUN + ": it is a LUN of iSCSI pool " + pool));
        assertThat(LAB.paddock().get("/api/v1/vms/" + vm).status()).isEqualTo(404);
        assertThat(volumeNames(datastore)).contains(LUN);
    }

    /** Waits for a heartbeat in sector 0 of the LUN, read over iSCSI, that {@code wanted} accepts; returns it. */
    private static long awaitBeat(LongPredicate wanted) {
        long[] beat = new long[1];
        Awaitility.await("a heartbeat of the guest on the LUN").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(1)).until(() -> {
                    OptionalLong read = lunHeartbeat();
                    beat[0] = read.orElse(-1);
                    return read.isPresent() && wanted.test(read.getAsLong());
                });
        return beat[0];
    }

    /** The heartbeat counter in sector 0 of the target's LUN, as QEMU's own iSCSI initiator reads it. */
    private static OptionalLong lunHeartbeat() {
        Lab.IscsiTarget target = LAB.lab().iscsi();
        String out = run(List.of("qemu-io", "-r", "-f", "raw", "-c", "read -v 0 32", "iscsi://" + target.portal()
                + ":3260/" + target.iqn() + "/1"));
        StringBuilder bytes = new StringBuilder();
        for (String line : out.split("\n")) {
            int colon = line.indexOf(':');
            if (line.startsWith("000000") && colon > 0) {
                String hex = line.substring(colon + 1, Math.min(line.length(), colon + 1 + 50)).replace(" ", "");
                bytes.append(new String(HexFormat.of().parseHex(hex), StandardCharsets.US_ASCII));
            }
        }
        Matcher matcher = HEARTBEAT.matcher(bytes);
        return matcher.find() ? OptionalLong.of(Long.parseLong(matcher.group(1))) : OptionalLong.empty();
    }

    private static List<String> volumeNames(String datastore) {
        List<String> names = new ArrayList<>();
        get("/api/v1/datastores/" + datastore + "/volumes").get("items")
                .forEach(volume -> names.add(volume.get("name").asText()));
        return names;
    }

    /** What {@code virsh pool-info --bytes} says of a pool on h1. */
    private static Map<String, Long> poolInfo(String pool) {
        Matcher matcher = POOL_INFO.matcher(virsh(1, "pool-info", "--bytes", pool));
        Map<String, Long> info = new HashMap<>();
        while (matcher.find()) {
            info.put(matcher.group(1), Long.parseLong(matcher.group(2)));
        }
        assertThat(info).containsKeys("Capacity", "Available");
        return info;
    }

    private static String virsh(int host, String... arguments) {
        List<String> command = new ArrayList<>(List.of("virsh", "-c", LAB.lab().host(host).uri()));
        command.addAll(List.of(arguments));
        return run(command);
    }

    private static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String said;
            try (InputStream out = process.getInputStream()) {
                said = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(String.join(" ", command) + ": " + said).isZero();
            return said;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static LabPaddock.Reply post(String path, String body) {
        return LAB.paddock().post(path, body);
    }

    private static JsonNode get(String path) {
        return LAB.paddock().get(path).json();
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
}
