package dev.paddock.replication;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Replication's metrics: each covered VM's recovery point at the target ({@code paddock_replication_rpo_seconds},
 * now minus when its newest point there was taken, read at each scrape), the bytes of chunks uploaded
 * ({@code paddock_replication_sent_bytes_total}) and the time each point took to ship
 * ({@code paddock_replication_duration_seconds}), by replication. Kept in a composite registry, as HA's are, so the
 * controller can count before the server's Prometheus registry is {@linkplain #bindTo bound}.
 */
public final class ReplicationMeters {

    private final CompositeMeterRegistry registry = new CompositeMeterRegistry().add(new SimpleMeterRegistry());
    private final Clock clock;
    private final Map<String, Instant> taken = new ConcurrentHashMap<>();
    private final Map<String, Gauge> gauges = new ConcurrentHashMap<>();

    public ReplicationMeters(Clock clock) {
        this.clock = clock;
    }

    public void bindTo(MeterRegistry target) {
        registry.add(target);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The VM's newest point at the replication's target is {@code replica}'s. */
    void replicated(Replication replication, VmReplica replica) {
        String key = replication.name() + "\u0000" + replica.vm();
        taken.put(key, replica.taken());
        gauges.computeIfAbsent(key, k -> Gauge.builder("paddock.replication.rpo", taken,
                        points -> points.containsKey(k)
                                ? Duration.between(points.get(k), clock.instant()).toMillis() / 1000.0 : Double.NaN)
                .description("Age of the newest restore point of a VM at the replication's target")
                .baseUnit("seconds")
                .tags("replication", replication.name(), "vm", replica.vm())
                .register(registry));
    }

    void sent(Replication replication, long bytes) {
        Counter.builder("paddock.replication.sent").description("Bytes of chunks uploaded to replication targets")
                .baseUnit("bytes").tag("replication", replication.name()).register(registry).increment(bytes);
    }

    void shipped(Replication replication, Duration took) {
        Timer.builder("paddock.replication.duration").description("Time to ship one restore point to the target")
                .tag("replication", replication.name()).register(registry).record(took);
    }

    /** Drops the gauges of a replication that is gone. */
    void forget(Replication replication) {
        String prefix = replication.name() + "\u0000";
        gauges.entrySet().removeIf(entry -> {
            if (entry.getKey().startsWith(prefix)) {
                registry.remove(entry.getValue());
                taken.remove(entry.getKey());
                return true;
            }
            return false;
        });
    }
}
