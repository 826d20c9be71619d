package dev.paddock.backup.files;

import dev.paddock.backup.BackupRepository;
import dev.paddock.backup.PointWriter;
import dev.paddock.backup.RestorePoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * Disk images for the file-restore tests, made with the real tools from a directory tree the test writes, then
 * written into a backup repository as a restore point's disk; partitioned disks are laid out here (MBR with logical
 * partitions, GPT with both headers), the way fdisk and sgdisk write them.
 */
final class DiskImages {

    static final long MIB = 1 << 20;
    static final int SECTOR = 512;
    static final Instant TAKEN = Instant.parse("2026-12-07T02:00:00Z");
    static final Instant FILE_TIME = Instant.parse("2024-05-06T07:08:10Z");

    private DiskImages() {}

    /** The tree both FAT and ext images are made from: large, deep, empty, fragmentable and oddly named files. */
    static Path commonTree(Path root) throws IOException {
        Files.createDirectories(root.resolve("a/b/c/d/e"));
        Files.write(root.resolve("big.bin"), random(1, 10 << 20));
        Files.writeString(root.resolve("a/b/c/d/e/deep.txt"), "five levels down\n");
        Files.write(root.resolve("empty"), new byte[0]);
        Files.writeString(root.resolve("A long file name with spaces.txt"), "long names\n");
        Files.writeString(root.resolve("Ünïcödé näme.txt"), "not ASCII\n");
        Files.writeString(root.resolve("lower.txt"), "lower case short name\n");
        Files.setLastModifiedTime(root.resolve("lower.txt"), FileTime.from(FILE_TIME));
        return root;
    }

    /**
     * The ext tree: the common one plus 2,000 names in one directory (made an htree by {@code e2fsck -D}), links fast
     * and slow, a sparse file with 40 islands (an extent tree of depth 1), a FIFO, and a file with mode 0640.
     */
    static Path extTree(Path root) throws IOException {
        commonTree(root);
        Files.createDirectories(root.resolve("many"));
        for (int i = 0; i < 2000; i++) {
            Files.writeString(root.resolve("many/file-" + i + ".txt"), "entry " + i + "\n");
        }
        Files.createSymbolicLink(root.resolve("link"), Path.of("a/b/c"));
        String far = "a/b/c/d/e/" + "x".repeat(80) + "/deep.txt";
        Files.createSymbolicLink(root.resolve("far-link"), Path.of(far));
        try (FileChannel sparse = FileChannel.open(root.resolve("sparse"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            for (int i = 0; i < 40; i++) {
                sparse.write(ByteBuffer.wrap(filled(i + 1, 5000)), i * 200_000L);
            }
            sparse.truncate(8_400_000);
            sparse.write(ByteBuffer.wrap(new byte[] {9}), 8_399_999); // a hole up to the last byte
        }
        Files.writeString(root.resolve("secret"), "only the owner and group\n");
        Files.setPosixFilePermissions(root.resolve("secret"), PosixFilePermissions.fromString("rw-r-----"));
        Tools.run("mkfifo", root.resolve("fifo").toString());
        return root;
    }

    static Path fat(Path dir, String name, int bits, long size, Path tree) throws IOException {
        Path image = sized(dir.resolve(name), size);
        Tools.run("mkfs.vfat", "-F", Integer.toString(bits), "-n", "PADDOCK", image.toString());
        try (var entries = Files.list(tree)) {
            for (Path entry : entries.sorted().toList()) {
                Tools.run("mcopy", "-s", "-m", "-i", image.toString(), entry.toString(), "::/");
            }
        }
        return image;
    }

    static Path ext(Path dir, String name, String type, List<String> features, List<String> options, long size,
                    Path tree) {
        Path image = dir.resolve(name);
        List<String> command = new ArrayList<>(List.of("mke2fs", "-q", "-F", "-t", type));
        command.addAll(options);
        if (!features.isEmpty()) {
            command.addAll(List.of("-O", String.join(",", features)));
        }
        command.addAll(List.of("-d", tree.toString(), image.toString(), (size / 1024) + "k"));
        Tools.run(command);
        Tools.run(List.of("e2fsck", "-f", "-y", "-D", image.toString()), 0, 1); // -D indexes large directories
        return image;
    }

    static Path sized(Path file, long size) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
        }
        return file;
    }

    static RestorePoint backup(BackupRepository repository, Path image) throws IOException {
        try (PointWriter writer = repository.begin("vm-1", "{}", TAKEN, Optional.empty());
             InputStream in = Files.newInputStream(image)) {
            writer.writeDisk("vda", in);
            return writer.commit();
        }
    }

    static FileBrowser browse(BackupRepository repository, Path image) throws IOException {
        return FileBrowser.open(repository.reader(backup(repository, image).id(), "vda"));
    }

    static byte[] extract(FileBrowser browser, int partition, String path) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long size = browser.extract(partition, path, out);
        if (size != out.size()) {
            throw new AssertionError("extract said " + size + " bytes and wrote " + out.size());
        }
        return out.toByteArray();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(Path file) {
        try {
            return sha256(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] random(long seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static byte[] filled(int value, int size) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    /** A FAT16 image's boot sector fields this test reads: where the FAT, the root directory and the data are. */
    record Fat16(long fat, long root, int rootEntries, long data, int clusterSize) {

        static Fat16 of(Path image) throws IOException {
            ByteBuffer boot = ByteBuffer.wrap(Files.readAllBytes(image), 0, 512).order(ByteOrder.LITTLE_ENDIAN);
            int bytesPerSector = boot.getShort(11);
            int reserved = boot.getShort(14);
            int fats = boot.get(16);
            int rootEntries = boot.getShort(17);
            int fatSectors = boot.getShort(22);
            long root = (long) (reserved + fats * fatSectors) * bytesPerSector;
            return new Fat16((long) reserved * bytesPerSector, root, rootEntries, root + rootEntries * 32L,
                    bytesPerSector * boot.get(13));
        }

        /** The clusters of the root directory's entry with this 8.3 name (11 characters, space-padded). */
        List<Integer> chain(Path image, String shortName) throws IOException {
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(image)).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < rootEntries; i++) {
                int at = (int) root + 32 * i;
                if (new String(bytes.array(), at, 11, StandardCharsets.US_ASCII).equals(shortName)) {
                    List<Integer> chain = new ArrayList<>();
                    for (int c = bytes.getShort(at + 26) & 0xffff; c >= 2 && c < 0xfff8 && chain.size() < 100_000;
                         c = bytes.getShort((int) fat + 2 * c) & 0xffff) {
                        chain.add(c);
                    }
                    return chain;
                }
            }
            throw new AssertionError("no " + shortName + " in the root directory of " + image);
        }

        void setEntry(Path image, int cluster, int value) throws IOException {
            write(image, fat + 2L * cluster, new byte[] {(byte) value, (byte) (value >> 8)});
        }
    }

    /** Writes {@code image} into {@code disk} at byte {@code offset}. */
    static void place(Path disk, long offset, Path image) throws IOException {
        try (FileChannel out = FileChannel.open(disk, StandardOpenOption.WRITE);
             FileChannel in = FileChannel.open(image, StandardOpenOption.READ)) {
            long done = 0;
            while (done < in.size()) {
                done += out.transferFrom(in.position(done), offset + done, in.size() - done);
            }
        }
    }

    static void write(Path disk, long offset, byte[] bytes) throws IOException {
        try (FileChannel out = FileChannel.open(disk, StandardOpenOption.WRITE)) {
            out.write(ByteBuffer.wrap(bytes), offset);
        }
    }

    /** A partition to lay out: sectors from {@code start}, its MBR type or GPT type GUID, and what it holds. */
    record Part(long start, long sectors, int mbrType, String gptType, String label, Optional<Path> content) {}

    /**
     * An MBR disk: {@code primaries} in entries 1.., then, when {@code logicals} is not empty, an extended partition
     * holding them, each preceded by its extended boot record one sector before it.
     */
    static Path mbr(Path disk, long size, List<Part> primaries, List<Part> logicals) throws IOException {
        sized(disk, size);
        ByteBuffer mbr = sector();
        int slot = 0;
        for (Part part : primaries) {
            entry(mbr, 446 + 16 * slot++, part.mbrType(), part.start(), part.sectors());
        }
        if (!logicals.isEmpty()) {
            long extendedStart = logicals.getFirst().start() - 1;
            Part last = logicals.getLast();
            entry(mbr, 446 + 16 * slot, 0x05, extendedStart, last.start() + last.sectors() - extendedStart);
            for (int i = 0; i < logicals.size(); i++) {
                Part part = logicals.get(i);
                long ebr = part.start() - 1;
                ByteBuffer record = sector();
                entry(record, 446, part.mbrType(), 1, part.sectors());
                if (i + 1 < logicals.size()) {
                    Part next = logicals.get(i + 1);
                    entry(record, 462, 0x05, next.start() - 1 - extendedStart, next.sectors() + 1);
                }
                write(disk, ebr * SECTOR, record.array());
            }
        }
        write(disk, 0, mbr.array());
        for (Part part : primaries) {
            part.content().ifPresent(content -> placeUnchecked(disk, part.start() * SECTOR, content));
        }
        for (Part part : logicals) {
            part.content().ifPresent(content -> placeUnchecked(disk, part.start() * SECTOR, content));
        }
        return disk;
    }

    /** A GPT disk: protective MBR, primary header and 128 entries at its start, their backups at its end. */
    static Path gpt(Path disk, long size, List<Part> parts) throws IOException {
        sized(disk, size);
        long sectors = size / SECTOR;
        ByteBuffer protective = sector();
        entry(protective, 446, 0xee, 1, Math.min(sectors - 1, 0xffffffffL));
        write(disk, 0, protective.array());
        ByteBuffer entries = ByteBuffer.allocate(128 * 128).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < parts.size(); i++) {
            Part part = parts.get(i);
            int at = i * 128;
            entries.put(at, guid(part.gptType()));
            entries.put(at + 16, guid(UUID.nameUUIDFromBytes(part.label().getBytes()).toString()));
            entries.putLong(at + 32, part.start());
            entries.putLong(at + 40, part.start() + part.sectors() - 1);
            byte[] name = part.label().getBytes(StandardCharsets.UTF_16LE);
            entries.put(at + 56, name);
        }
        CRC32 crc = new CRC32();
        crc.update(entries.array());
        int entriesCrc = (int) crc.getValue();
        write(disk, 2L * SECTOR, entries.array());
        write(disk, (sectors - 33) * SECTOR, entries.array());
        write(disk, SECTOR, gptHeader(1, sectors - 1, 2, sectors, entriesCrc));
        write(disk, (sectors - 1) * SECTOR, gptHeader(sectors - 1, 1, sectors - 33, sectors, entriesCrc));
        for (Part part : parts) {
            part.content().ifPresent(content -> placeUnchecked(disk, part.start() * SECTOR, content));
        }
        return disk;
    }

    private static byte[] gptHeader(long self, long alternate, long entriesLba, long sectors, int entriesCrc) {
        ByteBuffer header = sector();
        header.put(0, "EFI PART".getBytes(StandardCharsets.US_ASCII));
        header.putInt(8, 0x00010000);
        header.putInt(12, 92);
        header.putLong(24, self);
        header.putLong(32, alternate);
        header.putLong(40, 34);
        header.putLong(48, sectors - 34);
        header.put(56, guid("6e0e4a5c-0b5d-4f55-9d3e-0c7d3a1f2b11"));
        header.putLong(72, entriesLba);
        header.putInt(80, 128);
        header.putInt(84, 128);
        header.putInt(88, entriesCrc);
        CRC32 crc = new CRC32();
        crc.update(header.array(), 0, 92);
        header.putInt(16, (int) crc.getValue());
        header.put(510, (byte) 0).put(511, (byte) 0);
        return header.array();
    }

    /** A GUID as GPT stores it: the first three fields little-endian, the rest as written. */
    static byte[] guid(String text) {
        UUID uuid = UUID.fromString(text);
        ByteBuffer bytes = ByteBuffer.allocate(16);
        bytes.order(ByteOrder.LITTLE_ENDIAN).putInt((int) (uuid.getMostSignificantBits() >>> 32))
                .putShort((short) (uuid.getMostSignificantBits() >>> 16))
                .putShort((short) uuid.getMostSignificantBits());
        bytes.order(ByteOrder.BIG_ENDIAN).putLong(uuid.getLeastSignificantBits());
        return bytes.array();
    }

    private static ByteBuffer sector() {
        ByteBuffer sector = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        sector.put(510, (byte) 0x55).put(511, (byte) 0xaa);
        return sector;
    }

    private static void entry(ByteBuffer table, int at, int type, long start, long sectors) {
        table.put(at + 4, (byte) type);
        table.putInt(at + 8, (int) start);
        table.putInt(at + 12, (int) sectors);
    }

    private static void placeUnchecked(Path disk, long offset, Path image) {
        try {
            place(disk, offset, image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
