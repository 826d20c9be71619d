package dev.paddock.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Mark and sweep of a repository's chunks, safe beside writers and when killed at any instant.
 *
 * <p>The steps, under an exclusive lock on {@code prune.lock} (a kernel file lock: it dies with its process, so a
 * killed prune never blocks the next one; it only keeps two prunes apart):
 * <ol>
 * <li><b>Recover.</b> Put every chunk in {@code trash/} back in its place: a prune killed earlier may have left chunks
 *     there that a point needs. Drop the records of writers whose process is gone.</li>
 * <li><b>Mark.</b> Read the writers' records (R1), then every manifest (P1). Candidates: chunk files named by neither.</li>
 * <li><b>Set aside.</b> Rename each candidate into {@code trash/} (atomic; readers still find it there).</li>
 * <li><b>Look again.</b> Read the writers' records (R2), then every manifest (P2).</li>
 * <li><b>Sweep.</b> A set-aside chunk named in R2 or P2 goes back in place; the others are deleted.</li>
 * </ol>
 *
 * <p>Why no chunk a whole point needs is ever lost. A writer appends a chunk's name to its record <em>before</em>
 * it looks whether the chunk exists (writing it if not), keeps the record until its manifest is renamed in, and
 * checks at commit that every chunk it names is in place, taking it back from the trash if need be.
 * <ul>
 * <li>A point whole before step 2 is in P1: none of its chunks is a candidate. (Forgetting a point only removes its
 *     manifest, so a point never loses chunks while it exists.)</li>
 * <li>A writer that appended chunk X before step 4 began is seen in R2, and X goes back; if it looked for X while X
 *     was in the trash, it wrote X anew (same name, same bytes: putting the old file back over it is harmless).</li>
 * <li>A writer that appended X after step 4 began looked for X after step 3 ended: if X was a candidate, it was in
 *     the trash or gone, so the writer wrote it anew (or, for a chunk kept from its parent, took it back from the
 *     trash or stopped with {@link RepositoryException.MissingChunk}); it never relies on a file prune deletes,
 *     because prune deletes only inside {@code trash/}.</li>
 * <li>Records are read before manifests in steps 2 and 4, and a writer deletes its record only after its manifest
 *     is in place, so a writer that finishes meanwhile is seen in one or the other.</li>
 * <li>Killed during step 3 or 4, a prune leaves candidates in the trash: readers read them there, a writer's commit
 *     takes back those its point names, and the next prune puts them all back first. Killed during step 5, it has
 *     deleted only chunks that R2 and P2 did not name, which no writer relies on by the reasoning above.</li>
 * </ul>
 * No clock is involved, so hosts whose clocks disagree cannot break it. A writer on another host is seen as long as
 * its record exists; such a record is never taken for a dead writer's (its process cannot be seen from here).
 */
final class Prune {

    private final BackupRepository repository;
    private final PruneListener listener;
    private final Path root;

    Prune(BackupRepository repository, PruneListener listener) {
        this.repository = repository;
        this.listener = listener;
        this.root = repository.directory();
    }

    PruneReport run() {
        try (FileChannel lockFile = FileChannel.open(root.resolve("prune.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = lockFile.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new RepositoryException.PruneRunning("another prune is running on repository " + root);
            }
            try {
                return sweep();
            } finally {
                lock.release();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock repository " + root + " for a prune", e);
        }
    }

    private PruneReport sweep() {
        ChunkStore store = repository.store();
        int recovered = 0;
        for (String chunk : store.inTrash()) {
            if (store.restoreFromTrash(chunk)) {
                recovered++;
            }
        }
        WriterJournal.dropDead(root);

        References marked = references();
        List<String> candidates = store.all().stream().filter(chunk -> !marked.chunks().contains(chunk)).toList();
        listener.marked(candidates.size());
        List<String> setAside = new ArrayList<>();
        for (String chunk : candidates) {
            if (store.moveToTrash(chunk)) {
                setAside.add(chunk);
                listener.setAside(chunk);
            }
        }

        References again = references();
        int deleted = 0;
        int putBack = 0;
        long freed = 0;
        for (String chunk : setAside) {
            if (again.chunks().contains(chunk)) {
                store.restoreFromTrash(chunk);
                putBack++;
            } else {
                freed += store.deleteFromTrash(chunk);
                deleted++;
                listener.deleted(chunk);
            }
        }
        return new PruneReport(again.points(), again.writers(), candidates.size(), deleted, freed, putBack, recovered);
    }

    private record References(Set<String> chunks, int points, int writers) {}

    /** The chunks running writers and whole points name: writers' records first, then manifests (see above). */
    private References references() {
        WriterJournal.Live live = WriterJournal.readAll(root);
        Set<String> chunks = new HashSet<>(live.chunks());
        List<RestorePoint> points = repository.points();
        for (RestorePoint point : points) {
            for (DiskMap disk : point.disks()) {
                for (Extent extent : disk.extents()) {
                    chunks.add(extent.chunk());
                }
            }
        }
        return new References(chunks, points.size(), live.writers().size());
    }
}
