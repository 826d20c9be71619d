package dev.paddock.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes one restore point: disks from whole streams, or as the parent point's map with changed ranges laid over it;
 * then {@link #commit} makes the point visible at once, or {@link #close} without it leaves none.
 *
 * <p>Every chunk the point will name is appended to the writer's record ({@link WriterJournal}) before the writer
 * looks whether the repository has it, and is written if it has not; {@link #commit} checks that every named chunk
 * is in place (putting back one that a prune killed half-way left in the trash) before the manifest is renamed in.
 *
 * <p>While the caller's thread reads the next chunks of a disk, a few threads name, compress and write the chunks
 * read before ({@link Pipeline}): a backup then waits on the source and the CPU at once rather than one after the
 * other. A new chunk is written under a temporary name; at the commit the file system is synced once for them all
 * ({@link FileSystemSync}; its writeback begun along the way, {@link Writeback}), then they are renamed into place, so a chunk file in place always holds bytes that reached
 * the disk. Each name is still recorded before the writer looks whether the chunk exists, and the map keeps the disk's
 * order; a disk's write returns only when every one of its chunks is written, so {@link #commit} sees them all.
 */
public final class PointWriter implements AutoCloseable {

    private final BackupRepository repository;
    private final RestorePoint draft;
    private final Optional<RestorePoint> parent;
    private final WriterJournal journal;
    private final int chunkSize;
    /** Guarded by itself: names recorded in the journal, each once, before the writer looks for the chunk. */
    private final Set<String> referenced = new HashSet<>();
    private final Set<Path> directories = ConcurrentHashMap.newKeySet();
    /** Chunks written to temporary files, put in place at the commit once durable. */
    private final Queue<Staged> staged = new ConcurrentLinkedQueue<>();
    private final List<DiskMap> disks = new ArrayList<>();
    private final Writeback writeback;
    /** Each pipeline thread's buffers, reused from chunk to chunk. */
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);
    private boolean committed;

    /** Chunks named, compressed and written at once; and chunks read ahead of them, each a chunk-sized buffer. */
    private static final int WORKERS = 3;
    /** Chunks read ahead of those being stored, as many as fit in this many bytes (at least one per worker). */
    private static final int AHEAD_BYTES = 16 << 20;

    PointWriter(BackupRepository repository, RestorePoint draft, Optional<RestorePoint> parent) {
        this.repository = repository;
        this.draft = draft;
        this.parent = parent;
        this.chunkSize = repository.chunkSize();
        this.journal = WriterJournal.start(repository.directory(), draft.id());
        this.writeback = new Writeback(repository.directory(), draft.id());
    }

    /** The id the point will have. */
    public String id() {
        return draft.id();
    }

    /** Writes a whole disk from a stream read to its end; its size is the bytes the stream gave. */
    public DiskWrite writeDisk(String name, InputStream image) {
        requireNewDisk(name);
        Tally tally = new Tally();
        long offset = 0;
        try (Pipeline pipeline = new Pipeline(tally)) {
            while (true) {
                byte[] buffer = pipeline.buffer();
                int read = image.readNBytes(buffer, 0, chunkSize);
                if (read == 0) {
                    break;
                }
                tally.bytesRead.addAndGet(read);
                pipeline.put(offset, buffer, read);
                offset += read;
                if (read < chunkSize) {
                    break;
                }
            }
            return add(new DiskMap(name, offset, pipeline.finish()), tally);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read disk " + name + " for restore point " + id(), e);
        }
    }

    /**
     * Writes a disk as the parent point's map of the same name with {@code changed} ranges laid over it, read from
     * {@code source}: chunks no range touches are the parent's, a touched chunk is the parent's content with the
     * changed bytes put in. {@code size} is the disk's size now (a disk may have grown or shrunk; a disk the parent
     * lacks starts as zeros).
     */
    public DiskWrite writeChanges(String name, long size, List<ChangedRange> changed, RangeSource source) {
        requireNewDisk(name);
        RestorePoint base = parent.orElseThrow(() -> new IllegalStateException(
                "restore point " + id() + " was begun without a parent: there is no map to lay changes over"));
        DiskMap old = base.disk(name).orElse(new DiskMap(name, 0, List.of()));
        Map<Long, Extent> oldByIndex = new HashMap<>();
        for (Extent extent : old.extents()) {
            oldByIndex.put(extent.offset() / chunkSize, extent);
        }
        TreeMap<Long, List<ChangedRange>> touched = touchedChunks(changed, size);
        long chunks = (size + chunkSize - 1) / chunkSize;
        if (size % chunkSize != 0) {
            Extent last = oldByIndex.get(chunks - 1);
            if (last != null && last.length() != size % chunkSize) {
                touched.putIfAbsent(chunks - 1, List.of());
            }
        }
        List<String> inherited = oldByIndex.entrySet().stream()
                .filter(entry -> entry.getKey() < chunks && !touched.containsKey(entry.getKey()))
                .map(entry -> entry.getValue().chunk())
                .toList();
        inherit(inherited, base);
        Tally tally = new Tally();
        try (Pipeline pipeline = new Pipeline(tally)) {
            for (long index = 0; index < chunks; index++) {
                Extent previous = oldByIndex.get(index);
                if (!touched.containsKey(index)) {
                    if (previous == null) {
                        tally.holes++;
                    } else {
                        pipeline.keep(previous);
                        tally.reused++;
                    }
                    continue;
                }
                long offset = index * chunkSize;
                int length = (int) Math.min(chunkSize, size - offset);
                byte[] buffer = pipeline.buffer();
                List<ChangedRange> pieces = touched.get(index);
                pipeline.put(offset, buffer, length,
                        () -> fill(buffer, length, previous, base, pieces, offset, source, tally));
            }
            return add(new DiskMap(name, size, pipeline.finish()), tally);
        }
    }

    /**
     * Makes the point visible: checks its chunks are in place, makes their directory entries durable, then writes
     * the manifest whole and renames it in.
     */
    public RestorePoint commit() {
        if (committed) {
            throw new IllegalStateException("restore point " + id() + " is already committed");
        }
        ChunkStore store = repository.store();
        List<Staged> written = List.copyOf(staged);
        writeback.close();
        FileSystemSync.sync(repository.directory(), written.stream().map(Staged::file).toList(), List.of());
        for (Staged chunk : written) {
            directories.add(store.place(chunk.chunk(), chunk.file()));
        }
        staged.clear();
        for (DiskMap disk : disks) {
            for (Extent extent : disk.extents()) {
                if (!store.holds(extent.chunk())) {
                    throw new RepositoryException.MissingChunk(extent.chunk(), "of restore point " + id()
                            + " (disk " + disk.name() + " at offset " + extent.offset() + "), being written,");
                }
            }
        }
        FileSystemSync.sync(repository.directory(), List.of(), directories);
        RestorePoint point = new RestorePoint(draft.id(), draft.vm(), draft.taken(), draft.parent(),
                draft.configuration(), disks);
        repository.writePoint(point, journal.id());
        committed = true;
        journal.close();
        return point;
    }

    /** Ends the writer; without a commit no point is left (its new chunks are garbage for the next prune). */
    @Override
    public void close() {
        if (!committed) {
            committed = true;
            writeback.close();
            staged.forEach(chunk -> ChunkStore.deleteQuietly(chunk.file()));
            journal.close();
        }
    }

    /**
     * Starts the writeback of staged chunks while later ones are still being made: every {@link #EVERY} bytes staged,
     * a sync of the file system on a thread of its own (never more than one at a time), so that the sync at the
     * commit, which the point waits for, finds little left to write. It only spreads the work: durability still comes
     * from the commit's sync.
     */
    private static final class Writeback implements AutoCloseable {
        static final long EVERY = 32 << 20;
        private final Path root;
        private final ExecutorService thread;
        private final AtomicLong staged = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean();

        Writeback(Path root, String point) {
            this.root = root;
            this.thread = Executors.newSingleThreadExecutor(task -> {
                Thread writer = new Thread(task, "point-" + point + "-writeback");
                writer.setDaemon(true);
                return writer;
            });
        }

        void staged(long bytes) {
            long after = staged.addAndGet(bytes);
            if (after / EVERY != (after - bytes) / EVERY && running.compareAndSet(false, true)) {
                thread.execute(() -> {
                    try {
                        FileSystemSync.start(root);
                    } finally {
                        running.set(false);
                    }
                });
            }
        }

        /** Waits for a writeback under way, which the commit's sync would otherwise wait for all the same. */
        @Override
        public void close() {
            thread.shutdown();
            try {
                thread.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void requireNewDisk(String name) {
        if (committed) {
            throw new IllegalStateException("restore point " + id() + " is closed");
        }
        if (disks.stream().anyMatch(disk -> disk.name().equals(name))) {
            throw new IllegalArgumentException("restore point " + id() + " already has disk " + name);
        }
    }

    private DiskWrite add(DiskMap map, Tally tally) {
        disks.add(map);
        return new DiskWrite(map.name(), map.size(), map.extents().size(), tally.stored, tally.reused, tally.holes,
                tally.bytesRead.get(), tally.bytesStored);
    }

    /**
     * Stores one chunk's worth of bytes, or nothing for zeros; answers what it did. Runs on the pipeline's threads:
     * the name is recorded in the journal, under the lock of the names, before the store is asked for the chunk.
     */
    private Put put(long offset, byte[] buffer, int length) {
        SparseChunk content = SparseChunk.of(buffer, length);
        if (content.isZeros()) {
            return new Put(Optional.empty(), 0);
        }
        String chunk = repository.codec().name(content);
        Extent extent = new Extent(offset, length, chunk);
        boolean first;
        synchronized (referenced) {
            first = referenced.add(chunk);
            if (first) {
                journal.record(List.of(chunk));
            }
        }
        if (first && !repository.store().has(chunk)) {
            Scratch scratch = this.scratch.get();
            int stored = repository.codec().encodeInto(chunk, content, scratch.encoded, scratch.gathered);
            staged.add(new Staged(chunk, repository.store().stage(chunk, scratch.encoded, stored, journal.id())));
            writeback.staged(stored);
            return new Put(Optional.of(extent), stored);
        }
        return new Put(Optional.of(extent), -1);
    }

    /** A thread's buffers to encode a chunk in: its stored bytes, and its data blocks gathered. */
    private final class Scratch {
        final byte[] encoded = new byte[ChunkCodec.encodedBound(chunkSize)];
        final byte[] gathered = new byte[chunkSize];
    }

    /** A chunk the writer stored under a temporary name. */
    private record Staged(String chunk, Path file) {}

    /** What storing one chunk did: its extent (none for zeros), and the bytes written (-1 when it was there). */
    private record Put(Optional<Extent> extent, long bytesStored) {}

    /**
     * A disk's chunks in flight: the caller fills a buffer, hands it over with {@link #put}, and takes the next; at
     * most {@link #inFlight} chunks are being stored at once, and their extents are collected in the disk's order.
     */
    private final class Pipeline implements AutoCloseable {
        private final ExecutorService workers = Executors.newFixedThreadPool(WORKERS, threads());
        private final int inFlight = Math.max(WORKERS + 1, AHEAD_BYTES / chunkSize);
        private final ArrayDeque<Pending> pending = new ArrayDeque<>();
        private final ArrayDeque<byte[]> free = new ArrayDeque<>();
        private final List<Extent> extents = new ArrayList<>();
        private final Tally tally;

        private record Pending(Optional<Future<Put>> put, Optional<Extent> kept, Optional<byte[]> buffer) {}

        Pipeline(Tally tally) {
            this.tally = tally;
        }

        /** A buffer for the next chunk, once fewer than {@link #inFlight} chunks are being stored. */
        byte[] buffer() {
            while (pending.size() >= inFlight) {
                collect();
            }
            return free.isEmpty() ? new byte[chunkSize] : free.pop();
        }

        void put(long offset, byte[] buffer, int length) {
            put(offset, buffer, length, () -> { });
        }

        /**
         * As {@link #put(long, byte[], int)}, the buffer filled first by {@code fill} on the worker's thread: a
         * touched chunk's previous content is read, checked and decompressed, and its changed bytes read from the
         * source, beside the other chunks' work rather than before it.
         */
        void put(long offset, byte[] buffer, int length, Runnable fill) {
            pending.add(new Pending(Optional.of(workers.submit(() -> {
                fill.run();
                return PointWriter.this.put(offset, buffer, length);
            })), Optional.empty(), Optional.of(buffer)));
        }

        /** An extent kept from the parent, in its place among the stored ones. */
        void keep(Extent extent) {
            pending.add(new Pending(Optional.empty(), Optional.of(extent), Optional.empty()));
        }

        /** Waits for every chunk handed over; answers the disk's extents in order. */
        List<Extent> finish() {
            while (!pending.isEmpty()) {
                collect();
            }
            return extents;
        }

        private void collect() {
            Pending next = pending.removeFirst();
            next.kept().ifPresent(extents::add);
            if (next.put().isPresent()) {
                Put done = result(next.put().get());
                next.buffer().ifPresent(free::push);
                done.extent().ifPresent(extents::add);
                if (done.extent().isEmpty()) {
                    tally.holes++;
                } else if (done.bytesStored() < 0) {
                    tally.reused++;
                } else {
                    tally.stored++;
                    tally.bytesStored += done.bytesStored();
                }
            }
        }

        private Put result(Future<Put> put) {
            try {
                return put.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException unchecked) {
                    throw unchecked;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while restore point " + id() + " was written", e);
            }
        }

        /** Ends the threads; after a failure, waits for the chunks still being written (the next prune takes them). */
        @Override
        public void close() {
            workers.shutdownNow();
            try {
                workers.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private ThreadFactory threads() {
        String prefix = "point-" + id() + "-";
        int[] count = {0};
        return task -> {
            Thread thread = new Thread(task, prefix + ++count[0]);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Records the parent's chunks this point keeps, then makes sure each is in place. */
    private void inherit(List<String> chunks, RestorePoint base) {
        List<String> fresh;
        synchronized (referenced) {
            fresh = chunks.stream().filter(referenced::add).toList();
            journal.record(fresh);
        }
        ChunkStore store = repository.store();
        for (String chunk : fresh) {
            if (!store.holds(chunk)) {
                throw new RepositoryException.MissingChunk(chunk, "of the previous restore point " + base.id()
                        + ", which restore point " + id() + " is written over,");
            }
        }
    }

    /** A touched chunk's bytes: the parent's content (or zeros), with each changed piece read from the source. */
    private void fill(byte[] buffer, int length, Extent previous, RestorePoint base, List<ChangedRange> pieces,
                      long offset, RangeSource source, Tally tally) {
        Arrays.fill(buffer, 0, length, (byte) 0);
        if (previous != null) {
            byte[] content = repository.readChunk(previous.chunk(), "of restore point " + base.id()
                    + " (disk at offset " + previous.offset() + ")");
            System.arraycopy(content, 0, buffer, 0, Math.min(length, content.length));
        }
        for (ChangedRange piece : pieces) {
            try {
                source.read(piece.offset(), buffer, (int) (piece.offset() - offset), (int) piece.length());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the changed bytes at offset " + piece.offset()
                        + " for restore point " + id(), e);
            }
            tally.bytesRead.addAndGet(piece.length());
        }
    }

    /** The changed ranges cut at chunk boundaries, by chunk index. */
    private TreeMap<Long, List<ChangedRange>> touchedChunks(List<ChangedRange> changed, long size) {
        TreeMap<Long, List<ChangedRange>> touched = new TreeMap<>();
        for (ChangedRange range : changed) {
            if (range.end() > size) {
                throw new IllegalArgumentException("changed range at " + range.offset() + " of " + range.length()
                        + " bytes ends past the disk's size " + size);
            }
            long at = range.offset();
            while (at < range.end()) {
                long index = at / chunkSize;
                long end = Math.min(range.end(), (index + 1) * chunkSize);
                touched.computeIfAbsent(index, i -> new ArrayList<>()).add(new ChangedRange(at, end - at));
                at = end;
            }
        }
        return touched;
    }

    /** Counted on the caller's thread, but the bytes read, which the pipeline's threads count as they fill. */
    private static final class Tally {
        int stored;
        int reused;
        int holes;
        final AtomicLong bytesRead = new AtomicLong();
        long bytesStored;
    }
}
