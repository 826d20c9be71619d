package dev.paddock.bench;

import static dev.paddock.bench.BackupBenchmark.MIB;
import static dev.paddock.bench.BackupBenchmark.round3;
import static dev.paddock.bench.BackupBenchmark.seconds;

import dev.paddock.backup.BackupRepository;
import dev.paddock.bench.QemuDisk.Write;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The third part of {@code paddock bench backup}: VM disks made as linked clones of one base image (qcow2 overlays,
 * each with data of its own), backed up into our repository and into a BorgBackup 1.2 repository ({@code borg init
 * -e none}; {@code borg create} with its default chunker, buzhash with 2 MiB average chunks, and its default
 * compression, lz4), twice: first whole, then after a day of scattered writes on every disk (2-5 % of its size).
 * Ours reads each disk through qemu-nbd as libvirt's pull mode serves it, whole the first time and the second time
 * only the ranges each clone's dirty bitmap marks; borg reads each raw image whole both times, given as files made
 * by {@code qemu-img convert -O raw} beforehand (their making is not counted: it is generous to borg). Both write
 * one disk after another on one thread of work, both fsync their repositories.
 */
final class AgainstBorg {

    private static final Instant FIRST = Instant.parse("2026-12-07T00:00:00Z");

    private final Path dir;
    private final BackupBenchmark.Options options;
    private final Random random = new Random(20261208L);

    AgainstBorg(Path dir, BackupBenchmark.Options options) {
        this.dir = dir;
        this.options = options;
    }

    BenchResult run() throws IOException {
        long size = options.diskMib() * MIB;
        List<QemuDisk> clones = clones(size);
        Path images = Files.createDirectories(dir.resolve("images"));
        Path oursDir = dir.resolve("repository-ours");
        Path borgDir = dir.resolve("repository-borg");
        BackupRepository ours = BackupRepository.create(oursDir, options.chunkSize(), Optional.empty());
        borg(dir, "init", "-e", "none", borgDir.toString());

        double export1 = exportRaw(clones, images);
        List<String> points = new ArrayList<>();
        double ours1 = oursFull(ours, clones, points);
        double borg1 = borgCreate(borgDir, images, "day-1");
        long oursSize1 = BackupBenchmark.directorySize(oursDir);
        long borgSize1 = BackupBenchmark.directorySize(borgDir);
        System.out.printf("borg round 1 (whole disks): ours %.2f s %d MiB, borg %.2f s %d MiB%n", ours1,
                oursSize1 / MIB, borg1, borgSize1 / MIB);

        long dayWritten = 0;
        for (QemuDisk clone : clones) {
            double share = 0.02 + 0.03 * random.nextDouble();
            List<Write> writes = GuestWrites.scattered(random, size, (long) (share * size) / GuestWrites.BLOCK
                    * GuestWrites.BLOCK);
            clone.write(writes, random, dir);
            dayWritten += GuestWrites.total(writes);
        }
        double export2 = exportRaw(clones, images);
        double borg2 = borgCreate(borgDir, images, "day-2");
        double ours2 = oursChanges(ours, clones, points);
        long oursSize2 = BackupBenchmark.directorySize(oursDir);
        long borgSize2 = BackupBenchmark.directorySize(borgDir);
        System.out.printf("borg round 2 (a day of writes): ours %.2f s %d MiB, borg %.2f s %d MiB%n", ours2,
                oursSize2 / MIB, borg2, borgSize2 / MIB);
        boolean same = BackupBenchmark.sameBytes(ours, points.getFirst(), clones.getFirst(), dir);

        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("vms", clones.size());
        metrics.put("disk_mib", options.diskMib());
        metrics.put("base_data_mib", options.dataMib());
        metrics.put("clone_own_mib", options.cloneMib());
        metrics.put("day_written_mib", round3(dayWritten / (double) MIB));
        metrics.put("chunk_kib", options.chunkKib());
        metrics.put("ours_full_s", round3(ours1));
        metrics.put("borg_full_s", round3(borg1));
        metrics.put("ours_incremental_s", round3(ours2));
        metrics.put("borg_second_s", round3(borg2));
        metrics.put("ours_size_1_mib", round3(oursSize1 / (double) MIB));
        metrics.put("borg_size_1_mib", round3(borgSize1 / (double) MIB));
        metrics.put("ours_size_2_mib", round3(oursSize2 / (double) MIB));
        metrics.put("borg_size_2_mib", round3(borgSize2 / (double) MIB));
        double[] ratios = {oursSize1 / (double) borgSize1, oursSize2 / (double) borgSize2, ours1 / borg1, ours2 / borg2};
        metrics.put("size_ratio_1", round3(ratios[0]));
        metrics.put("size_ratio_2", round3(ratios[1]));
        metrics.put("time_ratio_1", round3(ratios[2]));
        metrics.put("time_ratio_2", round3(ratios[3]));
        metrics.put("worst_ratio_to_borg", round3(Math.max(Math.max(ratios[0], ratios[1]),
                Math.max(ratios[2], ratios[3]))));
        metrics.put("first_point_equals_disk", same);
        metrics.put("raw_images_made_s", Map.of("before_round_1", round3(export1), "before_round_2", round3(export2)));
        metrics.put("definitions", Map.of(
                "ours", "full points through qemu-nbd + NbdClient + ExportBackup (zero ranges skipped), then "
                        + "incremental points through each clone's persistent dirty bitmap; one disk after another",
                "borg", "borg 1.2 create of the ten raw images (sparse files, holes read as zeros) in one archive per "
                        + "round, default chunker (buzhash 19,23,21,4095) and compression (lz4), repository -e none",
                "size", "the bytes of every file in the repository after the round (du -sb)",
                "time", "wall time of the round's backups; the raw images borg reads are made beforehand, not counted",
                "worst_ratio_to_borg", "the largest of the two size ratios and the two time ratios (ours / borg)",
                "first_point_equals_disk", "the first clone's second point read back has the SHA-256 of its image"));
        return BenchResult.of("backup-borg", metrics, new BenchResult.Goal("worst_ratio_to_borg", "<=", 1.0));
    }

    /** The base image with {@code --data-mib} of mixed data, and its clones, each with data of its own. */
    private List<QemuDisk> clones(long size) throws IOException {
        Path raw = dir.resolve("base.raw");
        DiskContent.write(raw, size, options.dataMib() * MIB, random, true);
        QemuDisk base = QemuDisk.fromRaw(raw, dir.resolve("base.qcow2"));
        Files.delete(raw);
        List<QemuDisk> clones = new ArrayList<>();
        for (int i = 1; i <= options.vms(); i++) {
            QemuDisk clone = QemuDisk.overlay(base, dir.resolve("vm-" + i + ".qcow2"));
            clone.write(GuestWrites.scattered(random, size, options.cloneMib() * MIB), random, dir);
            clone.addBitmap("day");
            clones.add(clone);
        }
        return clones;
    }

    private double exportRaw(List<QemuDisk> clones, Path images) throws IOException {
        long started = System.nanoTime();
        for (int i = 0; i < clones.size(); i++) {
            Path raw = images.resolve("vm-" + (i + 1) + ".raw");
            Files.deleteIfExists(raw);
            QemuDisk.run("qemu-img", "convert", "-q", "-f", "qcow2", "-O", "raw", clones.get(i).image().toString(),
                    raw.toString());
        }
        return seconds(started);
    }

    private double oursFull(BackupRepository ours, List<QemuDisk> clones, List<String> points) throws IOException {
        List<QemuDisk.Server> servers = serve(clones, Optional.empty());
        try {
            long started = System.nanoTime();
            for (int i = 0; i < clones.size(); i++) {
                points.add(BackupBenchmark.full(ours, servers.get(i), "vm-" + (i + 1), FIRST).point().id());
            }
            return seconds(started);
        } finally {
            servers.forEach(QemuDisk.Server::close);
        }
    }

    private double oursChanges(BackupRepository ours, List<QemuDisk> clones, List<String> points) throws IOException {
        List<QemuDisk.Server> servers = serve(clones, Optional.of("day"));
        try {
            long started = System.nanoTime();
            for (int i = 0; i < clones.size(); i++) {
                points.set(i, BackupBenchmark.changes(ours, servers.get(i), "vm-" + (i + 1), FIRST.plusSeconds(86_400),
                        points.get(i), "day").point().id());
            }
            return seconds(started);
        } finally {
            servers.forEach(QemuDisk.Server::close);
        }
    }

    /** Every clone served by its own qemu-nbd, as libvirt would serve each VM's disk, started before the clock. */
    private List<QemuDisk.Server> serve(List<QemuDisk> clones, Optional<String> bitmap) {
        List<QemuDisk.Server> servers = new ArrayList<>();
        for (int i = 0; i < clones.size(); i++) {
            servers.add(clones.get(i).serve("vda", bitmap, dir.resolve("vm-" + (i + 1) + ".sock")));
        }
        return servers;
    }

    private double borgCreate(Path repository, Path images, String archive) throws IOException {
        List<String> files;
        try (var list = Files.list(images)) {
            files = list.map(p -> p.getFileName().toString()).sorted().toList();
        }
        List<String> arguments = new ArrayList<>(List.of("create", repository + "::" + archive));
        arguments.addAll(files);
        long started = System.nanoTime();
        borg(images, arguments.toArray(String[]::new));
        return seconds(started);
    }

    /** Runs borg in {@code workingDirectory} with its cache and configuration under the benchmark's directory. */
    private void borg(Path workingDirectory, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("borg"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile())
                .redirectErrorStream(true);
        builder.environment().put("BORG_BASE_DIR", dir.resolve("borg-home").toString());
        builder.environment().put("BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK", "yes");
        builder.environment().put("BORG_RELOCATED_REPO_ACCESS_IS_OK", "yes");
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new IllegalStateException("borg " + String.join(" ", arguments) + " failed: " + output.strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run borg (Debian package borgbackup): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while borg ran", e);
        }
    }
}
