package dev.paddock.backup;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A restore point's disk read at any offset, as file-level restore needs it: only the chunks a read touches are
 * fetched, each checked against its name as {@link BackupRepository#openDisk} checks it, holes read as zeros.
 *
 * <p>Decoded chunks are kept in a small least-recently-used cache ({@value #CACHED_CHUNKS} chunks, 32 MiB at the
 * default chunk size): a file system's reads come back to the same metadata (an inode table, a FAT, a directory)
 * between reads of file data, and a file read in small pieces reads each chunk once. A chunk that is missing or
 * corrupt ends the read with the same {@link RepositoryException} the stream throws, naming the chunk, the point,
 * the disk and the offset. Reads are serialised: one reader may be shared by threads.
 */
public final class DiskReader {

    static final int CACHED_CHUNKS = 8;

    private final BackupRepository repository;
    private final String point;
    private final DiskMap map;
    private final int chunkSize;
    private final Map<Long, Extent> byIndex = new HashMap<>();
    private final Map<Long, byte[]> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > CACHED_CHUNKS;
        }
    };

    DiskReader(BackupRepository repository, String point, DiskMap map) {
        this.repository = repository;
        this.point = point;
        this.map = map;
        this.chunkSize = repository.chunkSize();
        for (Extent extent : map.extents()) {
            byIndex.put(extent.offset() / chunkSize, extent);
        }
    }

    /** The restore point's id. */
    public String point() {
        return point;
    }

    /** The disk's name in the restore point. */
    public String disk() {
        return map.name();
    }

    /** The disk's size in bytes. */
    public long size() {
        return map.size();
    }

    /**
     * Reads {@code length} bytes of the disk from {@code position} into {@code into} at {@code at}.
     *
     * @throws IllegalArgumentException when the range is not inside the disk (callers check the offsets they read
     *         from untrusted metadata first, and say what pointed there)
     * @throws RepositoryException when a chunk the range needs is missing or corrupt
     */
    public synchronized void read(long position, byte[] into, int at, int length) {
        if (position < 0 || length < 0 || position > map.size() - length) {
            throw new IllegalArgumentException("bytes " + position + " to " + (position + length)
                    + " are not inside disk " + map.name() + " of restore point " + point + " (" + map.size()
                    + " bytes)");
        }
        while (length > 0) {
            long index = position / chunkSize;
            int within = (int) (position - index * chunkSize);
            int span = Math.min(length, chunkSize - within);
            byte[] chunk = chunk(index);
            int present = Math.max(0, Math.min(span, chunk.length - within));
            if (present > 0) {
                System.arraycopy(chunk, within, into, at, present);
            }
            Arrays.fill(into, at + present, at + span, (byte) 0);
            position += span;
            at += span;
            length -= span;
        }
    }

    /** {@code length} bytes of the disk from {@code position}, as {@link #read}. */
    public byte[] read(long position, int length) {
        byte[] bytes = new byte[length];
        read(position, bytes, 0, length);
        return bytes;
    }

    private byte[] chunk(long index) {
        byte[] cached = cache.get(index);
        if (cached != null) {
            return cached;
        }
        Extent extent = byIndex.get(index);
        byte[] content = extent == null ? new byte[0]
                : repository.readChunk(extent.chunk(), BackupRepository.place(point, map.name(), extent.offset()));
        cache.put(index, content);
        return content;
    }
}
