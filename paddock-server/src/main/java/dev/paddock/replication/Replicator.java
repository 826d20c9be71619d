package dev.paddock.replication;

import dev.paddock.backup.BackupRepository;
import dev.paddock.backup.DiskMap;
import dev.paddock.backup.Extent;
import dev.paddock.backup.ReplicationQueue;
import dev.paddock.backup.RepositoryException;
import dev.paddock.backup.RestorePoint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One round of a replication: list the target's points, choose what to send ({@link ReplicationQueue}), and for each
 * point, oldest first: its chunk names, which of them the target lacks, those uploaded as stored over the
 * replication's parallel streams within its bandwidth, then the manifest committed. A failure (a cut network, a
 * refusal) ends the round with a sentence; the points committed before it stay, and the next round asks again which
 * chunks are missing, so it sends only what did not arrive.
 */
final class Replicator {

    private final Replication replication;
    private final BackupRepository source;
    private final RemoteRepository target;
    private final Replications records;
    private final ReplicationMeters meters;
    private final Clock clock;

    Replicator(Replication replication, BackupRepository source, RemoteRepository target, Replications records,
            ReplicationMeters meters, Clock clock) {
        this.replication = replication;
        this.source = source;
        this.target = target;
        this.records = records;
        this.meters = meters;
        this.clock = clock;
    }

    Round run() {
        Instant started = clock.instant();
        long begun = System.nanoTime();
        List<String> committed = new ArrayList<>();
        AtomicInteger chunks = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        Optional<String> failure = Optional.empty();
        try {
            if (target.encrypted() != source.encrypted()) {
                throw new RemoteRepository.Refused(409, "repository " + replication.targetRepository() + " at "
                        + replication.target() + (source.encrypted() ? " is not encrypted and the source is"
                        : " is encrypted and the source is not") + ": chunks travel as they are stored, so both"
                        + " repositories must share one key, or both be unencrypted");
            }
            List<ReplicationQueue.Stamp> there = target.points();
            List<ReplicationQueue.Stamp> here = source.points().stream()
                    .map(p -> new ReplicationQueue.Stamp(p.id(), p.vm(), p.taken())).toList();
            Set<String> covered = Set.copyOf(replication.vms());
            recordPresent(there, here, covered);
            Bandwidth bandwidth = Bandwidth.of(replication.bandwidth());
            for (ReplicationQueue.Stamp point : ReplicationQueue.toSend(here, there, covered)) {
                ship(point, bandwidth, chunks, bytes);
                committed.add(point.id());
            }
        } catch (RemoteRepository.Unreachable | RemoteRepository.Refused | RepositoryException e) {
            failure = Optional.of(e.getMessage());
        }
        return new Round(started, Duration.ofNanos(System.nanoTime() - begun), committed, chunks.get(), bytes.get(),
                failure);
    }

    /**
     * Records, for each covered VM the target holds a point of, its newest point there when the records do not know
     * it yet (a first round, or points another path put there): the recovery point is what the target holds.
     */
    private void recordPresent(List<ReplicationQueue.Stamp> there, List<ReplicationQueue.Stamp> here,
            Set<String> covered) {
        Map<String, ReplicationQueue.Stamp> newest = ReplicationQueue.newestByVm(there);
        Set<String> ours = new java.util.HashSet<>(covered);
        if (ours.isEmpty()) {
            here.forEach(point -> ours.add(point.vm()));
        }
        Map<String, VmReplica> known = new java.util.HashMap<>();
        records.vms(replication.id()).forEach(replica -> known.put(replica.vm(), replica));
        for (String vm : ours) {
            ReplicationQueue.Stamp point = newest.get(vm);
            if (point == null) {
                continue;
            }
            VmReplica was = known.get(vm);
            // by id: the store keeps instants to the microsecond, the target's list to the nanosecond
            if (was == null || !was.point().equals(point.id()) && point.taken().isAfter(was.taken())) {
                VmReplica replica = new VmReplica(vm, point.id(), point.taken(), 0, Duration.ZERO, clock.instant());
                records.recordVm(replication.id(), replica);
                meters.replicated(replication, replica);
            }
        }
    }

    /** Ships one point: missing chunks over the parallel streams, then the manifest. */
    private void ship(ReplicationQueue.Stamp stamp, Bandwidth bandwidth, AtomicInteger chunks, AtomicLong bytes) {
        long begun = System.nanoTime();
        RestorePoint point = source.point(stamp.id());
        byte[] manifest = source.manifestJson(point.id());
        Set<String> names = new LinkedHashSet<>();
        for (DiskMap disk : point.disks()) {
            for (Extent extent : disk.extents()) {
                names.add(extent.chunk());
            }
        }
        List<String> missing = target.missing(point.id(), List.copyOf(names));
        AtomicLong sent = new AtomicLong();
        try (ExecutorService streams = Executors.newFixedThreadPool(replication.streams(),
                Thread.ofVirtual().name("replication-" + replication.name() + "-", 0).factory())) {
            List<Future<?>> uploads = new ArrayList<>();
            for (String chunk : missing) {
                uploads.add(streams.submit(() -> {
                    byte[] stored = source.storedChunk(chunk, "of restore point " + point.id());
                    target.upload(point.id(), chunk, stored, bandwidth);
                    sent.addAndGet(stored.length);
                    bytes.addAndGet(stored.length);
                    chunks.incrementAndGet();
                    meters.sent(replication, stored.length);
                }));
            }
            awaitAll(uploads, streams);
        }
        target.commit(point.id(), manifest);
        Duration took = Duration.ofNanos(System.nanoTime() - begun);
        VmReplica replica = new VmReplica(point.vm(), point.id(), point.taken(), sent.get(), took, clock.instant());
        records.recordVm(replication.id(), replica);
        meters.shipped(replication, took);
        meters.replicated(replication, replica);
    }

    /** Waits for every upload; the first failure stops the others and ends the round with its sentence. */
    private static void awaitAll(List<Future<?>> uploads, ExecutorService streams) {
        for (Future<?> upload : uploads) {
            try {
                upload.get();
            } catch (ExecutionException e) {
                streams.shutdownNow();
                if (e.getCause() instanceof RuntimeException failure) {
                    throw failure;
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                streams.shutdownNow();
                Thread.currentThread().interrupt();
                throw new RemoteRepository.Unreachable("the round was stopped");
            }
        }
    }
}
