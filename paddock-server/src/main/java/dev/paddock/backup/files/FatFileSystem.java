package dev.paddock.backup.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * FAT12, FAT16 and FAT32, read-only, with VFAT long names. The width of the table's entries is decided as Linux
 * decides it: FAT32 when the boot sector's 16-bit FAT size is 0, else FAT12 below 4085 clusters, else FAT16. The
 * active FAT is read (FAT32 may say that mirroring is off and another copy is the live one).
 *
 * <p>Cluster chains are followed one entry at a time through the table, each cluster checked to lie inside the
 * file system and to be new in its chain: a file's chain is followed for exactly the clusters its size needs, and a
 * directory's for at most the 2 MiB (65,536 entries) a FAT directory may hold, so a looping or broken chain is a
 * {@link FileRestoreException.Corrupt} naming the path, never an endless walk. A long name whose checksum does not
 * match its short entry is ignored (as Windows does) and the short name shown.
 */
final class FatFileSystem implements FileSystem {

    private static final int MAX_DIRECTORY_BYTES = 65_536 * 32;
    private static final int COPY_BUFFER = 1 << 20;
    private static final long FIXED_ROOT = -1;
    private static final Charset OEM = oemCharset();

    private final Region region;
    private final String name;
    private final int bits;
    private final int clusterSize;
    private final long fatOffset;
    private final long fatBytes;
    private final long rootOffset;
    private final int rootEntries;
    private final long rootCluster;
    private final long dataOffset;
    private final long clusters;

    private FatFileSystem(Region region, ByteBuffer boot) {
        this.region = region;
        int bytesPerSector = boot.getShort(11) & 0xffff;
        int sectorsPerCluster = boot.get(13) & 0xff;
        int reserved = boot.getShort(14) & 0xffff;
        int fats = boot.get(16) & 0xff;
        this.rootEntries = boot.getShort(17) & 0xffff;
        long total = (boot.getShort(19) & 0xffff) != 0 ? boot.getShort(19) & 0xffff
                : Integer.toUnsignedLong(boot.getInt(32));
        boolean fat32 = (boot.getShort(22) & 0xffff) == 0;
        long fatSectors = fat32 ? Integer.toUnsignedLong(boot.getInt(36)) : boot.getShort(22) & 0xffff;
        this.clusterSize = bytesPerSector * sectorsPerCluster;
        long rootSectors = ((long) rootEntries * 32 + bytesPerSector - 1) / bytesPerSector;
        long firstData = reserved + fats * fatSectors + rootSectors;
        if (firstData >= total) {
            throw new FileRestoreException.Corrupt("the FAT file system on " + region.name() + " declares "
                    + total + " sectors, fewer than its tables take (" + firstData + ")");
        }
        this.clusters = (total - firstData) / sectorsPerCluster;
        this.bits = fat32 ? 32 : clusters < 4085 ? 12 : 16;
        this.name = "fat" + bits;
        int active = fat32 && (boot.getShort(40) & 0x80) != 0 ? boot.getShort(40) & 0x0f : 0;
        if (active >= fats) {
            throw new FileRestoreException.Corrupt("the FAT32 file system on " + region.name() + " names FAT "
                    + active + " as active, but has " + fats);
        }
        this.fatBytes = fatSectors * bytesPerSector;
        this.fatOffset = (long) reserved * bytesPerSector + active * fatBytes;
        this.rootOffset = ((long) reserved + fats * fatSectors) * bytesPerSector;
        this.rootCluster = fat32 ? Integer.toUnsignedLong(boot.getInt(44)) & 0x0fffffffL : FIXED_ROOT;
        this.dataOffset = firstData * bytesPerSector;
        if ((clusters + 2) * bits / 8 > fatBytes) {
            throw new FileRestoreException.Corrupt("the FAT on " + region.name() + " (" + fatBytes
                    + " bytes) is too small for its " + clusters + " clusters");
        }
        if (!region.inside(dataOffset, clusters * clusterSize)) {
            throw new FileRestoreException.Corrupt("the " + name + " file system on " + region.name()
                    + " is larger than its partition: " + (dataOffset + clusters * clusterSize) + " bytes");
        }
        if (fat32 && !valid(rootCluster)) {
            throw new FileRestoreException.Corrupt("the FAT32 root directory's cluster " + rootCluster
                    + " is outside the file system on " + region.name());
        }
    }

    static FatFileSystem open(Region region) {
        return new FatFileSystem(region, region.buffer(0, 512, "the FAT boot sector"));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Node root() {
        return new Node(new FileEntry("", FileEntry.Type.DIRECTORY, 0, Optional.empty(), Optional.empty(),
                Optional.empty()), bits == 32 ? rootCluster : FIXED_ROOT);
    }

    @Override
    public List<Node> children(Node directory, String path) {
        return entries(directory, path).stream().map(Entry::node).toList();
    }

    @Override
    public Optional<Node> child(Node directory, String wanted, String path) {
        List<Entry> entries = entries(directory, path);
        for (Entry entry : entries) {
            if (entry.node().entry().name().equals(wanted)) {
                return Optional.of(entry.node());
            }
        }
        return entries.stream()
                .filter(entry -> entry.node().entry().name().equalsIgnoreCase(wanted)
                        || entry.shortName().equalsIgnoreCase(wanted))
                .map(Entry::node)
                .findFirst();
    }

    @Override
    public void copy(Node file, String path, OutputStream out) throws IOException {
        long size = file.entry().size();
        if (size > 0 && file.handle() == 0) {
            throw new FileRestoreException.Corrupt("file " + path + " has " + size + " bytes but no first cluster");
        }
        byte[] buffer = new byte[Math.max(clusterSize, COPY_BUFFER / clusterSize * clusterSize)];
        BitSet seen = new BitSet();
        long cluster = file.handle();
        long left = size;
        while (left > 0) {
            // consecutive clusters are read at once, up to the buffer's size
            long first = cluster;
            int run = 0;
            long runBytes;
            while (true) {
                check(cluster, seen, path, "file");
                run++;
                runBytes = Math.min(left, (long) run * clusterSize);
                if (runBytes == left) {
                    break;
                }
                cluster = next(cluster, path, "file");
                if (cluster != first + run || (long) (run + 1) * clusterSize > buffer.length) {
                    break;
                }
            }
            region.read(offset(first), buffer, 0, (int) runBytes, "data of " + path);
            out.write(buffer, 0, (int) runBytes);
            left -= runBytes;
        }
    }

    /** A directory's 32-byte entries, read whole (a FAT directory holds at most 2 MiB), then parsed. */
    private List<Entry> entries(Node directory, String path) {
        byte[] bytes;
        if (directory.handle() == FIXED_ROOT) {
            bytes = region.bytes(rootOffset, rootEntries * 32, "the root directory");
        } else {
            bytes = chain(directory.handle(), path);
        }
        return parse(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), path);
    }

    private byte[] chain(long start, String path) {
        int limit = Math.max(1, MAX_DIRECTORY_BYTES / clusterSize);
        List<Long> clustersOf = new ArrayList<>();
        BitSet seen = new BitSet();
        long cluster = start;
        while (!endOfChain(cluster)) {
            check(cluster, seen, path, "directory");
            if (clustersOf.size() == limit) {
                throw new FileRestoreException.Corrupt("the cluster chain of directory " + path + " is longer than"
                        + " the 65,536 entries a FAT directory may hold");
            }
            clustersOf.add(cluster);
            cluster = next(cluster, path, "directory");
        }
        byte[] bytes = new byte[clustersOf.size() * clusterSize];
        for (int i = 0; i < clustersOf.size(); i++) {
            region.read(offset(clustersOf.get(i)), bytes, i * clusterSize, clusterSize, "directory " + path);
        }
        return bytes;
    }

    private List<Entry> parse(ByteBuffer dir, String path) {
        List<Entry> entries = new ArrayList<>();
        char[] longName = new char[0];
        int longSum = -1;
        int expected = 0;
        for (int at = 0; at + 32 <= dir.limit(); at += 32) {
            int first = dir.get(at) & 0xff;
            int attributes = dir.get(at + 11) & 0xff;
            if (first == 0) {
                break;
            }
            if (first == 0xe5) {
                expected = 0;
                continue;
            }
            if (attributes == 0x0f) {
                int order = first & 0x1f;
                if ((first & 0x40) != 0 && order > 0) {
                    longName = new char[order * 13];
                    longSum = dir.get(at + 13) & 0xff;
                    expected = order;
                }
                if (order != expected || order == 0 || (dir.get(at + 13) & 0xff) != longSum) {
                    expected = 0;
                    continue;
                }
                int c = (order - 1) * 13;
                for (int offset : new int[] {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30}) {
                    longName[c++] = dir.getChar(at + offset);
                }
                expected--;
                continue;
            }
            boolean longNameDone = expected == 0 && longSum >= 0 && longSum == checksum(dir, at);
            longSum = -1;
            expected = 0;
            if ((attributes & 0x08) != 0) {
                continue; // the volume label
            }
            String shortName = shortName(dir, at);
            if (shortName.equals(".") || shortName.equals("..")) {
                continue;
            }
            String name = longNameDone ? longName(longName) : shortName;
            entries.add(new Entry(node(dir, at, name, attributes), shortName));
            longName = new char[0];
        }
        return entries;
    }

    private Node node(ByteBuffer dir, int at, String name, int attributes) {
        boolean directory = (attributes & 0x10) != 0;
        long high = bits == 32 ? (dir.getShort(at + 20) & 0xffffL) << 16 : 0;
        long cluster = high | (dir.getShort(at + 26) & 0xffff);
        long size = directory ? 0 : Integer.toUnsignedLong(dir.getInt(at + 28));
        return new Node(new FileEntry(name, directory ? FileEntry.Type.DIRECTORY : FileEntry.Type.FILE, size,
                modified(dir.getShort(at + 24) & 0xffff, dir.getShort(at + 22) & 0xffff), Optional.empty(),
                Optional.empty()), cluster);
    }

    private static String longName(char[] chars) {
        int end = 0;
        while (end < chars.length && chars[end] != 0 && chars[end] != 0xffff) {
            end++;
        }
        return new String(chars, 0, end);
    }

    /** 8.3 in the OEM code page; Windows NT's flags in byte 12 say when base or extension are lower case. */
    private static String shortName(ByteBuffer dir, int at) {
        byte[] raw = new byte[11];
        dir.get(at, raw);
        if ((raw[0] & 0xff) == 0x05) {
            raw[0] = (byte) 0xe5;
        }
        int flags = dir.get(at + 12) & 0xff;
        String base = new String(raw, 0, 8, OEM).stripTrailing();
        String extension = new String(raw, 8, 3, OEM).stripTrailing();
        if ((flags & 0x08) != 0) {
            base = base.toLowerCase(Locale.ROOT);
        }
        if ((flags & 0x10) != 0) {
            extension = extension.toLowerCase(Locale.ROOT);
        }
        return extension.isEmpty() ? base : base + "." + extension;
    }

    private static int checksum(ByteBuffer dir, int at) {
        int sum = 0;
        for (int i = 0; i < 11; i++) {
            sum = (((sum & 1) << 7) + (sum >> 1) + (dir.get(at + i) & 0xff)) & 0xff;
        }
        return sum;
    }

    private static Optional<Instant> modified(int date, int time) {
        if (date == 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDateTime.of(1980 + (date >> 9), (date >> 5) & 0x0f, date & 0x1f,
                    time >> 11, (time >> 5) & 0x3f, Math.min(59, (time & 0x1f) * 2)).toInstant(ZoneOffset.UTC));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** The next cluster of a chain, from the active FAT. */
    private long next(long cluster, String path, String kind) {
        long value;
        switch (bits) {
            case 12 -> {
                ByteBuffer two = region.buffer(fatOffset + cluster * 3 / 2, 2, "the FAT entry of " + kind + " " + path);
                int pair = two.getShort(0) & 0xffff;
                value = (cluster & 1) == 0 ? pair & 0xfff : pair >> 4;
            }
            case 16 -> value = region.buffer(fatOffset + cluster * 2, 2, "the FAT entry of " + kind + " " + path)
                    .getShort(0) & 0xffff;
            default -> value = region.buffer(fatOffset + cluster * 4, 4, "the FAT entry of " + kind + " " + path)
                    .getInt(0) & 0x0fffffffL;
        }
        return value;
    }

    private boolean endOfChain(long value) {
        long end = bits == 12 ? 0xff8 : bits == 16 ? 0xfff8 : 0x0ffffff8L;
        return value >= end;
    }

    private boolean valid(long cluster) {
        return cluster >= 2 && cluster < clusters + 2;
    }

    private void check(long cluster, BitSet seen, String path, String kind) {
        if (endOfChain(cluster)) {
            throw new FileRestoreException.Corrupt("the cluster chain of " + kind + " " + path
                    + " ends before its size says it does");
        }
        if (!valid(cluster)) {
            throw new FileRestoreException.Corrupt("the cluster chain of " + kind + " " + path + " reaches "
                    + (cluster == 0 ? "a free cluster" : "cluster " + cluster + ", outside the file system ("
                    + (clusters + 1) + " is the last)"));
        }
        if (seen.get((int) cluster)) {
            throw new FileRestoreException.Corrupt("the cluster chain of " + kind + " " + path
                    + " loops: it comes back to cluster " + cluster);
        }
        seen.set((int) cluster);
    }

    private long offset(long cluster) {
        return dataOffset + (cluster - 2) * clusterSize;
    }

    private static Charset oemCharset() {
        try {
            return Charset.forName("IBM437");
        } catch (IllegalArgumentException e) {
            return StandardCharsets.ISO_8859_1;
        }
    }

    private record Entry(Node node, String shortName) {}
}
