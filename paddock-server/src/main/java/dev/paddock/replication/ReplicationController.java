package dev.paddock.replication;

import dev.paddock.api.PaddockException;
import dev.paddock.audit.Alarm;
import dev.paddock.audit.Alarms;
import dev.paddock.backup.Backups;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each replication's rounds when they are due (every {@link Replication#interval}, counted from the start of
 * the last round) and on demand, one round of a replication at a time, and watches every VM's recovery point at the
 * targets: an alarm ({@value #RPO_ALARM}) is raised when the newest point a target holds of a VM is older than its
 * replication's RPO target, and acknowledged by the controller itself once the VM is back under it. Runs under the
 * leader lease, as the other controllers do: a follower ships nothing.
 *
 * <p>A VM the target holds no point of yet has no recovery point there; the round that fails to ship it says why.
 */
public final class ReplicationController implements AutoCloseable {

    /** The kind of the alarm raised when a VM's recovery point at a target is older than the RPO target. */
    public static final String RPO_ALARM = "replication.rpo";
    /** Who acknowledges an RPO alarm once the VM is back under its target. */
    static final String SELF = "replication";

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationController.class);

    /** What the controller works with. */
    public record Wiring(Replications replications, Backups backups, Alarms alarms, ReplicationMeters meters,
            Clock clock) {}

    private final Wiring wiring;
    private final Duration tick;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("replication-controller").daemon().factory());
    private final ExecutorService rounds = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("replication-round-", 0).factory());
    private final Map<String, ReentrantLock> running = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastStarted = new ConcurrentHashMap<>();
    /** Replications told a new restore point may be waiting: each runs at the next look, or once its round ends. */
    private final java.util.Set<String> nudged = ConcurrentHashMap.newKeySet();
    /** Open RPO alarms by VM id; rebuilt from the open alarms at the first look. */
    private Map<String, String> raised;

    public ReplicationController(Wiring wiring, Duration tick) {
        this.wiring = wiring;
        this.tick = tick;
    }

    public void start() {
        loop.scheduleWithFixedDelay(this::look, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Replications replications() {
        return wiring.replications();
    }

    public ReplicationMeters meters() {
        return wiring.meters();
    }

    /**
     * Says a backup just made a restore point: every replication runs a round at the next look (within a tick), or
     * as soon as its running round ends, so a point reaches the other site without waiting for the interval; the
     * interval stays the floor for replications whose VMs are not backed up meanwhile.
     */
    public void pointMade() {
        for (Replication replication : wiring.replications().list()) {
            nudged.add(replication.id());
        }
    }

    /** Forgets a replication: its record, its VMs' records and its gauges. */
    public void delete(Replication replication) {
        wiring.replications().delete(replication.id());
        wiring.meters().forget(replication);
        lastStarted.remove(replication.id());
    }

    /**
     * Runs a round of the replication now, in the caller's thread, and answers it.
     *
     * @throws PaddockException.Conflict when a round of it is running
     */
    public Round runNow(Replication replication) {
        ReentrantLock lock = running.computeIfAbsent(replication.id(), id -> new ReentrantLock());
        if (!lock.tryLock()) {
            throw new PaddockException.Conflict("A round of replication " + replication.name() + " is running;"
                    + " try again when it ends.");
        }
        try {
            return round(replication);
        } finally {
            lock.unlock();
        }
    }

    private Round round(Replication replication) {
        lastStarted.put(replication.id(), wiring.clock().instant());
        Round round;
        try (RemoteRepository target = new RemoteRepository(replication.target(), replication.targetRepository(),
                wiring.replications().token(replication.id()), replication.caCertificate())) {
            round = new Replicator(replication, wiring.backups().repository(replication.source()), target,
                    wiring.replications(), wiring.meters(), wiring.clock()).run();
        } catch (PaddockException | IllegalArgumentException e) {
            round = new Round(wiring.clock().instant(), Duration.ZERO, List.of(), 0, 0,
                    Optional.of(e.getMessage()));
        }
        wiring.replications().recordRound(replication.id(), round);
        if (round.ok()) {
            LOG.info("replication {}: {}", replication.name(), round.summary());
        } else {
            LOG.warn("replication {}: {}", replication.name(), round.summary());
        }
        judge();
        return round;
    }

    /** One look: start the rounds that are due, then judge every VM's recovery point. */
    private void look() {
        try {
            Instant now = wiring.clock().instant();
            for (Replication replication : wiring.replications().list()) {
                Instant last = lastStarted.computeIfAbsent(replication.id(), id -> wiring.replications()
                        .lastRound(id).map(Round::started).orElse(Instant.EPOCH));
                boolean nudge = nudged.contains(replication.id());
                if (!nudge && last.plus(replication.interval()).isAfter(now)) {
                    continue;
                }
                ReentrantLock lock = running.computeIfAbsent(replication.id(), id -> new ReentrantLock());
                if (lock.isLocked()) {
                    // a round runs: a nudge waits for it to end; a due interval comes round again at the next look
                    continue;
                }
                nudged.remove(replication.id());
                lastStarted.put(replication.id(), now);
                rounds.submit(() -> {
                    if (lock.tryLock()) {
                        try {
                            round(replication);
                        } finally {
                            lock.unlock();
                        }
                    }
                });
            }
            judge();
        } catch (RuntimeException e) {
            LOG.warn("replication controller: {}", e.toString());
        }
    }

    /**
     * Raises an RPO alarm for each VM whose recovery point at some replication's target is beyond that
     * replication's RPO target, and acknowledges the alarm of each VM back under every target.
     */
    public synchronized void judge() {
        Instant now = wiring.clock().instant();
        Map<String, String> over = new HashMap<>();
        Set<String> judged = new java.util.HashSet<>();
        for (Replication replication : wiring.replications().list()) {
            for (VmReplica replica : wiring.replications().vms(replication.id())) {
                judged.add(replica.vm());
                Duration rpo = replica.rpo(now);
                if (rpo.compareTo(replication.rpoTarget()) > 0) {
                    over.putIfAbsent(replica.vm(), "The newest restore point of VM " + replica.vm() + " at "
                            + replication.target() + " (replication " + replication.name() + ", point "
                            + replica.point() + ") is " + rpo.toSeconds() + " s old, beyond the RPO target of "
                            + replication.rpoTarget().toSeconds() + " s.");
                }
            }
        }
        Map<String, String> open = raised();
        for (Map.Entry<String, String> entry : over.entrySet()) {
            if (!open.containsKey(entry.getKey())) {
                Alarm alarm = wiring.alarms().raise(RPO_ALARM, entry.getKey(), entry.getValue(), now);
                open.put(entry.getKey(), alarm.id());
                LOG.warn("{}", entry.getValue());
            }
        }
        for (String vm : List.copyOf(open.keySet())) {
            if (!over.containsKey(vm)) {
                wiring.alarms().acknowledge(open.remove(vm), SELF, now);
                LOG.info("VM {} is back within its replication RPO target{}", vm,
                        judged.contains(vm) ? "" : " (no replication covers it any more)");
            }
        }
    }

    private Map<String, String> raised() {
        if (raised == null) {
            raised = new HashMap<>();
            for (Alarm alarm : wiring.alarms().list(true, 0, 10_000)) {
                if (alarm.kind().equals(RPO_ALARM)) {
                    raised.putIfAbsent(alarm.subjectId(), alarm.id());
                }
            }
        }
        return raised;
    }

    @Override
    public void close() {
        loop.shutdownNow();
        rounds.shutdownNow();
        try {
            loop.awaitTermination(10, TimeUnit.SECONDS);
            rounds.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
