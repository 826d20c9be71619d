package dev.paddock.backup.files;

import dev.paddock.backup.DiskReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A span of a backed-up disk (the whole disk, or a partition) read at offsets relative to its start. Every read is
 * checked against the span first, so an offset that metadata points past the end becomes a {@link
 * FileRestoreException.Corrupt} naming what pointed there, never a read of a neighbour's bytes.
 */
final class Region {

    private final DiskReader disk;
    private final long start;
    private final long length;
    private final String name;

    private Region(DiskReader disk, long start, long length, String name) {
        this.disk = disk;
        this.start = start;
        this.length = length;
        this.name = name;
    }

    static Region whole(DiskReader disk) {
        return new Region(disk, 0, disk.size(), "the disk");
    }

    /** A part of this region; the caller has checked it lies inside. */
    Region slice(long offset, long size, String sliceName) {
        if (!inside(offset, size)) {
            throw new IllegalArgumentException(sliceName + " is not inside " + name);
        }
        return new Region(disk, start + offset, size, sliceName);
    }

    long length() {
        return length;
    }

    String name() {
        return name;
    }

    boolean inside(long offset, long size) {
        return offset >= 0 && size >= 0 && offset <= length - size;
    }

    /** Reads into {@code into}; {@code what} names the structure for the sentence when the range is outside. */
    void read(long offset, byte[] into, int at, int size, String what) {
        if (!inside(offset, size)) {
            throw new FileRestoreException.Corrupt(what + " lies at bytes " + offset + " to " + (offset + size)
                    + ", past the end of " + name + " (" + length + " bytes)");
        }
        disk.read(start + offset, into, at, size);
    }

    byte[] bytes(long offset, int size, String what) {
        byte[] bytes = new byte[size];
        read(offset, bytes, 0, size, what);
        return bytes;
    }

    /** {@code size} bytes at {@code offset} as a little-endian buffer, as every structure read here is stored. */
    ByteBuffer buffer(long offset, int size, String what) {
        return ByteBuffer.wrap(bytes(offset, size, what)).order(ByteOrder.LITTLE_ENDIAN);
    }
}
