package dev.paddock.backup.files;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * ext2, ext3 and ext4, read-only: block maps of extents and of direct and indirect blocks, 32- and 64-bit group
 * descriptors, flex_bg and meta_bg layouts, sparse files (holes and unwritten extents read as zeros), symbolic
 * links fast and slow, directories read linearly (an htree directory's index blocks look like empty entries to a
 * linear reader, by design). A journal is not replayed: what a crash left only in the journal is not seen, as when
 * the file system is mounted with {@code noload}.
 *
 * <p>Refused with a sentence: the compression and dirdata features and external journals (whole file system);
 * inline data and encryption (the file or directory that uses them). Every block number is checked against the
 * file system's size, extent trees against their magic, depth, order and bounds, directory entries against their
 * block, so corrupt metadata is a {@link FileRestoreException.Corrupt} naming the path, never an endless walk.
 */
final class ExtFileSystem implements FileSystem {

    static final int MAGIC = 0xef53;

    private static final int COMPAT_HAS_JOURNAL = 0x4;
    private static final int COMPAT_SPARSE_SUPER2 = 0x200;
    private static final int INCOMPAT_COMPRESSION = 0x1;
    private static final int INCOMPAT_FILETYPE = 0x2;
    private static final int INCOMPAT_RECOVER = 0x4;
    private static final int INCOMPAT_JOURNAL_DEV = 0x8;
    private static final int INCOMPAT_META_BG = 0x10;
    private static final int INCOMPAT_EXTENTS = 0x40;
    private static final int INCOMPAT_64BIT = 0x80;
    private static final int INCOMPAT_MMP = 0x100;
    private static final int INCOMPAT_FLEX_BG = 0x200;
    private static final int INCOMPAT_EA_INODE = 0x400;
    private static final int INCOMPAT_DIRDATA = 0x1000;
    private static final int INCOMPAT_CSUM_SEED = 0x2000;
    private static final int INCOMPAT_LARGEDIR = 0x4000;
    private static final int INCOMPAT_INLINE_DATA = 0x8000;
    private static final int INCOMPAT_ENCRYPT = 0x10000;
    private static final int INCOMPAT_CASEFOLD = 0x20000;
    private static final int READ_INCOMPAT = INCOMPAT_FILETYPE | INCOMPAT_RECOVER | INCOMPAT_META_BG
            | INCOMPAT_EXTENTS | INCOMPAT_64BIT | INCOMPAT_MMP | INCOMPAT_FLEX_BG | INCOMPAT_EA_INODE
            | INCOMPAT_CSUM_SEED | INCOMPAT_LARGEDIR | INCOMPAT_INLINE_DATA | INCOMPAT_ENCRYPT | INCOMPAT_CASEFOLD;
    private static final int EXT4_INCOMPAT = INCOMPAT_EXTENTS | INCOMPAT_64BIT | INCOMPAT_MMP | INCOMPAT_FLEX_BG
            | INCOMPAT_EA_INODE | INCOMPAT_CSUM_SEED | INCOMPAT_LARGEDIR | INCOMPAT_INLINE_DATA | INCOMPAT_ENCRYPT
            | INCOMPAT_CASEFOLD;
    private static final int RO_COMPAT_SPARSE_SUPER = 0x1;
    /** huge_file, gdt_csum, dir_nlink, extra_isize, bigalloc, metadata_csum: only ext4 sets them. */
    private static final int EXT4_RO_COMPAT = 0x8 | 0x10 | 0x20 | 0x40 | 0x200 | 0x400;

    private static final int FLAG_ENCRYPT = 0x800;
    private static final int FLAG_EXTENTS = 0x80000;
    private static final int FLAG_INLINE_DATA = 0x10000000;
    private static final int EXTENT_MAGIC = 0xf30a;
    private static final int MAX_EXTENT_DEPTH = 5;
    private static final int MAX_SYMLINK = 4096;
    private static final int MAX_LISTED = 1_000_000;
    private static final int COPY_BUFFER = 1 << 20;
    private static final long ROOT_INODE = 2;

    private final Region region;
    private final String name;
    private final int blockSize;
    private final long blocksCount;
    private final long firstDataBlock;
    private final long blocksPerGroup;
    private final long inodesPerGroup;
    private final long inodesCount;
    private final long groups;
    private final int inodeSize;
    private final int descriptorSize;
    private final boolean wideDescriptors;
    private final boolean fileTypes;
    private final boolean metaBg;
    private final long firstMetaBg;
    private final boolean sparseSuper;
    private final boolean sparseSuper2;
    private final long[] backupGroups;

    private ExtFileSystem(Region region, ByteBuffer sb) {
        this.region = region;
        int compat = sb.getInt(92);
        int incompat = sb.getInt(96);
        int roCompat = sb.getInt(100);
        int unread = incompat & ~READ_INCOMPAT;
        if (unread != 0) {
            throw new FileRestoreException.Unsupported("the ext file system on " + region.name() + " uses "
                    + features(unread) + ", which Paddock does not read");
        }
        int logBlock = sb.getInt(24);
        if (logBlock < 0 || logBlock > 6) {
            throw corrupt("its block size is 2^(10+" + logBlock + ")");
        }
        this.blockSize = 1024 << logBlock;
        boolean wide = (incompat & INCOMPAT_64BIT) != 0;
        this.blocksCount = Integer.toUnsignedLong(sb.getInt(4))
                | (wide ? Integer.toUnsignedLong(sb.getInt(0x150)) << 32 : 0);
        this.firstDataBlock = Integer.toUnsignedLong(sb.getInt(20));
        this.blocksPerGroup = Integer.toUnsignedLong(sb.getInt(32));
        this.inodesPerGroup = Integer.toUnsignedLong(sb.getInt(40));
        this.inodesCount = Integer.toUnsignedLong(sb.getInt(0));
        this.inodeSize = sb.getInt(76) == 0 ? 128 : sb.getShort(88) & 0xffff;
        this.descriptorSize = wide ? sb.getShort(254) & 0xffff : 32;
        this.wideDescriptors = wide;
        if (blocksPerGroup == 0 || inodesPerGroup == 0 || inodesPerGroup > 8L * blockSize
                || blocksCount <= firstDataBlock || firstDataBlock > 1) {
            throw corrupt("its geometry is impossible (" + blocksCount + " blocks, " + blocksPerGroup
                    + " per group, " + inodesPerGroup + " inodes per group, first data block " + firstDataBlock + ")");
        }
        if (Integer.bitCount(inodeSize) != 1 || inodeSize < 128 || inodeSize > blockSize) {
            throw corrupt("its inodes are " + inodeSize + " bytes");
        }
        if (wide && (Integer.bitCount(descriptorSize) != 1 || descriptorSize < 64 || descriptorSize > 1024)) {
            throw corrupt("its group descriptors are " + descriptorSize + " bytes");
        }
        if (blocksCount > region.length() / blockSize) {
            throw corrupt("it is " + blocksCount + " blocks of " + blockSize + " bytes, larger than the partition");
        }
        this.groups = (blocksCount - firstDataBlock + blocksPerGroup - 1) / blocksPerGroup;
        if (inodesCount > groups * inodesPerGroup) {
            throw corrupt("it counts " + inodesCount + " inodes in " + groups + " groups of " + inodesPerGroup);
        }
        this.fileTypes = (incompat & INCOMPAT_FILETYPE) != 0;
        this.metaBg = (incompat & INCOMPAT_META_BG) != 0;
        this.firstMetaBg = Integer.toUnsignedLong(sb.getInt(0x104));
        this.sparseSuper = (roCompat & RO_COMPAT_SPARSE_SUPER) != 0;
        this.sparseSuper2 = (compat & COMPAT_SPARSE_SUPER2) != 0;
        this.backupGroups = new long[] {Integer.toUnsignedLong(sb.getInt(0x24c)),
                Integer.toUnsignedLong(sb.getInt(0x250))};
        this.name = (incompat & EXT4_INCOMPAT) != 0 || (roCompat & EXT4_RO_COMPAT) != 0 ? "ext4"
                : (compat & COMPAT_HAS_JOURNAL) != 0 ? "ext3" : "ext2";
    }

    static ExtFileSystem open(Region region) {
        return new ExtFileSystem(region, region.buffer(1024, 1024, "the ext superblock"));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Node root() {
        return node("", ROOT_INODE, "/");
    }

    @Override
    public List<Node> children(Node directory, String path) {
        List<Node> children = new ArrayList<>();
        scan(inode(directory.handle(), path), path, (entryName, number) -> {
            if (children.size() == MAX_LISTED) {
                throw new FileRestoreException.Unsupported("directory " + path + " holds more than " + MAX_LISTED
                        + " names, more than Paddock lists");
            }
            children.add(node(entryName, number, join(path, entryName)));
            return true;
        });
        return children;
    }

    @Override
    public Optional<Node> child(Node directory, String wanted, String path) {
        long[] found = {0};
        scan(inode(directory.handle(), path), path, (entryName, number) -> {
            if (entryName.equals(wanted)) {
                found[0] = number;
                return false;
            }
            return true;
        });
        return found[0] == 0 ? Optional.empty() : Optional.of(node(wanted, found[0], join(path, wanted)));
    }

    @Override
    public void copy(Node file, String path, OutputStream out) throws IOException {
        copyData(inode(file.handle(), path), path, out);
    }

    private Node node(String entryName, long number, String path) {
        Inode inode = inode(number, path);
        FileEntry.Type type = switch (inode.mode() & 0xf000) {
            case 0x8000 -> FileEntry.Type.FILE;
            case 0x4000 -> FileEntry.Type.DIRECTORY;
            case 0xa000 -> FileEntry.Type.SYMLINK;
            default -> FileEntry.Type.OTHER;
        };
        Optional<String> target = type == FileEntry.Type.SYMLINK ? Optional.of(target(inode, path)) : Optional.empty();
        return new Node(new FileEntry(entryName, type, inode.size(), Optional.of(inode.modified()),
                Optional.of(inode.mode() & 07777), target), number);
    }

    /** A fast link keeps its target in the inode's block array; a slow one in data blocks like a file. */
    private String target(Inode inode, String path) {
        if (inode.size() > MAX_SYMLINK) {
            throw new FileRestoreException.Corrupt("symbolic link " + path + " claims a target of " + inode.size()
                    + " bytes");
        }
        long dataBlocks = inode.sectors() - (inode.fileAcl() != 0 ? blockSize / 512 : 0);
        if ((inode.flags() & (FLAG_EXTENTS | FLAG_INLINE_DATA)) == 0 && inode.size() < 60 && dataBlocks <= 0) {
            byte[] target = new byte[(int) inode.size()];
            inode.blockArray().get(0, target);
            return new String(target, StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream target = new ByteArrayOutputStream();
        try {
            copyData(inode, path, target);
        } catch (IOException e) {
            throw new IllegalStateException("a byte array does not fail", e);
        }
        return target.toString(StandardCharsets.UTF_8);
    }

    private void copyData(Inode inode, String path, OutputStream out) throws IOException {
        refuseUnread(inode, path);
        long size = inode.size();
        long blocks = (size + blockSize - 1) / blockSize;
        long addressable = (inode.flags() & FLAG_EXTENTS) != 0 ? 1L << 32 : indirectCapacity();
        if (size < 0 || blocks > addressable) {
            throw new FileRestoreException.Corrupt(path + " claims " + Long.toUnsignedString(size)
                    + " bytes, more than its block map can address");
        }
        byte[] buffer = new byte[Math.max(blockSize, COPY_BUFFER)];
        long[] written = {0};
        map(inode, path, blocks, (logical, physical, count, unwritten) -> {
            long from = logical * blockSize;
            if (from >= size) {
                return false; // blocks allocated past the end (fallocate --keep-size) are not content
            }
            zeros(out, from - written[0], buffer);
            long bytes = Math.min(count * blockSize, size - from);
            if (unwritten) {
                zeros(out, bytes, buffer);
            } else {
                for (long done = 0; done < bytes; ) {
                    int piece = (int) Math.min(buffer.length, bytes - done);
                    region.read(physical * blockSize + done, buffer, 0, piece, "data of " + path);
                    out.write(buffer, 0, piece);
                    done += piece;
                }
            }
            written[0] = from + bytes;
            return written[0] < size;
        });
        zeros(out, size - written[0], buffer);
    }

    private static void zeros(OutputStream out, long count, byte[] buffer) throws IOException {
        Arrays.fill(buffer, (byte) 0);
        for (long left = count; left > 0; ) {
            int piece = (int) Math.min(buffer.length, left);
            out.write(buffer, 0, piece);
            left -= piece;
        }
    }

    /** Reads a directory's blocks in order and hands each live entry's name and inode to {@code names}. */
    private void scan(Inode directory, String path, Names names) {
        if ((directory.mode() & 0xf000) != 0x4000) {
            throw new FileRestoreException.WrongType(path + " is not a directory");
        }
        refuseUnread(directory, path);
        long blocks = (directory.size() + blockSize - 1) / blockSize;
        if (directory.size() < 0 || blocks > 1L << 32) {
            throw new FileRestoreException.Corrupt("directory " + path + " claims "
                    + Long.toUnsignedString(directory.size()) + " bytes");
        }
        try {
            map(directory, path, blocks, (logical, physical, count, unwritten) -> {
                for (long k = 0; k < count && logical + k < blocks; k++) {
                    if (!unwritten && !entries(region.buffer((physical + k) * blockSize, blockSize,
                            "a block of directory " + path), path, names)) {
                        return false;
                    }
                }
                return logical + count < blocks;
            });
        } catch (IOException e) {
            throw new IllegalStateException("scanning a directory writes nothing", e);
        }
    }

    private boolean entries(ByteBuffer block, String path, Names names) {
        for (int at = 0; at < blockSize; ) {
            if (at + 8 > blockSize) {
                throw brokenEntry(path, at);
            }
            long number = Integer.toUnsignedLong(block.getInt(at));
            int length = block.getShort(at + 4) & 0xffff;
            if (blockSize == 65536 && (length == 0 || length == 65535)) {
                length = 65536;
            }
            int nameLength = fileTypes ? block.get(at + 6) & 0xff : block.getShort(at + 6) & 0xffff;
            if (length < 8 || length % 4 != 0 || at + length > blockSize || 8 + nameLength > length) {
                throw brokenEntry(path, at);
            }
            if (number != 0 && nameLength > 0) {
                byte[] raw = new byte[nameLength];
                block.get(at + 8, raw);
                String entryName = new String(raw, StandardCharsets.UTF_8);
                if (!entryName.equals(".") && !entryName.equals("..") && !names.entry(entryName, number)) {
                    return false;
                }
            }
            at += length;
        }
        return true;
    }

    private static FileRestoreException.Corrupt brokenEntry(String path, int at) {
        return new FileRestoreException.Corrupt("directory " + path + " has a broken entry at byte " + at
                + " of one of its blocks");
    }

    private void refuseUnread(Inode inode, String path) {
        if ((inode.flags() & FLAG_INLINE_DATA) != 0) {
            throw new FileRestoreException.Unsupported(path + " keeps its data inside its inode (ext4 inline_data),"
                    + " which Paddock does not read");
        }
        if ((inode.flags() & FLAG_ENCRYPT) != 0) {
            throw new FileRestoreException.Unsupported(path + " is encrypted (ext4 encryption): Paddock cannot"
                    + " read it without its key");
        }
    }

    /** Hands the runs of a block map to {@code runs} in logical order, up to {@code blocks} logical blocks. */
    private void map(Inode inode, String path, long blocks, Runs runs) throws IOException {
        if ((inode.flags() & FLAG_EXTENTS) != 0) {
            extents(inode.blockArray(), -1, new long[] {0}, path, runs);
        } else {
            indirect(inode.blockArray(), path, blocks, runs);
        }
    }

    /**
     * Walks an extent tree depth first. Each node's header is checked (magic, entries within its room, depth one
     * less than its parent's, at most 5), and logical blocks must rise across the whole walk: a child named twice,
     * a loop back to a node, or overlapping extents all break that order.
     */
    private boolean extents(ByteBuffer node, int depthWanted, long[] next, String path, Runs runs) throws IOException {
        int magic = node.getShort(0) & 0xffff;
        int count = node.getShort(2) & 0xffff;
        int max = node.getShort(4) & 0xffff;
        int depth = node.getShort(6) & 0xffff;
        if (magic != EXTENT_MAGIC || count > max || 12 + 12L * max > node.limit() || depth > MAX_EXTENT_DEPTH
                || (depthWanted >= 0 && depth != depthWanted)) {
            throw new FileRestoreException.Corrupt("the extent tree of " + path + " has a broken node (magic "
                    + Integer.toHexString(magic) + ", " + count + " of " + max + " entries, depth " + depth + ")");
        }
        for (int i = 0; i < count; i++) {
            int at = 12 + 12 * i;
            long logical = Integer.toUnsignedLong(node.getInt(at));
            if (logical < next[0]) {
                throw new FileRestoreException.Corrupt("the extent tree of " + path + " goes back to block "
                        + logical + " after block " + next[0] + ": it overlaps or loops");
            }
            if (depth == 0) {
                int length = node.getShort(at + 4) & 0xffff;
                boolean unwritten = length > 32768;
                length = unwritten ? length - 32768 : length;
                long start = (node.getShort(at + 6) & 0xffffL) << 32 | Integer.toUnsignedLong(node.getInt(at + 8));
                requireBlocks(start, length, "an extent of " + path);
                next[0] = logical + Math.max(1, length);
                if (length > 0 && !runs.run(logical, start, length, unwritten)) {
                    return false;
                }
            } else {
                long child = (node.getShort(at + 8) & 0xffffL) << 32 | Integer.toUnsignedLong(node.getInt(at + 4));
                requireBlocks(child, 1, "an extent tree block of " + path);
                next[0] = logical;
                ByteBuffer block = region.buffer(child * blockSize, blockSize, "an extent tree block of " + path);
                if (!extents(block, depth - 1, next, path, runs)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Twelve direct blocks, then one single, one double and one triple indirect block; 0 is a hole. */
    private boolean indirect(ByteBuffer array, String path, long blocks, Runs runs) throws IOException {
        for (int i = 0; i < 12 && i < blocks; i++) {
            long block = Integer.toUnsignedLong(array.getInt(4 * i));
            if (block != 0) {
                requireBlocks(block, 1, "a block of " + path);
                if (!runs.run(i, block, 1, false)) {
                    return false;
                }
            }
        }
        long base = 12;
        long span = blockSize / 4;
        for (int level = 1; level <= 3 && base < blocks; level++) {
            long block = Integer.toUnsignedLong(array.getInt(4 * (11 + level)));
            if (block != 0 && !pointers(block, level, base, blocks, path, runs)) {
                return false;
            }
            base += span;
            span *= blockSize / 4;
        }
        return true;
    }

    private boolean pointers(long block, int level, long base, long blocks, String path, Runs runs)
            throws IOException {
        requireBlocks(block, 1, "an indirect block of " + path);
        ByteBuffer pointers = region.buffer(block * blockSize, blockSize, "an indirect block of " + path);
        long childSpan = 1;
        for (int i = 1; i < level; i++) {
            childSpan *= blockSize / 4;
        }
        for (int i = 0; i < blockSize / 4; i++) {
            long logical = base + i * childSpan;
            if (logical >= blocks) {
                break;
            }
            long child = Integer.toUnsignedLong(pointers.getInt(4 * i));
            if (child == 0) {
                continue;
            }
            boolean more = level == 1 ? runsOne(child, logical, path, runs)
                    : pointers(child, level - 1, logical, blocks, path, runs);
            if (!more) {
                return false;
            }
        }
        return true;
    }

    private boolean runsOne(long block, long logical, String path, Runs runs) throws IOException {
        requireBlocks(block, 1, "a block of " + path);
        return runs.run(logical, block, 1, false);
    }

    private long indirectCapacity() {
        long p = blockSize / 4;
        return 12 + p + p * p + p * p * p;
    }

    private void requireBlocks(long start, long count, String what) {
        if (start < firstDataBlock || start > blocksCount - count) {
            throw new FileRestoreException.Corrupt(what + " names blocks " + start + " to " + (start + count - 1)
                    + ", outside the file system (" + blocksCount + " blocks)");
        }
    }

    private Inode inode(long number, String path) {
        if (number < 1 || number > inodesCount) {
            throw new FileRestoreException.Corrupt(path + " names inode " + number + ", outside the file system's "
                    + inodesCount);
        }
        long group = (number - 1) / inodesPerGroup;
        long index = (number - 1) % inodesPerGroup;
        ByteBuffer descriptor = region.buffer(descriptorOffset(group), descriptorSize,
                "the descriptor of block group " + group);
        long table = Integer.toUnsignedLong(descriptor.getInt(8))
                | (wideDescriptors ? Integer.toUnsignedLong(descriptor.getInt(0x28)) << 32 : 0);
        requireBlocks(table, (inodesPerGroup * inodeSize + blockSize - 1) / blockSize,
                "the inode table of block group " + group);
        return new Inode(region.buffer(table * blockSize + index * inodeSize, inodeSize,
                "inode " + number + " (" + path + ")"), inodeSize);
    }

    /** Group descriptors follow the superblock, or with meta_bg sit in the first group of each meta group. */
    private long descriptorOffset(long group) {
        long perBlock = blockSize / descriptorSize;
        long tableBlock = group / perBlock;
        long block;
        if (metaBg && tableBlock >= firstMetaBg) {
            long first = tableBlock * perBlock;
            block = firstDataBlock + first * blocksPerGroup + (hasSuperblock(first) ? 1 : 0);
        } else {
            block = firstDataBlock + 1 + tableBlock;
        }
        return block * blockSize + group % perBlock * descriptorSize;
    }

    private boolean hasSuperblock(long group) {
        if (group == 0) {
            return true;
        }
        if (sparseSuper2) {
            return group == backupGroups[0] || group == backupGroups[1];
        }
        if (!sparseSuper || group == 1) {
            return true;
        }
        for (long base : new long[] {3, 5, 7}) {
            long power = base;
            while (power < group) {
                power *= base;
            }
            if (power == group) {
                return true;
            }
        }
        return false;
    }

    private FileRestoreException.Corrupt corrupt(String why) {
        return new FileRestoreException.Corrupt("the ext file system on " + region.name() + " is corrupt: " + why);
    }

    private static String features(int bits) {
        StringJoiner names = new StringJoiner(", ");
        if ((bits & INCOMPAT_COMPRESSION) != 0) {
            names.add("compression");
        }
        if ((bits & INCOMPAT_JOURNAL_DEV) != 0) {
            names.add("an external journal device's format");
        }
        if ((bits & INCOMPAT_DIRDATA) != 0) {
            names.add("dirdata");
        }
        int rest = bits & ~(INCOMPAT_COMPRESSION | INCOMPAT_JOURNAL_DEV | INCOMPAT_DIRDATA);
        if (rest != 0) {
            names.add("incompatible features 0x" + Integer.toHexString(rest));
        }
        return names.toString();
    }

    private static String join(String path, String child) {
        return path.endsWith("/") ? path + child : path + "/" + child;
    }

    /** The fields of an on-disk inode that reading needs. */
    private record Inode(ByteBuffer raw, int inodeSize) {

        int mode() {
            return raw.getShort(0) & 0xffff;
        }

        long size() {
            return Integer.toUnsignedLong(raw.getInt(4)) | Integer.toUnsignedLong(raw.getInt(108)) << 32;
        }

        int flags() {
            return raw.getInt(32);
        }

        long sectors() {
            return Integer.toUnsignedLong(raw.getInt(28)) | (raw.getShort(0x74) & 0xffffL) << 32;
        }

        long fileAcl() {
            return Integer.toUnsignedLong(raw.getInt(104)) | (raw.getShort(0x76) & 0xffffL) << 32;
        }

        ByteBuffer blockArray() {
            return raw.slice(40, 60).order(raw.order());
        }

        /** Seconds since 1970 (signed), extended by two epoch bits and nanoseconds in large inodes. */
        Instant modified() {
            long seconds = raw.getInt(16);
            long nanos = 0;
            if (inodeSize > 128 && (raw.getShort(0x80) & 0xffff) >= 12) {
                int extra = raw.getInt(0x88);
                seconds += (long) (extra & 3) << 32;
                nanos = Integer.toUnsignedLong(extra) >>> 2;
            }
            return Instant.ofEpochSecond(seconds, Math.min(nanos, 999_999_999));
        }
    }

    @FunctionalInterface
    private interface Runs {
        /** {@code count} blocks from {@code logical} are at {@code physical}; false ends the walk. */
        boolean run(long logical, long physical, long count, boolean unwritten) throws IOException;
    }

    @FunctionalInterface
    private interface Names {
        /** A live entry; false ends the scan. */
        boolean entry(String name, long inode);
    }
}
