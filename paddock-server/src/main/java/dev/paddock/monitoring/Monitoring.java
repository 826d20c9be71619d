package dev.paddock.monitoring;

import dev.paddock.audit.Alarm;
import dev.paddock.audit.Alarms;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.model.Datastore;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import dev.paddock.notification.Notifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Monitoring, on one thread: every {@code interval} a sampling round ({@link Sampler}) and then every threshold over
 * the latest readings ({@link ThresholdEvaluator}), whose alarms it raises and clears in the alarms table and sends
 * to the notification channels. Which alarm each threshold holds raised is stored ({@link Thresholds#raised}), so a
 * restarted server neither raises it twice nor forgets to clear it; a pending condition starts over.
 *
 * <pre>
 * hosts --bulk stats--&gt; Sampler --rates--&gt; UsageBook --readings--&gt; ThresholdEvaluator --changes--&gt; Alarms, Notifier
 *                                              |--&gt; REST usage, /metrics (UsageMeters)
 * </pre>
 */
public final class Monitoring implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Monitoring.class);
    /** The kind of every alarm a threshold raises is this followed by its metric's key. */
    public static final String ALARM_KIND = "threshold.";
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    /** A reading older than this many intervals is stale: its host stopped answering. */
    private static final int FRESH_INTERVALS = 3;

    /** What monitoring reads and writes. */
    public record Wiring(Supplier<Room> room, Hypervisor hypervisor, Thresholds thresholds, Alarms alarms,
            Notifier notifier, Clock clock) {}

    private final Wiring wiring;
    private final Duration interval;
    private final UsageBook book = new UsageBook();
    private final Sampler sampler;
    private final Instant started;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("monitoring").daemon().factory());
    /** Guarded by this: the watches, and the alarm each firing one raised. */
    private Map<ThresholdEvaluator.Key, ThresholdWatch> watches = new HashMap<>();
    private final Map<ThresholdEvaluator.Key, Thresholds.Raised> raised = new HashMap<>();

    public Monitoring(Wiring wiring, Duration interval) {
        if (interval.toMillis() < 100) {
            throw new IllegalArgumentException("the sampling interval must be at least 100 ms, was " + interval);
        }
        this.wiring = wiring;
        this.interval = interval;
        this.sampler = new Sampler(wiring.hypervisor(), book);
        this.started = wiring.clock().instant();
        wiring.thresholds().raised().forEach((key, alarm) -> {
            raised.put(key, alarm);
            watches.put(key, ThresholdWatch.firing(alarm.at()));
        });
    }

    public void start() {
        loop.scheduleWithFixedDelay(this::roundQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The time of monitoring's clock, which its samples are stamped with. */
    public Instant now() {
        return wiring.clock().instant();
    }

    public Duration interval() {
        return interval;
    }

    public UsageBook usage() {
        return book;
    }

    public Thresholds thresholds() {
        return wiring.thresholds();
    }

    private void roundQuietly() {
        try {
            round();
        } catch (RuntimeException e) {
            LOG.warn("monitoring round failed: {}", e.toString());
        }
    }

    /** One round now, on the caller's thread: sample every host, then judge every threshold. */
    public void round() {
        Room room = wiring.room().get();
        Instant now = wiring.clock().instant();
        sampler.sample(room, now);
        evaluate(room, now);
    }

    private synchronized void evaluate(Room room, Instant now) {
        List<ThresholdRule> rules = wiring.thresholds().list();
        ThresholdEvaluator.Outcome outcome = ThresholdEvaluator.evaluate(room, rules, readings(room, now), watches, now);
        Map<ThresholdEvaluator.Key, ThresholdWatch> next = new HashMap<>(outcome.watches());
        for (ThresholdEvaluator.Change change : outcome.changes()) {
            ThresholdEvaluator.Key key = new ThresholdEvaluator.Key(change.rule().id(), change.subjectId());
            try {
                switch (change.effect()) {
                    case RAISE -> raise(key, change, now);
                    case CLEAR -> clear(key, change.message(), now);
                    case NONE -> { }
                }
            } catch (RuntimeException e) {
                // the store refused: judged again next round (a raise waits its duration again)
                LOG.error("threshold {} on {}: could not {} its alarm: {}", change.rule().name(), change.subjectId(),
                        change.effect().name().toLowerCase(java.util.Locale.ROOT), e.getMessage());
                next.remove(key);
            }
        }
        watches = next;
    }

    private void raise(ThresholdEvaluator.Key key, ThresholdEvaluator.Change change, Instant now) {
        Alarm alarm = wiring.alarms().raise(ALARM_KIND + change.rule().metric().key(), change.subjectId(),
                change.message(), now);
        Thresholds.Raised held = new Thresholds.Raised(alarm.id(), now);
        wiring.thresholds().markRaised(key, held);
        raised.put(key, held);
        LOG.info("alarm {} raised: {}", alarm.id(), change.message());
        wiring.notifier().notify(new Notifier.Notice("alarm.raised", change.subjectId(), change.message(), now));
    }

    private void clear(ThresholdEvaluator.Key key, String reason, Instant now) {
        Thresholds.Raised held = raised.get(key);
        if (held != null) {
            wiring.alarms().clear(held.alarmId(), reason, now);
            LOG.info("alarm {}: {}", held.alarmId(), reason);
        }
        wiring.thresholds().markCleared(key);
        raised.remove(key);
        wiring.notifier().notify(new Notifier.Notice("alarm.cleared", key.subjectId(), reason, now));
    }

    /** Stores a new threshold; it is judged from the next round on. */
    public synchronized void add(ThresholdRule rule) {
        wiring.thresholds().put(rule);
    }

    /** Removes a threshold, clearing the alarms it holds raised; false when there was none of that id. */
    public synchronized boolean remove(ThresholdRule rule, Instant now) {
        for (ThresholdEvaluator.Key key : List.copyOf(raised.keySet())) {
            if (key.ruleId().equals(rule.id())) {
                clear(key, "cleared: threshold " + rule.name() + " (" + rule.condition() + ") was removed", now);
            }
        }
        watches.keySet().removeIf(key -> key.ruleId().equals(rule.id()));
        return wiring.thresholds().remove(rule.id());
    }

    /** The latest reading of each metric, as thresholds see it: stale usage is no reading. */
    private Readings readings(Room room, Instant now) {
        Duration freshness = interval.multipliedBy(FRESH_INTERVALS);
        return (metric, id) -> switch (metric) {
            case HOST_CPU, VM_CPU -> percent(book.fresh(id, now, freshness).map(Usage::cpu));
            case HOST_MEMORY, VM_MEMORY -> percent(book.fresh(id, now, freshness).map(Usage::memoryShare));
            case VM_DISK_READ -> value(book.fresh(id, now, freshness).map(Usage::diskReadRate));
            case VM_DISK_WRITE -> value(book.fresh(id, now, freshness).map(Usage::diskWriteRate));
            case VM_NETWORK_RECEIVE -> value(book.fresh(id, now, freshness).map(Usage::networkReceiveRate));
            case VM_NETWORK_TRANSMIT -> value(book.fresh(id, now, freshness).map(Usage::networkTransmitRate));
            case VM_HEARTBEAT_AGE -> heartbeatAge(room, id, now);
            case DATASTORE_FREE -> room.datastore(id).filter(datastore -> datastore.capacityBytes() > 0)
                    .map(Monitoring::freePercent).map(OptionalDouble::of).orElse(OptionalDouble.empty());
        };
    }

    /** Seconds since a VM the inventory says runs last answered a sample (since monitoring started if never). */
    private OptionalDouble heartbeatAge(Room room, String vmId, Instant now) {
        Optional<Vm> vm = room.vm(vmId).filter(found -> found.state() == VmState.RUNNING);
        if (vm.isEmpty()) {
            return OptionalDouble.empty();
        }
        Instant seen = book.seen(vmId).orElse(started);
        return OptionalDouble.of(Duration.between(seen, now).toMillis() / 1000.0);
    }

    private static double freePercent(Datastore datastore) {
        return 100.0 * datastore.freeBytes() / datastore.capacityBytes();
    }

    private static OptionalDouble percent(Optional<Double> share) {
        return share.map(value -> OptionalDouble.of(value * 100)).orElse(OptionalDouble.empty());
    }

    private static OptionalDouble value(Optional<Double> value) {
        return value.map(OptionalDouble::of).orElse(OptionalDouble.empty());
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
