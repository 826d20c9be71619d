package dev.paddock.backup;

import java.io.InputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** A restore point's disk as a stream: extents decoded and checked one chunk at a time, holes as zeros. */
final class DiskStream extends InputStream {

    private final BackupRepository repository;
    private final String point;
    private final DiskMap map;
    private final int chunkSize;
    private final Map<Long, Extent> byIndex = new HashMap<>();
    private long position;
    private long loadedIndex = -1;
    private byte[] loaded = new byte[0];

    DiskStream(BackupRepository repository, String point, DiskMap map) {
        this.repository = repository;
        this.point = point;
        this.map = map;
        this.chunkSize = repository.chunkSize();
        for (Extent extent : map.extents()) {
            byIndex.put(extent.offset() / chunkSize, extent);
        }
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int at, int length) {
        if (position >= map.size()) {
            return -1;
        }
        if (length == 0) {
            return 0;
        }
        long index = position / chunkSize;
        int within = (int) (position - index * chunkSize);
        int span = (int) Math.min(Math.min(length, chunkSize - within), map.size() - position);
        Extent extent = byIndex.get(index);
        if (extent == null) {
            Arrays.fill(into, at, at + span, (byte) 0);
        } else {
            if (loadedIndex != index) {
                loaded = repository.readChunk(extent.chunk(),
                        BackupRepository.place(point, map.name(), extent.offset()));
                loadedIndex = index;
            }
            int present = Math.max(0, Math.min(span, loaded.length - within));
            System.arraycopy(loaded, within, into, at, present);
            Arrays.fill(into, at + present, at + span, (byte) 0);
        }
        position += span;
        return span;
    }

    @Override
    public long skip(long n) {
        long skipped = Math.max(0, Math.min(n, map.size() - position));
        position += skipped;
        return skipped;
    }
}
