package dev.paddock.server;

import dev.paddock.store.LeaderLease;
import dev.paddock.store.LeaderLease.Acquired;
import dev.paddock.store.LeaderLease.Lease;
import dev.paddock.store.StoreException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This server's right to act on its database: the {@linkplain LeaderLease#CONTROLLER controller lease}, taken before
 * the operation runner and HA start, renewed every third of its time to live, given back on close.
 *
 * <p>Losing it is fail-stop: when a renewal finds the lease taken or expired, or no renewal has succeeded for a whole
 * time to live (the database unreachable), every part registered with {@link #stopOnLoss} is closed at once and the
 * server says it is unhealthy. It never acts again without a new start, which acquires the lease anew. The local
 * deadline runs on the monotonic clock from the moment a renewal was sent, so it ends before the database's expiry:
 * by the time another server may take the lease, this one has stopped.
 */
public final class Leadership implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

    /** @param ttl how long a lease lives without renewal; a server that stops renewing is replaced after it */
    public record Settings(Duration ttl) {
        public static final Settings DEFAULT = new Settings(Duration.ofSeconds(15));

        public Settings {
            if (ttl.toMillis() < 30) {
                throw new IllegalArgumentException("a lease needs a time to live of at least 30 ms, was " + ttl);
            }
        }

        Duration renewEvery() {
            return ttl.dividedBy(3);
        }

        /** How often a waiting server asks again, and how often the holder checks its own deadline. */
        Duration poll() {
            return ttl.dividedBy(10);
        }
    }

    /**
     * What the health endpoint shows.
     *
     * @param leader whether this server may act (run operations and HA) now
     * @param holder who holds the lease as this server last saw it
     * @param since when this server took the lease
     * @param reason why this server is not the leader any more; empty while it is
     */
    public record Status(boolean leader, String holder, Instant since, Optional<String> reason) {}

    /** Another live server holds the lease: this one must not start. The message is one sentence for the operator. */
    public static final class Refused extends RuntimeException {
        private final transient Lease current;

        Refused(Lease current) {
            super("Another Paddock server is active on this database: " + current.holder().description()
                    + ", active since " + current.acquiredAt() + "; stop it, or give this server its own database.");
            this.current = current;
        }

        public Lease current() {
            return current;
        }
    }

    private final LeaderLease lease;
    private final Settings settings;
    private final Instant since;
    private final ScheduledExecutorService loop;
    private final Deque<AutoCloseable> actors = new ArrayDeque<>();
    private volatile long validUntilNanos;
    private volatile Optional<String> lost = Optional.empty();
    private boolean closed;

    private Leadership(LeaderLease lease, Settings settings, Lease taken, long askedNanos) {
        this.lease = lease;
        this.settings = settings;
        this.since = taken.acquiredAt();
        this.validUntilNanos = askedNanos + settings.ttl().toNanos();
        this.loop = Executors.newScheduledThreadPool(2, task -> {
            Thread thread = new Thread(task, "paddock-leader-lease");
            thread.setDaemon(true);
            return thread;
        });
        long renew = settings.renewEvery().toMillis();
        long poll = Math.max(1, settings.poll().toMillis());
        loop.scheduleWithFixedDelay(this::renew, renew, renew, TimeUnit.MILLISECONDS);
        loop.scheduleWithFixedDelay(this::checkDeadline, poll, poll, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes the lease, waiting up to one time to live for a holder that stopped renewing to expire; a holder seen
     * renewing (or a new one taking it) meanwhile is alive, and this server is refused at once.
     *
     * @throws Refused when another live server holds the lease
     */
    public static Leadership take(LeaderLease lease, Settings settings) {
        long deadline = System.nanoTime() + settings.ttl().toNanos();
        Optional<Lease> firstSeen = Optional.empty();
        while (true) {
            long asked = System.nanoTime();
            switch (lease.acquire()) {
                case Acquired acquired -> {
                    LOG.info("leader lease taken by {}", lease.holder().description());
                    return new Leadership(lease, settings, acquired.lease(), asked);
                }
                case LeaderLease.Refused refused -> {
                    Lease current = refused.current();
                    if (current.holder().isDeadProcessOfThisHost()
                            && lease.takeFrom(current.holder()) instanceof Acquired acquired) {
                        LOG.info("leader lease taken by {} from {}, a process of this host that is gone",
                                lease.holder().description(), current.holder().description());
                        return new Leadership(lease, settings, acquired.lease(), asked);
                    }
                    boolean alive = firstSeen.map(seen -> !seen.holder().equals(current.holder())
                            || current.renewedAt().isAfter(seen.renewedAt())).orElse(false);
                    if (alive || System.nanoTime() - deadline >= 0) {
                        throw new Refused(current);
                    }
                    if (firstSeen.isEmpty()) {
                        LOG.info("leader lease held by {} until {}; waiting up to {} ms for it to expire",
                                current.holder().description(), current.expiresAt(), settings.ttl().toMillis());
                        firstSeen = Optional.of(current);
                    }
                    pause(settings.poll());
                }
            }
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the leader lease", e);
        }
    }

    /**
     * Registers a part that acts on the room (the operation runner, HA): closed when the lease is lost, the last
     * registered first. A part registered after the loss is closed at once.
     */
    public void stopOnLoss(AutoCloseable actor) {
        Objects.requireNonNull(actor, "actor");
        synchronized (this) {
            if (lost.isEmpty()) {
                actors.push(actor);
                return;
            }
        }
        closeQuietly(actor);
    }

    public boolean isLeader() {
        return lost.isEmpty();
    }

    public Status status() {
        return new Status(isLeader(), lease.holder().description(), since, lost);
    }

    /** Publishes {@code paddock_leader}: 1 while this server may act, 0 once it lost the lease or stopped. */
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("paddock.leader", this, leadership -> leadership.isLeader() ? 1 : 0)
                .description("1 while this server holds the controller lease and may act, else 0")
                .register(registry);
    }

    private void renew() {
        if (!isLeader()) {
            return;
        }
        long asked = System.nanoTime();
        try {
            if (lease.renew()) {
                validUntilNanos = asked + settings.ttl().toNanos();
            } else {
                String holder = lease.current().map(current -> "it is held by " + current.holder().description()
                        + " since " + current.acquiredAt()).orElse("nobody holds it");
                lose("the leader lease was lost (it expired before a renewal reached the database; " + holder + ")");
            }
        } catch (StoreException e) {
            LOG.warn("could not renew the leader lease ({}); acting for at most {} ms more unless a renewal succeeds",
                    e.getMessage(), Math.max(0, (validUntilNanos - System.nanoTime()) / 1_000_000));
        } catch (RuntimeException e) {
            LOG.error("leader lease renewal failed unexpectedly", e);
        }
    }

    private void checkDeadline() {
        if (isLeader() && System.nanoTime() - validUntilNanos >= 0) {
            lose("the leader lease could not be renewed for " + settings.ttl().toMillis()
                    + " ms (the database did not answer), so another server may take it");
        }
    }

    /** Fail-stop: the parts that act are closed at once; nothing here ever starts them again. */
    private void lose(String reason) {
        Deque<AutoCloseable> stopping;
        synchronized (this) {
            if (lost.isPresent() || closed) {
                return;
            }
            lost = Optional.of(reason);
            stopping = new ArrayDeque<>(actors);
            actors.clear();
        }
        LOG.error("{}: stopping HA and the operation runner; this server no longer acts until it is restarted",
                reason);
        stopping.forEach(Leadership::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable actor) {
        try {
            actor.close();
        } catch (Exception e) {
            LOG.warn("stopping {} failed: {}", actor, e.toString());
        }
    }

    /** Stops renewing and gives the lease back, so a successor starts at once. */
    @Override
    public void close() {
        boolean held;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            held = lost.isEmpty();
            lost = Optional.of("the server stopped");
        }
        loop.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (held) {
            try {
                lease.release();
                LOG.info("leader lease released by {}", lease.holder().description());
            } catch (StoreException e) {
                LOG.warn("could not release the leader lease ({}); a successor waits until it expires",
                        e.getMessage());
            }
        }
    }
}
