package dev.paddock.bench;

import dev.paddock.bench.QemuDisk.Write;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * What a guest writes between two backups, for the backup benchmark: writes of 4 KiB to 1 MiB (sizes spread evenly
 * on a log scale, offsets on 4 KiB, a file system's block) at random places, about one in eight over a place written
 * before; and what those writes changed, as bytes and as a dirty bitmap of a given granularity sees them.
 */
final class GuestWrites {

    static final int BLOCK = 4 << 10;
    static final int LARGEST = 1 << 20;

    private GuestWrites() {}

    /** Writes of {@code total} bytes in all (the last one cut to fit) at random places of a disk of {@code size}. */
    static List<Write> scattered(Random random, long size, long total) {
        List<Write> writes = new ArrayList<>();
        long left = total;
        while (left > 0) {
            int blocks = (int) Math.round(Math.pow(2, random.nextDouble() * Math.log(LARGEST / BLOCK) / Math.log(2)));
            long length = Math.min(left, (long) blocks * BLOCK);
            long offset;
            if (!writes.isEmpty() && random.nextInt(8) == 0) {
                Write earlier = writes.get(random.nextInt(writes.size()));
                offset = earlier.offset() + (long) random.nextInt((int) (earlier.length() / BLOCK)) * BLOCK;
            } else {
                offset = (long) random.nextInt((int) ((size - length) / BLOCK + 1)) * BLOCK;
            }
            offset = Math.min(offset, (size - length) / BLOCK * BLOCK);
            writes.add(new Write(offset, length));
            left -= length;
        }
        return writes;
    }

    /** The bytes the writes changed: the size of their union. */
    static long changed(List<Write> writes) {
        return changed(writes, 1);
    }

    /**
     * The bytes a dirty bitmap of {@code granularity} marks for these writes: each write widened to the granularity's
     * boundaries, then their union.
     */
    static long changed(List<Write> writes, long granularity) {
        List<Write> widened = writes.stream()
                .map(w -> {
                    long start = w.offset() / granularity * granularity;
                    long end = (w.end() + granularity - 1) / granularity * granularity;
                    return new Write(start, end - start);
                })
                .sorted(Comparator.comparingLong(Write::offset))
                .toList();
        long total = 0;
        long start = -1;
        long end = -1;
        for (Write w : widened) {
            if (w.offset() > end) {
                total += end - start;
                start = w.offset();
                end = w.end();
            } else {
                end = Math.max(end, w.end());
            }
        }
        return total + end - start;
    }

    static long total(List<Write> writes) {
        return writes.stream().mapToLong(Write::length).sum();
    }
}
