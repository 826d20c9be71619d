package dev.paddock.drs;

import dev.paddock.model.Cluster;
import dev.paddock.store.InventoryStore;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Balances every cluster whose policy says so, each round, after power saving ({@link PowerSaving}) has powered on
 * what the load needs or put a host in standby: automatic clusters get their moves as an operation,
 * recommending ones a log line when what balancing would do changes (the API shows the plan itself). One decision
 * per line, with the cluster and the plan's sentence.
 */
public final class BalancingController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BalancingController.class);
    /** vSphere DRS looks every 5 minutes. */
    public static final Duration DEFAULT_PERIOD = Duration.ofMinutes(5);

    private final InventoryStore store;
    private final Balancing balancing;
    private final Optional<PowerSaving> power;
    private final Duration period;
    private final Map<String, String> lastSaid = new ConcurrentHashMap<>();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("balancing").daemon().factory());

    public BalancingController(InventoryStore store, Balancing balancing, Duration period) {
        this(store, balancing, Optional.empty(), period);
    }

    /** Balances, and with {@code power} saves power first in each cluster whose power policy says so. */
    public BalancingController(InventoryStore store, Balancing balancing, Optional<PowerSaving> power,
            Duration period) {
        this.store = store;
        this.balancing = balancing;
        this.power = power;
        this.period = period;
    }

    public void start() {
        loop.scheduleWithFixedDelay(this::roundQuietly, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void roundQuietly() {
        try {
            round();
        } catch (RuntimeException e) {
            LOG.warn("balancing round failed: {}", e.toString());
        }
    }

    /** One round now, on the caller's thread. */
    public synchronized void round() {
        power.ifPresent(PowerSaving::reconcile);
        for (Cluster cluster : store.clusters()) {
            power.ifPresent(saving -> savePower(saving, cluster));
            BalancingPolicy policy = balancing.policy(cluster.id());
            switch (policy.mode()) {
                case OFF -> lastSaid.remove(cluster.id());
                case RECOMMEND -> {
                    BalancePlan plan = balancing.plan(cluster.id());
                    if (!plan.summary().equals(lastSaid.put(cluster.id(), plan.summary()))) {
                        LOG.info("balancing of cluster {} recommends: {}", cluster.name(), plan.summary());
                    }
                }
                case AUTOMATIC -> {
                    Balancing.Applied applied = balancing.apply(cluster.id(), Balancing.OWNER);
                    applied.operation().ifPresent(op -> {
                        LOG.info("balancing of cluster {}: {} (operation {})", cluster.name(),
                                applied.plan().summary(), op.id());
                        applied.plan().moves().forEach(move -> LOG.info("balancing moves VM {}: {}",
                                move.vm().name(), move.explanation()));
                    });
                    lastSaid.put(cluster.id(), applied.plan().summary());
                }
            }
        }
    }

    /** Power on what the load needs, or put one host in standby; recommending clusters get a log line. */
    private void savePower(PowerSaving saving, Cluster cluster) {
        String key = "power " + cluster.id();
        switch (saving.policy(cluster.id()).mode()) {
            case OFF -> lastSaid.remove(key);
            case RECOMMEND -> {
                String summary = saving.decision(cluster.id()).summary();
                if (!summary.equals(lastSaid.put(key, summary))) {
                    LOG.info("power saving of cluster {} recommends: {}", cluster.name(), summary);
                }
            }
            case AUTOMATIC -> {
                PowerSaving.Applied applied = saving.apply(cluster.id(), PowerSaving.OWNER);
                applied.operation().ifPresent(op -> LOG.info("power saving of cluster {}: {} (operation {})",
                        cluster.name(), applied.decision().summary(), op.id()));
                lastSaid.put(key, applied.decision().summary());
            }
        }
    }

    @Override
    public void close() {
        loop.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
