package dev.paddock.network;

import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.HypervisorEvent;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.PortGuard;
import dev.paddock.model.Nic;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the hosts' switches as the room's records say, since what a switch holds for a VM's port goes with the port:
 * a VM that starts, restarts or migrates gets a new port, and a host whose switch restarts forgets it all. Each round
 * (every {@code period}, and soon after a VM starts, resumes or arrives by migration) it
 * <ul>
 *   <li>gives every Open vSwitch switch of a connected host the port guards {@link PortGuards#plan} reads from the
 *       room: anti-spoofing, isolation;</li>
 *   <li>mirrors again each running VM's NIC whose record keeps a mirror its switch no longer has.</li>
 * </ul>
 * Changes are logged; a switch that cannot be reached is logged once until its answer changes.
 */
public final class SwitchKeeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SwitchKeeper.class);
    public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(15);
    /** How soon after a VM's port appears its guards follow. */
    private static final Duration AFTER_EVENT = Duration.ofMillis(500);

    private final Supplier<Room> room;
    private final Hypervisor hypervisor;
    private final Duration period;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("switch-keeper").daemon().factory());
    private final AtomicBoolean roundDue = new AtomicBoolean();
    /** By switch, the last failure logged; touched on the loop's thread only. */
    private final Map<String, String> failing = new HashMap<>();
    private Hypervisor.Subscription subscription;

    public SwitchKeeper(Supplier<Room> room, Hypervisor hypervisor, Duration period) {
        this.room = room;
        this.hypervisor = hypervisor;
        this.period = period;
    }

    public void start() {
        subscription = hypervisor.subscribe(this::onEvent);
        loop.scheduleWithFixedDelay(this::roundQuietly, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void onEvent(HypervisorEvent event) {
        if (event instanceof HypervisorEvent.DomainEvent domain && switch (domain.kind()) {
            case STARTED, RESUMED, MIGRATED_IN -> true;
            default -> false;
        } && roundDue.compareAndSet(false, true)) {
            loop.schedule(this::roundQuietly, AFTER_EVENT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void roundQuietly() {
        try {
            round();
        } catch (RuntimeException e) {
            LOG.warn("switch round failed: {}", e.toString());
        }
    }

    /** One round now, on the caller's thread. */
    public synchronized void round() {
        roundDue.set(false);
        Room now = room.get();
        PortGuards.plan(now).forEach((where, guards) -> guard(where, guards));
        for (Vm vm : now.vms()) {
            if (vm.hostId().isPresent() && vm.state() == VmState.RUNNING) {
                vm.nics().stream().filter(nic -> nic.mirror().isPresent())
                        .forEach(nic -> mirror(vm, vm.hostId().get(), nic));
            }
        }
    }

    private void guard(PortGuards.SwitchOf where, List<PortGuard> guards) {
        if (!hypervisor.isConnected(where.hostId())) {
            return;
        }
        String key = where.hostId() + "/" + where.switchName();
        try {
            int changed = hypervisor.guardSwitch(where.hostId(), where.switchName(), guards);
            if (failing.remove(key) != null) {
                LOG.info("switch {} of host {} answers again", where.switchName(), where.hostId());
            }
            if (changed > 0) {
                LOG.info("switch {} of host {}: {} rules changed, {} ports guarded", where.switchName(),
                        where.hostId(), changed, guards.size());
            }
        } catch (HypervisorException e) {
            if (!e.getMessage().equals(failing.put(key, e.getMessage()))) {
                LOG.warn("switch {} of host {} keeps no guards: {}", where.switchName(), where.hostId(),
                        e.getMessage());
            }
        }
    }

    private void mirror(Vm vm, String hostId, Nic nic) {
        if (!hypervisor.isConnected(hostId)) {
            return;
        }
        String key = vm.id() + "/" + nic.mac();
        try {
            Optional<Nic.Mirror> held = hypervisor.nicMirror(hostId, vm.id(), nic.mac());
            if (!held.equals(nic.mirror())) {
                hypervisor.mirrorNic(hostId, vm.id(), nic.mac(), nic.mirror());
                LOG.info("VM {}: NIC {} mirrored to port {} again", vm.name(), nic.mac(), nic.mirror().get().port());
            }
            failing.remove(key);
        } catch (HypervisorException e) {
            if (!e.getMessage().equals(failing.put(key, e.getMessage()))) {
                LOG.warn("VM {}: NIC {} is not mirrored as its record says: {}", vm.name(), nic.mac(), e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        loop.shutdownNow();
        if (subscription != null) {
            subscription.close();
        }
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
