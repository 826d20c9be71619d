package dev.paddock.backup;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A chunk's content as a repository of format 2 names and stores it: its length, a map with one bit per 4 KiB block
 * (set for a block holding data, clear for a block of zeros), and the data blocks one after the other. The encoding
 * gives back the content and nothing else, so its digest names the content as well as a digest of the content would;
 * but it leaves the zero blocks out, and a chunk that is mostly zeros (a disk's data lies in pieces) is named,
 * compressed and written at the cost of its data alone.
 */
final class SparseChunk {

    static final int BLOCK = 4096;
    private static final byte[] ZEROS = new byte[BLOCK];

    private final byte[] content;
    private final int length;
    private final byte[] map;
    private final int dataBlocks;

    private SparseChunk(byte[] content, int length, byte[] map, int dataBlocks) {
        this.content = content;
        this.length = length;
        this.map = map;
        this.dataBlocks = dataBlocks;
    }

    /** The first {@code length} bytes of {@code content}, read in place (the array is not copied). */
    static SparseChunk of(byte[] content, int length) {
        byte[] map = new byte[mapBytes(length)];
        int data = 0;
        for (int block = 0; block * BLOCK < length; block++) {
            int from = block * BLOCK;
            int size = Math.min(BLOCK, length - from);
            if (Arrays.mismatch(content, from, from + size, ZEROS, 0, size) != -1) {
                map[block >>> 3] |= (byte) (1 << (block & 7));
                data++;
            }
        }
        return new SparseChunk(content, length, map, data);
    }

    static int mapBytes(int length) {
        int blocks = (length + BLOCK - 1) / BLOCK;
        return (blocks + 7) / 8;
    }

    /** Whether the map marks block {@code block} as holding data. */
    private static boolean holdsData(byte[] map, int block) {
        return (map[block >>> 3] & (1 << (block & 7))) != 0;
    }

    /** How many bytes of data a chunk of {@code length} bytes with that map holds. */
    static int dataBytes(byte[] map, int length) {
        int bytes = 0;
        for (int block = 0; block * BLOCK < length; block++) {
            if (holdsData(map, block)) {
                bytes += Math.min(BLOCK, length - block * BLOCK);
            }
        }
        return bytes;
    }

    /** The content the map and data encode. */
    static byte[] expand(byte[] map, byte[] data, int length) {
        byte[] content = new byte[length];
        int at = 0;
        for (int block = 0; block * BLOCK < length; block++) {
            if (holdsData(map, block)) {
                int size = Math.min(BLOCK, length - block * BLOCK);
                System.arraycopy(data, at, content, block * BLOCK, size);
                at += size;
            }
        }
        return content;
    }

    /** True when every block is zeros: the chunk is a hole, never stored. */
    boolean isZeros() {
        return dataBlocks == 0;
    }

    int length() {
        return length;
    }

    byte[] content() {
        return content;
    }

    byte[] map() {
        return map.clone();
    }

    /** The data blocks one after the other. */
    byte[] data() {
        if (dataBlocks * BLOCK >= length) {
            return Arrays.copyOf(content, length);
        }
        byte[] data = new byte[dataBytes(map, length)];
        dataInto(data);
        return data;
    }

    /**
     * The data blocks one after the other, copied into {@code into} (at least {@link #length} bytes); answers how
     * many, or -1 without copying when every block holds data (the data is the content then).
     */
    int dataInto(byte[] into) {
        if (dataBlocks * BLOCK >= length) {
            return -1;
        }
        int at = 0;
        for (int block = 0; block * BLOCK < length; block++) {
            if (holdsData(map, block)) {
                int size = Math.min(BLOCK, length - block * BLOCK);
                System.arraycopy(content, block * BLOCK, into, at, size);
                at += size;
            }
        }
        return at;
    }

    /** A receiver of bytes: a digest's update. */
    @FunctionalInterface
    interface Sink {
        void update(byte[] bytes, int offset, int length);
    }

    /** Feeds the encoding to {@code sink}: the length (4 bytes, big-endian), the map, then each data block. */
    void feed(Sink sink) {
        sink.update(ByteBuffer.allocate(4).putInt(length).array(), 0, 4);
        sink.update(map, 0, map.length);
        int block = 0;
        while (block * BLOCK < length) {
            if (!holdsData(map, block)) {
                block++;
                continue;
            }
            // a run of data blocks goes in one update
            int first = block;
            while (block * BLOCK < length && holdsData(map, block)) {
                block++;
            }
            int from = first * BLOCK;
            sink.update(content, from, Math.min(block * BLOCK, length) - from);
        }
    }
}
