package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.libvirt.LabAwait;
import dev.paddock.model.Disk;
import dev.paddock.model.Resources;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Backups of a guest that writes without pause, through the REST API on real libvirt: the guest appends numbered,
 * fsync'd records to a disk of its own; a full backup and incrementals are taken while it writes; each restore point,
 * restored as a new VM on a pool datastore, holds exactly the records written before its checkpoint: every record
 * up to one the guest had written when the backup began, none torn, none after.
 */
@Tag("lab")
class LabBackupApiTest {

    @RegisterExtension
    static final LabServer LAB = new LabServer(Duration.ofSeconds(10));
    private static final Duration OPERATION = Duration.ofSeconds(120);
    private static final int SECTOR = 512;

    private static final List<Path> made = new ArrayList<>();

    @AfterAll
    static void removeFiles() throws IOException {
        for (Path directory : made) {
            if (Files.exists(directory)) {
                try (Stream<Path> files = Files.walk(directory)) {
                    files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        }
    }

    /** A restore point and the guest's record count read just before its backup began and once it ended. */
    private record Taken(String point, long before, long after) {}

    @Test
    @DisplayName("incremental backups of a writing guest restore exactly the records written before each checkpoint")
    void restorePointsHoldExactlyTheRecordsBeforeTheirCheckpoint() throws Exception {
        LabPaddock.Registered lab = LAB.registered();
        String id = UUID.randomUUID().toString();
        String name = "writer-" + id.substring(0, 6);
        Path datastore = LAB.lab().shared().resolve("datastores").resolve(lab.datastoreId());
        Path root = datastore.resolve(name + "-root.qcow2");
        Path records = datastore.resolve(name + "-records.qcow2");
        recordsDisk(records);
        qemuImg("create", "-q", "-f", "qcow2", root.toString(), "64M");
        Vm vm = new Vm(id, name, lab.clusterId(), Optional.of(lab.host(1)), Resources.of(500, 128, 0, 0),
                VmState.STOPPED, VmOrigin.MANAGED, "", 0, Set.of(), Set.of(), Set.of(),
                List.of(new Disk("root", lab.datastoreId(), 1), new Disk("records", lab.datastoreId(), 1)), List.of());
        LabPaddock.run(LAB.server().parts(), vm, lab.host(1));
        LabAwait.until("the guest's first records", Duration.ofSeconds(90), () -> count(records) >= 10);

        Path repository = LAB.lab().shared().resolve("backups-" + id.substring(0, 8));
        made.add(repository);
        LabPaddock.Reply added = LAB.paddock().post("/api/v1/backup-repositories", "{\"name\":\"main\",\"path\":\""
                + repository + "\"}");
        assertThat(added.status()).as(added.body()).isEqualTo(201);

        List<Taken> taken = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            long before = count(records);
            awaitDone(LAB.paddock().post("/api/v1/vms/" + id + "/backup", "{\"repository\":\"main\"}"));
            long after = count(records);
            JsonNode points = LAB.paddock().get("/api/v1/backup-repositories/main/points?vm=" + id).json()
                    .get("items");
            assertThat(points).hasSize(k + 1);
            JsonNode point = points.get(k);
            if (k == 0) {
                assertThat(point.get("parent").isNull()).as("the first point is full").isTrue();
            } else {
                assertThat(point.get("parent").asText()).as("an incremental over the point before")
                        .isEqualTo(taken.get(k - 1).point());
            }
            taken.add(new Taken(point.get("id").asText(), before, after));
            long now = count(records);
            LabAwait.until("more records", Duration.ofSeconds(30), () -> count(records) > now + 20);
        }
        assertThat(server().parts().hypervisor().checkpoints(lab.host(1), id)).as("one checkpoint kept")
                .hasSize(1);

        Path pool = LAB.lab().shared().resolve("restored-" + id.substring(0, 8));
        made.add(pool);
        awaitDone(LAB.paddock().post("/api/v1/datastores", "{\"name\":\"restored\",\"type\":\"dir\",\"shared\":true,"
                + "\"source\":{\"path\":\"" + pool + "\"},\"hosts\":[\"h1\",\"h2\"]}"));
        long previous = 0;
        for (int k = 0; k < taken.size(); k++) {
            Taken point = taken.get(k);
            String restoredName = name + "-r" + k;
            awaitDone(LAB.paddock().post("/api/v1/backup-repositories/main/points/" + point.point() + "/restore",
                    "{\"name\":\"" + restoredName + "\",\"datastore\":\"restored\",\"host\":\"h2\"}"));
            JsonNode restored = LAB.paddock().get("/api/v1/vms").json().get("items");
            JsonNode copy = null;
            for (JsonNode candidate : restored) {
                if (candidate.get("name").asText().equals(restoredName)) {
                    copy = candidate;
                }
            }
            assertThat(copy).as("VM " + restoredName + " in the inventory").isNotNull();
            assertThat(copy.get("disks")).hasSize(2);
            assertThat(server().parts().hypervisor().domain(lab.host(2), copy.get("id").asText())).isPresent();
            long written = contiguousRecords(pool.resolve(restoredName + "-records.qcow2"));
            assertThat(written).as("point " + k + ": records before its backup began (" + point.before()
                    + ") to those written once it ended (" + point.after() + ")")
                    .isBetween(point.before(), point.after());
            assertThat(written).isGreaterThan(previous);
            previous = written;
        }
        JsonNode verified = LAB.paddock().post("/api/v1/backup-repositories/main/verify", "").json();
        assertThat(verified.get("clean").asBoolean()).as(verified.toString()).isTrue();
    }

    private static dev.paddock.server.PaddockServer server() {
        return LAB.server();
    }

    /** A 64 MiB qcow2 disk whose first sector marks it as the guest's records disk. */
    private static void recordsDisk(Path qcow2) throws Exception {
        Path raw = Files.createTempFile("records", ".raw");
        try {
            try (RandomAccessFile file = new RandomAccessFile(raw.toFile(), "rw")) {
                file.setLength(64L << 20);
                file.write("PDKREC01".getBytes(StandardCharsets.US_ASCII));
            }
            Files.createDirectories(qcow2.getParent());
            qemuImg("convert", "-q", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString());
        } finally {
            Files.deleteIfExists(raw);
        }
    }

    /** The count the guest last wrote at sector 1 of its records disk (read beside the running guest). */
    private static long count(Path qcow2) {
        String sector = readSector(qcow2, 1);
        return sector.startsWith("records ") ? Long.parseLong(sector.substring(8).trim()) : 0;
    }

    private static String readSector(Path qcow2, long sector) {
        Path out;
        try {
            out = Files.createTempFile("sector", ".raw");
            try {
                // qemu-img dd copies blocks up to count, the skipped ones included
                qemuImg("dd", "-f", "qcow2", "-O", "raw", "-U", "bs=512", "skip=" + sector, "count=" + (sector + 1),
                        "if=" + qcow2, "of=" + out);
                byte[] bytes = Files.readAllBytes(out);
                return new String(bytes, StandardCharsets.US_ASCII).replace("\0", "").strip();
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The records a restored disk holds: "record 1" at sector 2, "record 2" at sector 3... every one whole and in
     * order up to the last, and nothing after it.
     */
    private static long contiguousRecords(Path qcow2) throws Exception {
        Path raw = Files.createTempFile("restored", ".raw");
        try {
            qemuImg("convert", "-q", "-f", "qcow2", "-O", "raw", qcow2.toString(), raw.toString());
            byte[] disk = Files.readAllBytes(raw);
            assertThat(new String(disk, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("PDKREC01");
            long n = 0;
            while (true) {
                int at = (int) ((n + 2) * SECTOR);
                String sector = new String(disk, at, SECTOR, StandardCharsets.US_ASCII).replace("\0", "").strip();
                if (sector.isEmpty()) {
                    break;
                }
                assertThat(sector).as("sector " + (n + 2)).isEqualTo("record " + (n + 1));
                n++;
            }
            for (long sector = n + 2; sector < n + 2 + 2048 && (sector + 1) * SECTOR <= disk.length; sector++) {
                for (int i = 0; i < SECTOR; i++) {
                    assertThat(disk[(int) (sector * SECTOR) + i]).as("nothing after record " + n).isZero();
                }
            }
            String counter = new String(disk, SECTOR, SECTOR, StandardCharsets.US_ASCII).replace("\0", "").strip();
            assertThat(counter).as("the count beside the records").isIn("records " + n, "records " + (n - 1));
            return n;
        } finally {
            Files.deleteIfExists(raw);
        }
    }

    private static void qemuImg(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add("qemu-img");
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
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
