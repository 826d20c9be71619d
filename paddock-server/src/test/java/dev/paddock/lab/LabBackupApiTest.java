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

    /** Every VM the test made or restored goes, so the next test has the hosts' cores. */
    @org.junit.jupiter.api.AfterEach
    void deleteVms() {
        for (JsonNode vm : LAB.paddock().get("/api/v1/vms").json().get("items")) {
            LAB.paddock().delete("/api/v1/vms/" + vm.get("id").asText() + "?force=true");
        }
        LabAwait.until("every VM deleted", Duration.ofSeconds(120),
                () -> LAB.paddock().get("/api/v1/vms").json().get("items").isEmpty());
    }

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
        LabDisks.records(records);
        LabDisks.qemuImg("create", "-q", "-f", "qcow2", root.toString(), "64M");
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
        awaitFreeSpace("restored");
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

        // In place: the stopped writer's records disk alone goes back to the first point; its checkpoints are
        // forgotten, so the next backup, once it runs again, reads its disks whole.
        awaitDone(LAB.paddock().post("/api/v1/vms/" + id + "/stop?force=true", ""));
        awaitDone(LAB.paddock().post("/api/v1/backup-repositories/main/points/" + taken.getFirst().point()
                + "/restore", "{\"inPlace\":true,\"disks\":[\"vdb\"],\"datastore\":\"restored\"}"));
        JsonNode disks = LAB.paddock().get("/api/v1/vms/" + id).json().get("disks");
        String volume = disks.get(1).get("volume").asText();
        assertThat(volume).startsWith(name + "-records-");
        assertThat(disks.get(0).get("volume").asText()).as("the root disk is left as it was").isEmpty();
        long inPlace = contiguousRecords(pool.resolve(volume));
        assertThat(inPlace).as("records of the first point restored in place").isBetween(taken.getFirst().before(),
                taken.getFirst().after());
        assertThat(server().parts().hypervisor().checkpoints(lab.host(1), id)).as("checkpoints forgotten").isEmpty();
        awaitDone(LAB.paddock().post("/api/v1/vms/" + id + "/start", ""));
        LabAwait.until("records written again after the restored ones", Duration.ofSeconds(90),
                () -> count(pool.resolve(volume)) > inPlace);
        awaitDone(LAB.paddock().post("/api/v1/vms/" + id + "/backup", "{\"repository\":\"main\"}"));
        assertThat(LAB.paddock().get("/api/v1/backup-repositories/main/points?vm=" + id).json().get("items"))
                .hasSize(taken.size() + 1);
    }

    @Test
    @DisplayName("incrementals stay incremental after a stop and start and after a live migration; files read in"
            + " place; a damaged chunk is named by verify and refused by restore, leaving nothing")
    void incrementalAcrossStopStartAndMigrationFilesAndDamage() throws Exception {
        LabPaddock.Registered lab = LAB.registered();
        String id = UUID.randomUUID().toString();
        String name = "keeper-" + id.substring(0, 6);
        Path datastore = LAB.lab().shared().resolve("datastores").resolve(lab.datastoreId());
        Path records = datastore.resolve(name + "-records.qcow2");
        LabDisks.records(records);
        LabDisks.qemuImg("create", "-q", "-f", "qcow2", datastore.resolve(name + "-root.qcow2").toString(),
                "64M");
        byte[] big = new byte[24 << 20];
        new java.util.Random(7).nextBytes(big);
        filesDisk(datastore.resolve(name + "-files.qcow2"), big);
        Vm vm = new Vm(id, name, lab.clusterId(), Optional.of(lab.host(1)), Resources.of(500, 128, 0, 0),
                VmState.STOPPED, VmOrigin.MANAGED, "", 0, Set.of(), Set.of(), Set.of(),
                List.of(new Disk("root", lab.datastoreId(), 1), new Disk("records", lab.datastoreId(), 1),
                        new Disk("files", lab.datastoreId(), 1)), List.of());
        LabPaddock.run(LAB.server().parts(), vm, lab.host(1));
        LabAwait.until("the guest's first records", Duration.ofSeconds(90), () -> count(records) >= 10);
        Path repository = LAB.lab().shared().resolve("backups2-" + id.substring(0, 8));
        made.add(repository);
        assertThat(LAB.paddock().post("/api/v1/backup-repositories", "{\"name\":\"second\",\"path\":\""
                + repository + "\"}").status()).isEqualTo(201);

        long full = bytesRead(backup(id, "second"));
        assertThat(full).as("the full point reads the files disk's data").isGreaterThan(24L << 20);

        String point = lastPoint("second", id);
        String disk = "/api/v1/backup-repositories/second/points/" + point + "/disks/vdc";
        JsonNode partitions = LAB.paddock().get(disk + "/partitions").json().get("items");
        assertThat(partitions).hasSize(1);
        assertThat(partitions.get(0).get("fileSystem").asText()).startsWith("fat");
        JsonNode files = LAB.paddock().get(disk + "/files?path=/").json().get("items");
        assertThat(files).extracting(f -> f.get("name").asText()).contains("big.bin", "hello.txt");
        var http = java.net.http.HttpClient.newHttpClient();
        var extracted = http.send(java.net.http.HttpRequest.newBuilder(LAB.server().url().resolve(disk
                        + "/content?path=/big.bin")).header("Authorization", "Bearer " + LabPaddock.TOKEN).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(extracted.statusCode()).isEqualTo(200);
        assertThat(sha256(extracted.body())).as("one file extracted from the point matches").isEqualTo(sha256(big));

        LabAwait.until("more records", Duration.ofSeconds(30), () -> count(records) > 40);
        long second = bytesRead(backup(id, "second"));
        assertThat(second).as("an incremental reads what changed").isLessThan(4L << 20);

        awaitDone(LAB.paddock().post("/api/v1/vms/" + id + "/stop?force=true", ""));
        awaitDone(LAB.paddock().post("/api/v1/vms/" + id + "/start", ""));
        LabAwait.until("records after the restart", Duration.ofSeconds(90), () -> count(records) >= 10);
        JsonNode afterRestart = backup(id, "second");
        assertThat(parentOf("second", id)).as("incremental after a stop and start").isNotNull();
        assertThat(bytesRead(afterRestart)).as("after a stop and start").isLessThan(4L << 20);

        awaitDone(LAB.paddock().post("/api/v1/vms/" + id + "/migrate", "{\"hostId\":\"h2\"}"));
        LabAwait.until("records after the migration", Duration.ofSeconds(60), () -> count(records) >= 20);
        JsonNode afterMigration = backup(id, "second");
        assertThat(parentOf("second", id)).as("incremental after a live migration").isNotNull();
        assertThat(bytesRead(afterMigration)).as("after a live migration").isLessThan(4L << 20);
        assertThat(server().parts().hypervisor().checkpoints(lab.host(2), id)).hasSize(1);

        // Damage one chunk of the big file: verify names it, a restore refuses the point and leaves nothing.
        String last = lastPoint("second", id);
        Path damaged = someChunkOf(repository, big);
        byte[] bytes = Files.readAllBytes(damaged);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(damaged, bytes);
        JsonNode verified = LAB.paddock().post("/api/v1/backup-repositories/second/verify", "").json();
        assertThat(verified.get("clean").asBoolean()).isFalse();
        assertThat(verified.get("problems").toString()).contains(damaged.getFileName().toString());
        Path pool = LAB.lab().shared().resolve("restored2-" + id.substring(0, 8));
        made.add(pool);
        awaitDone(LAB.paddock().post("/api/v1/datastores", "{\"name\":\"restored2\",\"type\":\"dir\","
                + "\"shared\":true,\"source\":{\"path\":\"" + pool + "\"},\"hosts\":[\"h1\",\"h2\"]}"));
        awaitFreeSpace("restored2");
        LabPaddock.Reply refused = LAB.paddock().post("/api/v1/backup-repositories/second/points/" + last
                + "/restore", "{\"name\":\"" + name + "-bad\",\"datastore\":\"restored2\"}");
        JsonNode failed = awaitFinal(refused);
        assertThat(failed.get("state").asText()).isNotEqualTo("DONE");
        assertThat(failed.toString()).contains(damaged.getFileName().toString());
        for (JsonNode other : LAB.paddock().get("/api/v1/vms").json().get("items")) {
            assertThat(other.get("name").asText()).isNotEqualTo(name + "-bad");
        }
        try (Stream<Path> left = Files.list(pool)) {
            assertThat(left.map(Path::getFileName).map(Path::toString)).as("no volume left").noneMatch(
                    file -> file.startsWith(name + "-bad"));
        }
    }

    @Test
    @DisplayName("after its host crashed, a VM restarted elsewhere by HA is backed up by reading its disks again,"
            + " never from a bitmap its crashed host left")
    void afterAHostCrashTheDisksAreReadAgain() throws Exception {
        LabPaddock.Registered lab = LAB.registered();
        String id = UUID.randomUUID().toString();
        String name = "crashed-" + id.substring(0, 6);
        Path datastore = LAB.lab().shared().resolve("datastores").resolve(lab.datastoreId());
        Path records = datastore.resolve(name + "-records.qcow2");
        LabDisks.records(records);
        byte[] big = new byte[8 << 20];
        new java.util.Random(11).nextBytes(big);
        filesDisk(datastore.resolve(name + "-root.qcow2"), big);
        Vm vm = new Vm(id, name, lab.clusterId(), Optional.of(lab.host(1)), Resources.of(500, 128, 0, 0),
                VmState.STOPPED, VmOrigin.MANAGED, "", 1, Set.of(), Set.of(), Set.of(),
                List.of(new Disk("root", lab.datastoreId(), 1), new Disk("records", lab.datastoreId(), 1)), List.of());
        LabPaddock.run(LAB.server().parts(), vm, lab.host(1));
        LabAwait.until("the guest's first records", Duration.ofSeconds(90), () -> count(records) >= 10);
        Path repository = LAB.lab().shared().resolve("backups3-" + id.substring(0, 8));
        made.add(repository);
        assertThat(LAB.paddock().post("/api/v1/backup-repositories", "{\"name\":\"third\",\"path\":\""
                + repository + "\"}").status()).isEqualTo(201);
        backup(id, "third");
        backup(id, "third");
        assertThat(parentOf("third", id)).isNotNull();

        try {
            LAB.lab().powerOff(1);
            LabAwait.until("the VM running away from h1", Duration.ofSeconds(120), () -> {
                JsonNode now = LAB.paddock().get("/api/v1/vms/" + id).json();
                return now.path("state").asText().equals("RUNNING")
                        && !now.path("hostId").asText().equals(lab.host(1));
            });
            String host = LAB.paddock().get("/api/v1/vms/" + id).json().get("hostId").asText();
            assertThat(server().parts().hypervisor().checkpoints(host, id)).as("no checkpoint where HA restarted it")
                    .isEmpty();
            JsonNode afterCrash = awaitDone(LAB.paddock().post("/api/v1/vms/" + id + "/backup",
                    "{\"repository\":\"third\"}"));
            assertThat(parentOf("third", id)).as("a full point: the crashed host's bitmap is not trusted").isNull();
            assertThat(bytesRead(afterCrash)).as("every allocated block read again").isGreaterThan(8L << 20);
            assertThat(bytesStored(afterCrash)).as("yet only chunks the repository lacks are stored")
                    .isLessThan(4L << 20);
        } finally {
            if (LAB.lab().power(1) == dev.paddock.libvirt.Lab.Power.OFF) {
                LAB.lab().powerOn(1);
            }
            LabAwait.until("h1 connected again", Duration.ofSeconds(120), () -> LAB.paddock().get("/api/v1/hosts/"
                    + lab.host(1)).json().get("state").asText().equals("CONNECTED"));
        }
    }

    private static long bytesStored(JsonNode operation) {
        for (JsonNode step : operation.get("steps")) {
            java.util.regex.Matcher stored = java.util.regex.Pattern.compile("(\\d+) bytes of new chunks stored")
                    .matcher(step.path("log").asText());
            if (stored.find()) {
                return Long.parseLong(stored.group(1));
            }
        }
        throw new AssertionError("no copy step with a byte count in " + operation.toPrettyString());
    }

    /** Backs the VM up into the repository and answers the finished operation. */
    private static JsonNode backup(String vmId, String repository) {
        return awaitDone(LAB.paddock().post("/api/v1/vms/" + vmId + "/backup", "{\"repository\":\"" + repository
                + "\"}"));
    }

    /** The bytes the operation's copy step read from the host, from its log. */
    private static long bytesRead(JsonNode operation) {
        for (JsonNode step : operation.get("steps")) {
            java.util.regex.Matcher read = java.util.regex.Pattern.compile("(\\d+) bytes read from the host")
                    .matcher(step.path("log").asText());
            if (read.find()) {
                return Long.parseLong(read.group(1));
            }
        }
        throw new AssertionError("no copy step with a byte count in " + operation.toPrettyString());
    }

    private static String lastPoint(String repository, String vmId) {
        JsonNode points = LAB.paddock().get("/api/v1/backup-repositories/" + repository + "/points?vm=" + vmId)
                .json().get("items");
        return points.get(points.size() - 1).get("id").asText();
    }

    private static String parentOf(String repository, String vmId) {
        JsonNode points = LAB.paddock().get("/api/v1/backup-repositories/" + repository + "/points?vm=" + vmId)
                .json().get("items");
        JsonNode parent = points.get(points.size() - 1).get("parent");
        return parent.isNull() ? null : parent.asText();
    }

    /** The chunk file holding the big file's first 4 MiB-aligned chunk that is wholly inside it. */
    private static Path someChunkOf(Path repository, byte[] big) throws IOException {
        try (Stream<Path> chunks = Files.walk(repository.resolve("chunks"))) {
            List<Path> all = chunks.filter(Files::isRegularFile).toList();
            // The largest chunks are the random data's (zstd cannot shrink it).
            return all.stream().max(Comparator.comparingLong(path -> path.toFile().length())).orElseThrow();
        }
    }

    /** A 64 MiB qcow2 disk holding a FAT file system with /hello.txt and /big.bin. */
    private static void filesDisk(Path qcow2, byte[] big) throws Exception {
        Path raw = Files.createTempFile("files", ".raw");
        Path bigFile = Files.createTempFile("big", ".bin");
        Path hello = Files.createTempFile("hello", ".txt");
        try {
            try (RandomAccessFile file = new RandomAccessFile(raw.toFile(), "rw")) {
                file.setLength(64L << 20);
            }
            Files.write(bigFile, big);
            Files.writeString(hello, "hello from a restore point\n");
            run("mkfs.vfat", raw.toString());
            run("mcopy", "-i", raw.toString(), bigFile.toString(), "::big.bin");
            run("mcopy", "-i", raw.toString(), hello.toString(), "::hello.txt");
            LabDisks.qemuImg("convert", "-q", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString());
        } finally {
            Files.deleteIfExists(raw);
            Files.deleteIfExists(bigFile);
            Files.deleteIfExists(hello);
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
    }

    private static JsonNode awaitFinal(LabPaddock.Reply accepted) {
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String operation = accepted.json().get("id").asText();
        JsonNode[] last = new JsonNode[1];
        Awaitility.await("operation " + operation).atMost(OPERATION).pollInterval(Duration.ofMillis(250)).until(() -> {
            last[0] = LAB.paddock().get("/api/v1/operations/" + operation).json();
            return last[0].get("isFinal").asBoolean();
        });
        return last[0];
    }

    /** Waits until datastore {@code name} reports its free space: the pool's size reaches the inventory after it. */
    private static void awaitFreeSpace(String name) {
        LabAwait.until("datastore " + name + " with its free space", Duration.ofSeconds(30), () -> {
            for (JsonNode datastore : LAB.paddock().get("/api/v1/datastores").json().get("items")) {
                if (datastore.get("name").asText().equals(name) && datastore.path("freeBytes").asLong() > 0) {
                    return true;
                }
            }
            return false;
        });
    }

    private static dev.paddock.server.PaddockServer server() {
        return LAB.server();
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
                LabDisks.qemuImg("dd", "-f", "qcow2", "-O", "raw", "-U", "bs=512", "skip=" + sector,
                        "count=" + (sector + 1),
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
            LabDisks.qemuImg("convert", "-q", "-f", "qcow2", "-O", "raw", qcow2.toString(), raw.toString());
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
