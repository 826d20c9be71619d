package dev.paddock.backup;

import dev.paddock.json.Json;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Receives restore points another repository ships (replication to a second site), in three calls that may come
 * over many requests and with pauses: which of a point's chunks are {@linkplain #missing missing}, each missing chunk
 * {@linkplain #receive as stored}, and the manifest, {@linkplain #commit committed} only when every chunk it names is
 * in place. Chunks travel exactly as the sender stores them (compressed, sealed when encrypted) and are checked
 * against their names here, so both repositories share one key, or both are unencrypted: a chunk sealed under
 * another key does not decode, and is refused with a sentence that says so.
 *
 * <p>Each point being received has a writer record ({@link WriterJournal}) of its own, kept from its first call to
 * its commit, and every call keeps {@link Prune}'s rule for writers: a chunk's name is appended to the record
 * <em>before</em> the receiver looks whether the repository holds it. So:
 * <ul>
 * <li>{@link #missing} records the names, then looks: a chunk it reports present, or one uploaded afterwards, is
 *     named by the record until the commit, so a prune beside the replication does not delete it, exactly as for a
 *     local writer.</li>
 * <li>{@link #receive} records the name, then writes the chunk (temporary file named after the record, fsync,
 *     rename, directory fsync) when it is not there: a second upload of a chunk is a no-op.</li>
 * <li>{@link #commit} records every chunk the manifest names, then checks each is in place (taking one back from a
 *     prune's trash), and only then renames the manifest in and drops the record; the first chunk absent refuses the
 *     commit ({@link RepositoryException.MissingChunk}) and no manifest appears: a point is whole or absent.</li>
 * </ul>
 * A sender that stops half-way leaves its record; the record of a point left idle for longer than {@code idle} is
 * dropped, and a server restart drops it as a dead writer's. Its chunks may then be pruned, which costs bandwidth,
 * never a point: the commit records and checks again by itself, so a point whose chunks went is refused, and the
 * sender, which asks again which chunks are missing at its next round, sends them anew. Because chunks are named by
 * their content, a round after a cut network sends only what did not arrive.
 *
 * <p>Safe for concurrent requests: calls for one point are serialized, different points proceed side by side.
 */
public final class PointReceiver {

    private static final Pattern CHUNK = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern POINT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    /** The largest stored chunk: the largest content plus header, nonce, length and tag. */
    public static final int MAX_STORED = ChunkCodec.MAX_PLAIN + 64;

    private final BackupRepository repository;
    private final Duration idle;
    private final Map<String, Incoming> incoming = new HashMap<>();

    public PointReceiver(BackupRepository repository, Duration idle) {
        this.repository = repository;
        this.idle = idle;
    }

    /** A point being received: its writer record, the chunk names recorded, and when it was last used. */
    private static final class Incoming {
        final WriterJournal journal;
        final Set<String> recorded = new HashSet<>();
        Instant used;
        boolean closed;

        Incoming(WriterJournal journal, Instant used) {
            this.journal = journal;
            this.used = used;
        }

        void record(Collection<String> chunks) {
            List<String> fresh = chunks.stream().filter(recorded::add).toList();
            journal.record(fresh);
        }
    }

    /** Which of {@code chunks} the repository lacks, in the order given; the names are recorded for {@code point}. */
    public List<String> missing(String point, List<String> chunks, Instant now) {
        chunks.forEach(PointReceiver::requireChunkName);
        return withIncoming(point, now, receiving -> {
            receiving.record(chunks);
            ChunkStore store = repository.store();
            List<String> missing = new ArrayList<>();
            for (String chunk : new java.util.LinkedHashSet<>(chunks)) {
                if (!store.holds(chunk)) {
                    missing.add(chunk);
                }
            }
            return missing;
        });
    }

    /**
     * Stores one chunk as stored by the sender, after checking it decodes to content of its name under this
     * repository's key. Answers false when the repository held it already (nothing is written).
     *
     * @throws RepositoryException.CorruptChunk when the bytes do not decode to content of that name
     */
    public boolean receive(String point, String chunk, byte[] stored, Instant now) {
        requireChunkName(chunk);
        try {
            repository.codec().decode(chunk, stored);
        } catch (ChunkCodec.Unreadable e) {
            throw new RepositoryException.CorruptChunk(chunk, "sent for restore point " + point, e.getMessage()
                    + " (chunks travel as they are stored: both repositories must share one key, or both be"
                    + " unencrypted)");
        }
        return withIncoming(point, now, receiving -> {
            receiving.record(List.of(chunk));
            ChunkStore store = repository.store();
            if (store.has(chunk)) {
                return false;
            }
            ChunkStore.syncDirectory(store.write(chunk, stored, receiving.journal.id()));
            return true;
        });
    }

    /**
     * Makes a received point visible, its manifest stored as the JSON given. A point already there with the same
     * manifest is answered as it is (a commit repeated after its answer was lost).
     *
     * @throws RepositoryException.MissingChunk naming the first chunk the manifest names that is not in place
     * @throws IllegalArgumentException when the JSON is no manifest of that point, or another point of that id exists
     */
    public RestorePoint commit(String point, byte[] manifestJson, Instant now) {
        requirePointId(point);
        RestorePoint manifest;
        try {
            manifest = Json.mapper().readValue(manifestJson, RestorePoint.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("the manifest of restore point " + point + " does not read: "
                    + e.getMessage());
        }
        if (!point.equals(manifest.id())) {
            throw new IllegalArgumentException("the manifest sent for restore point " + point + " is that of "
                    + manifest.id());
        }
        return withIncoming(point, now, receiving -> {
            var existing = repository.readPoint(point);
            if (existing.isPresent()) {
                drop(point, receiving);
                if (existing.get().equals(manifest)) {
                    return existing.get();
                }
                throw new IllegalArgumentException("repository " + repository.directory()
                        + " holds another restore point " + point + " already");
            }
            List<String> named = new ArrayList<>();
            for (DiskMap disk : manifest.disks()) {
                for (Extent extent : disk.extents()) {
                    requireChunkName(extent.chunk());
                    named.add(extent.chunk());
                }
            }
            receiving.record(named);
            ChunkStore store = repository.store();
            for (DiskMap disk : manifest.disks()) {
                for (Extent extent : disk.extents()) {
                    if (!store.holds(extent.chunk())) {
                        throw new RepositoryException.MissingChunk(extent.chunk(), "of restore point " + point
                                + " (disk " + disk.name() + " at offset " + extent.offset() + "), being received,");
                    }
                }
            }
            repository.writeManifest(point, manifestJson, receiving.journal.id());
            drop(point, receiving);
            return manifest;
        });
    }

    /** Drops the records of points left idle for longer than the idle time (see the class comment for why safe). */
    public void expire(Instant now) {
        List<Incoming> idleOnes = new ArrayList<>();
        synchronized (incoming) {
            incoming.entrySet().removeIf(entry -> {
                if (entry.getValue().used.plus(idle).isBefore(now)) {
                    idleOnes.add(entry.getValue());
                    return true;
                }
                return false;
            });
        }
        for (Incoming gone : idleOnes) {
            synchronized (gone) {
                gone.closed = true;
                gone.journal.close();
            }
        }
    }

    /** Drops every record: the repository is forgotten or the server stops. */
    public void close() {
        expire(Instant.MAX);
    }

    /** How many points are being received (their records open). */
    public int receiving() {
        synchronized (incoming) {
            return incoming.size();
        }
    }

    /** Runs {@code work} holding the point's record, made anew when a commit or expiry closed it meanwhile. */
    private <T> T withIncoming(String point, Instant now, java.util.function.Function<Incoming, T> work) {
        while (true) {
            Incoming receiving = incoming(point, now);
            synchronized (receiving) {
                if (!receiving.closed) {
                    return work.apply(receiving);
                }
            }
        }
    }

    private Incoming incoming(String point, Instant now) {
        requirePointId(point);
        expire(now);
        synchronized (incoming) {
            Incoming receiving = incoming.computeIfAbsent(point,
                    id -> new Incoming(WriterJournal.start(repository.directory(), id), now));
            receiving.used = now;
            return receiving;
        }
    }

    private void drop(String point, Incoming receiving) {
        synchronized (incoming) {
            incoming.remove(point, receiving);
        }
        receiving.closed = true;
        receiving.journal.close();
    }

    private static void requireChunkName(String chunk) {
        if (chunk == null || !CHUNK.matcher(chunk).matches()) {
            throw new IllegalArgumentException("'" + chunk + "' is no chunk name (64 lowercase hex digits)");
        }
    }

    private static void requirePointId(String point) {
        if (point == null || !POINT.matcher(point).matches()) {
            throw new IllegalArgumentException("'" + point + "' is no restore point id");
        }
    }
}
