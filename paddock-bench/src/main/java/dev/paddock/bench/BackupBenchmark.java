package dev.paddock.bench;

import dev.paddock.backup.BackupRepository;
import dev.paddock.backup.DiskWrite;
import dev.paddock.backup.PointWriter;
import dev.paddock.backup.RestorePoint;
import dev.paddock.backup.nbd.DirtyExtents;
import dev.paddock.backup.nbd.ExportBackup;
import dev.paddock.backup.nbd.NbdClient;
import dev.paddock.bench.QemuDisk.Write;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code paddock bench backup}: the backup pipeline ({@code dev.paddock.backup}) fed as production feeds it, from a
 * qcow2 disk that qemu-nbd exports read-only with a persistent dirty bitmap (what libvirt's pull-mode backup serves),
 * read by {@link NbdClient} and {@link ExportBackup} into a {@link BackupRepository} on the local disk. Three parts,
 * each writing its own result file so that each goal is one row of the README table:
 * <ul>
 *   <li>{@code backup-incremental}: after a full point, rounds of guest writes (qemu-io, 4 KiB to 1 MiB at random
 *       places, some over earlier ones) and an incremental point through the bitmap; bytes read from the export
 *       against the bytes the writes changed, raw and as a 64 KiB bitmap sees them. Goal: worst round's read /
 *       changed (64 KiB) at most 1.05.</li>
 *   <li>{@code backup-throughput}: the same disk's full point into a fresh repository against {@code qemu-img convert
 *       -O qcow2} of the same export to a file, interleaved; goal: our throughput at least 0.8 times qemu-img's.</li>
 *   <li>{@code backup-borg}: ten linked clones of one base image, backed up whole into our repository (through
 *       NBD) and into a BorgBackup repository (their raw images, borg's default chunker and compression), then a
 *       day of scattered writes on each and a second backup (ours incremental through each clone's bitmap, borg
 *       reading every image whole); goal: ours no larger and no slower in both rounds.</li>
 * </ul>
 */
final class BackupBenchmark implements BenchMain.Benchmark {

    static final long MIB = 1 << 20;
    static final long BITMAP_GRANULARITY = 64 << 10;
    private static final long SEED = 20261207L;
    private static final String CONFIGURATION = "{}";

    @Override
    public int run(String[] arguments) throws Exception {
        Options options = Options.parse(arguments);
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "paddock-bench-backup");
        try {
            if (options.parts().contains("incremental") || options.parts().contains("throughput")) {
                QemuDisk disk = randomDisk(dir, options);
                if (options.parts().contains("incremental")) {
                    report(new IncrementalRounds(dir, options).run(disk));
                }
                if (options.parts().contains("throughput")) {
                    report(new FullThroughput(dir, options).run(disk));
                }
            }
            if (options.parts().contains("borg")) {
                report(new AgainstBorg(dir, options).run());
            }
            return 0;
        } finally {
            deleteTree(dir);
        }
    }

    private static void report(BenchResult result) throws IOException {
        Path written = result.write(BenchMain.RESULTS);
        System.out.printf("%s: %s %s %s -> %s (%s); written to %s%n", result.benchmark(), result.goal().metric(),
                result.goal().op(), result.goal().value(), result.metrics().get(result.goal().metric()),
                result.met() ? "met" : "not met", written);
    }

    /** The disk of the first two parts: {@code --disk-mib} with {@code --data-mib} of random data in 256 KiB pieces. */
    private static QemuDisk randomDisk(Path dir, Options options) throws IOException {
        Path raw = dir.resolve("disk.raw");
        DiskContent.write(raw, options.diskMib() * MIB, options.dataMib() * MIB, new Random(SEED), false);
        QemuDisk disk = QemuDisk.fromRaw(raw, dir.resolve("disk.qcow2"));
        Files.delete(raw);
        return disk;
    }

    /** A full point of the disk qemu-nbd serves at {@code server}. */
    static Written full(BackupRepository repository, QemuDisk.Server server, String vm, Instant taken) throws IOException {
        try (NbdClient client = NbdClient.connect(server.address(), server.export(), List.of(NbdClient.BASE_ALLOCATION));
                PointWriter writer = repository.begin(vm, CONFIGURATION, taken, Optional.empty())) {
            DiskWrite write = ExportBackup.of(client).full(writer, "vda");
            return new Written(writer.commit(), write, client.bytesReceived(), 0);
        }
    }

    /** An incremental point over {@code parent}: the ranges bitmap {@code bitmap} marks, read from the export. */
    static Written changes(BackupRepository repository, QemuDisk.Server server, String vm, Instant taken, String parent,
                           String bitmap) throws IOException {
        try (NbdClient client = NbdClient.connect(server.address(), server.export(),
                List.of(NbdClient.BASE_ALLOCATION, DirtyExtents.bitmapContext(bitmap)));
                PointWriter writer = repository.begin(vm, CONFIGURATION, taken, Optional.of(parent))) {
            long dirty = DirtyExtents.dirty(client, bitmap).stream().mapToLong(r -> r.length()).sum();
            DiskWrite write = ExportBackup.of(client).changes(writer, "vda", bitmap);
            return new Written(writer.commit(), write, client.bytesReceived(), dirty);
        }
    }

    /** A point written, what writing its disk did, the bytes read over NBD, and the bytes its bitmap marked. */
    record Written(RestorePoint point, DiskWrite write, long received, long dirty) {}

    /** The first part: incremental points against what the guest's writes changed. */
    private record IncrementalRounds(Path dir, Options options) {

        BenchResult run(QemuDisk disk) throws IOException {
            Random random = new Random(SEED + 1);
            BackupRepository repository = BackupRepository.create(dir.resolve("repository-incremental"),
                    options.chunkSize(), Optional.empty());
            Path socket = dir.resolve("incremental.sock");
            Instant taken = Instant.parse("2026-12-07T00:00:00Z");
            disk.addBitmap("since-1");
            String parent;
            try (QemuDisk.Server server = disk.serve("vda", Optional.empty(), socket)) {
                parent = full(repository, server, "vm", taken).point().id();
            }
            List<Map<String, Object>> rounds = new ArrayList<>();
            double worst64k = 0;
            double worstRaw = 0;
            for (int round = 1; round <= options.rounds(); round++) {
                List<Write> writes = GuestWrites.scattered(random, options.diskMib() * MIB, options.writesMib() * MIB);
                disk.write(writes, random, dir);
                String bitmap = "since-" + round;
                Written point;
                try (QemuDisk.Server server = disk.serve("vda", Optional.of(bitmap), socket)) {
                    point = changes(repository, server, "vm", taken.plusSeconds(3600L * round), parent, bitmap);
                }
                parent = point.point().id();
                disk.addBitmap("since-" + (round + 1)).removeBitmap(bitmap);
                long changed = GuestWrites.changed(writes);
                long changed64k = GuestWrites.changed(writes, BITMAP_GRANULARITY);
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("writes", writes.size());
                r.put("written_bytes", GuestWrites.total(writes));
                r.put("changed_bytes", changed);
                r.put("changed_64k_bytes", changed64k);
                r.put("bitmap_dirty_bytes", point.dirty());
                r.put("read_bytes", point.received());
                r.put("new_chunks", point.write().stored());
                r.put("shipped_compressed_bytes", point.write().bytesStored());
                r.put("shipped_uncompressed_bytes", (long) point.write().stored() * repository.chunkSize());
                r.put("read_to_changed_64k", ratio(point.received(), changed64k));
                r.put("read_to_changed_raw", ratio(point.received(), changed));
                rounds.add(r);
                worst64k = Math.max(worst64k, (double) point.received() / changed64k);
                worstRaw = Math.max(worstRaw, (double) point.received() / changed);
                System.out.printf("incremental round %d: %d writes, changed %d B (64 KiB: %d B), read %d B, "
                        + "%d new chunks (%d B stored)%n", round, writes.size(), changed, changed64k,
                        point.received(), point.write().stored(), point.write().bytesStored());
            }
            boolean same = sameBytes(repository, parent, disk, dir);
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("disk_mib", options.diskMib());
            metrics.put("data_mib", options.dataMib());
            metrics.put("rounds", options.rounds());
            metrics.put("chunk_kib", options.chunkKib());
            metrics.put("written_mib_per_round", options.writesMib());
            metrics.put("worst_read_to_changed_64k", round3(worst64k));
            metrics.put("worst_read_to_changed_raw", round3(worstRaw));
            metrics.put("last_point_equals_disk", same);
            metrics.put("per_round", rounds);
            metrics.put("definitions", Map.of(
                    "changed", "the union of the byte ranges the guest's writes covered",
                    "changed_64k", "that union with each write widened to 64 KiB boundaries: what a dirty bitmap of "
                            + "qcow2's default 64 KiB granularity (libvirt's) can mark at best",
                    "read", "payload bytes the NBD client received from the export for the incremental point",
                    "shipped", "the new chunk files the incremental point added to the repository (compressed, "
                            + "as stored; uncompressed = new chunks x the chunk size): every chunk a write touched "
                            + "is stored whole again, its unchanged bytes taken from the repository, not the host",
                    "last_point_equals_disk", "the last incremental point read back from the repository has the "
                            + "SHA-256 of qemu-img convert -O raw of the image"));
            return BenchResult.of("backup-incremental", metrics,
                    new BenchResult.Goal("worst_read_to_changed_64k", "<=", 1.05));
        }
    }

    /** The second part: our full point against qemu-img convert of the same export, interleaved. */
    private record FullThroughput(Path dir, Options options) {

        static final int WARMUP_ROUNDS = 1;

        BenchResult run(QemuDisk disk) throws IOException {
            List<Double> ours = new ArrayList<>();
            List<Double> nbd = new ArrayList<>();
            List<Double> file = new ArrayList<>();
            long read = 0;
            long stored = 0;
            try (QemuDisk.Server server = disk.serve("vda", Optional.empty(), dir.resolve("full.sock"))) {
                // warm-up rounds first, for both alike and not counted: a server runs backups with its code compiled
                for (int round = 1 - WARMUP_ROUNDS; round <= options.rounds(); round++) {
                    boolean counted = round >= 1;
                    double oursSeconds = 0;
                    double nbdSeconds = 0;
                    double fileSeconds = 0;
                    for (int half = 0; half < 2; half++) {
                        if ((half == 0) == (Math.floorMod(round, 2) == 1)) {
                            Path repositoryDir = dir.resolve("repository-full");
                            long started = System.nanoTime();
                            BackupRepository repository = BackupRepository.create(repositoryDir,
                                    options.chunkSize(), Optional.empty());
                            Written point = full(repository, server, "vm", Instant.parse("2026-12-07T00:00:00Z"));
                            oursSeconds = seconds(started);
                            read = point.received();
                            stored = directorySize(repositoryDir);
                            deleteTree(repositoryDir);
                        } else {
                            nbdSeconds = convert(server.uri(), "raw");
                            fileSeconds = convert(disk.image().toString(), "qcow2");
                        }
                    }
                    if (counted) {
                        ours.add(oursSeconds);
                        nbd.add(nbdSeconds);
                        file.add(fileSeconds);
                    }
                    System.out.printf("full round %s: ours %.2f s, qemu-img convert of the export %.2f s, of the "
                            + "file %.2f s%n", counted ? String.valueOf(round) : "(warm-up)", oursSeconds, nbdSeconds,
                            fileSeconds);
                }
            }
            double mib = read / (double) MIB;
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("disk_mib", options.diskMib());
            metrics.put("data_read_mib", round3(mib));
            metrics.put("rounds", options.rounds());
            metrics.put("warmup_rounds", WARMUP_ROUNDS);
            metrics.put("ours_median_s", round3(LabApi.median(ours)));
            metrics.put("qemu_img_nbd_median_s", round3(LabApi.median(nbd)));
            metrics.put("qemu_img_file_median_s", round3(LabApi.median(file)));
            metrics.put("ours_mib_per_s", round3(mib / LabApi.median(ours)));
            metrics.put("qemu_img_nbd_mib_per_s", round3(mib / LabApi.median(nbd)));
            metrics.put("repository_mib", round3(stored / (double) MIB));
            metrics.put("throughput_ratio", round3(LabApi.median(nbd) / LabApi.median(ours)));
            metrics.put("throughput_ratio_vs_file", round3(LabApi.median(file) / LabApi.median(ours)));
            metrics.put("runs", Map.of("ours_s", ours, "qemu_img_nbd_s", nbd, "qemu_img_file_s", file));
            metrics.put("definitions", Map.of(
                    "ours", "NbdClient + ExportBackup.full + PointWriter into a new repository (format 2): "
                            + "SHA-256 names of sparse chunks (zero 4 KiB blocks left out), zstd level 1, chunk "
                            + "files written, the file system synced (syncfs), renamed in, manifest renamed in",
                    "qemu_img_nbd", "qemu-img convert -f raw -O qcow2 -t writeback of the same NBD export to a new "
                            + "file (flushed when qemu-img closes it)",
                    "qemu_img_file", "qemu-img convert -f qcow2 -O qcow2 -t writeback of the image file itself",
                    "throughput_ratio", "qemu_img_nbd median time / ours median time: our throughput as a "
                            + "fraction of qemu-img's",
                    "warmup_rounds", "rounds run first by both, in the same order, and not counted"));
            return BenchResult.of("backup-throughput", metrics, new BenchResult.Goal("throughput_ratio", ">=", 0.8));
        }

        private double convert(String source, String format) throws IOException {
            Path out = dir.resolve("convert.qcow2");
            long started = System.nanoTime();
            QemuDisk.run("qemu-img", "convert", "-q", "-f", format, "-O", "qcow2", "-t", "writeback", source,
                    out.toString());
            double seconds = seconds(started);
            Files.delete(out);
            return seconds;
        }
    }

    /** The read-back check: the point's disk, hashed as it streams, against qemu-img's raw image of the disk. */
    static boolean sameBytes(BackupRepository repository, String point, QemuDisk disk, Path dir) throws IOException {
        Path raw = dir.resolve("check.raw");
        QemuDisk.run("qemu-img", "convert", "-q", "-f", "qcow2", "-O", "raw", disk.image().toString(), raw.toString());
        try (InputStream restored = repository.openDisk(point, "vda"); InputStream image = Files.newInputStream(raw)) {
            return sha256(restored).equals(sha256(image));
        } finally {
            Files.delete(raw);
        }
    }

    private static String sha256(InputStream in) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    static double ratio(long a, long b) {
        return round3((double) a / b);
    }

    static double round3(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    /** The bytes of every file under {@code dir} (their lengths, as {@code du -sb} adds them). */
    static long directorySize(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The sizes and parts asked for; defaults show the point on two cores in about five minutes. */
    record Options(int diskMib, int dataMib, int writesMib, int rounds, int vms, int cloneMib, int chunkKib,
                   Set<String> parts) {

        static final Set<String> PARTS = Set.of("incremental", "throughput", "borg");

        static Options parse(String[] args) {
            int diskMib = 1024;
            int dataMib = 300;
            int writesMib = 32;
            int rounds = 3;
            int vms = 10;
            int cloneMib = 16;
            int chunkKib = BackupRepository.DEFAULT_CHUNK_SIZE >> 10;
            Set<String> parts = new LinkedHashSet<>(List.of("incremental", "throughput", "borg"));
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : "";
                switch (args[i]) {
                    case "--disk-mib" -> { diskMib = BenchOptions.positive(args[i], value); i++; }
                    case "--data-mib" -> { dataMib = BenchOptions.positive(args[i], value); i++; }
                    case "--writes-mib" -> { writesMib = BenchOptions.positive(args[i], value); i++; }
                    case "--rounds" -> { rounds = BenchOptions.positive(args[i], value); i++; }
                    case "--vms" -> { vms = BenchOptions.positive(args[i], value); i++; }
                    case "--clone-mib" -> { cloneMib = BenchOptions.positive(args[i], value); i++; }
                    case "--chunk-kib" -> { chunkKib = BenchOptions.positive(args[i], value); i++; }
                    case "--only" -> {
                        parts = new LinkedHashSet<>(List.of(value.split(",")));
                        if (value.isEmpty() || !PARTS.containsAll(parts)) {
                            throw new IllegalArgumentException("--only takes incremental, throughput or borg, "
                                    + "comma-separated, not '" + value + "'");
                        }
                        i++;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + " (known: --disk-mib N"
                            + " --data-mib N --writes-mib N --rounds N --vms N --clone-mib N --chunk-kib N --only PART,...)");
                }
            }
            if (diskMib % 4 != 0 || dataMib > diskMib / 2 || writesMib > diskMib / 4) {
                throw new IllegalArgumentException("--disk-mib is a multiple of 4, at least twice --data-mib and four "
                        + "times --writes-mib");
            }
            if (Integer.bitCount(chunkKib) != 1 || chunkKib < 64 || chunkKib > 16384) {
                throw new IllegalArgumentException("--chunk-kib is a power of two from 64 to 16384, not " + chunkKib);
            }
            return new Options(diskMib, dataMib, writesMib, rounds, vms, cloneMib, chunkKib, parts);
        }

        int chunkSize() {
            return chunkKib << 10;
        }
    }
}
