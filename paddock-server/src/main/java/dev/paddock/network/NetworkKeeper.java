package dev.paddock.network;

import dev.paddock.audit.Alarm;
import dev.paddock.audit.Alarms;
import dev.paddock.model.Network;
import dev.paddock.model.Room;
import dev.paddock.operation.OperationView;
import dev.paddock.operation.Operations;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each network laid alike on all its hosts: a host found laying it otherwise ({@link Network#drift}: another
 * switch, bridge or VLAN, changed behind Paddock's back) gets it laid anew as its other hosts agree, as an operation
 * of its own ({@link NetworkRepair}), unless a VM runs there on it; then an alarm {@value #ALARM} says which and
 * stays until the hosts agree again (a repair through the API once the VM is stopped or moved, or the host put right).
 */
public final class NetworkKeeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NetworkKeeper.class);
    public static final String ALARM = "network.drift";
    /** Who the repairs it submits are by. */
    public static final String OWNER = "paddock";
    public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(30);

    /** What it reads and writes. */
    public record Wiring(Supplier<Room> room, Operations operations, Alarms alarms, Clock clock) {}

    private final Wiring wiring;
    private final Duration period;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("network-keeper").daemon().factory());
    /** By network id, the alarm raised for its drift; touched by {@link #round} only. */
    private final Map<String, String> raised = new HashMap<>();

    public NetworkKeeper(Wiring wiring, Duration period) {
        this.wiring = wiring;
        this.period = period;
    }

    public void start() {
        loop.scheduleWithFixedDelay(this::roundQuietly, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void roundQuietly() {
        try {
            round();
        } catch (RuntimeException e) {
            LOG.warn("network round failed: {}", e.toString());
        }
    }

    /** One round now, on the caller's thread. */
    public synchronized void round() {
        Room room = wiring.room().get();
        Set<String> repairing = new HashSet<>();
        wiring.operations().unfinishedPlans().values().stream().filter(plan -> plan.kind().equals(NetworkRepair.KIND))
                .forEach(plan -> repairing.add(plan.target()));
        Set<String> drifted = new HashSet<>();
        for (Network network : room.networks()) {
            if (room.networkDrift(network.id()).isEmpty()) {
                continue;
            }
            drifted.add(network.id());
            if (repairing.contains(network.id())) {
                continue;
            }
            switch (NetworkRepair.of(network, room, OWNER)) {
                case NetworkRepair.Agreed ignored -> drifted.remove(network.id());
                case NetworkRepair.Blocked blocked -> {
                    if (!raised.containsKey(network.id())) {
                        Alarm alarm = wiring.alarms().raise(ALARM, network.id(), "Network '" + network.name()
                                + "' is laid otherwise on some of its hosts and cannot be laid anew now: "
                                + String.join(" ", blocked.reasons()), wiring.clock().instant());
                        raised.put(network.id(), alarm.id());
                    }
                }
                case NetworkRepair.Repair repair -> {
                    OperationView view = wiring.operations().submit(repair.plan());
                    LOG.warn("network {}: hosts {} lay it otherwise than {}; laying it anew there (operation {})",
                            network.name(), repair.hostNames(), repair.agreed(), view.id());
                }
            }
        }
        raised.entrySet().removeIf(entry -> {
            if (drifted.contains(entry.getKey())) {
                return false;
            }
            wiring.alarms().clear(entry.getValue(), "its hosts agree again", wiring.clock().instant());
            return true;
        });
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
