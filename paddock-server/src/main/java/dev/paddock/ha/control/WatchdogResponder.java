package dev.paddock.ha.control;

import dev.paddock.notification.Notifier;
import dev.paddock.audit.Oversight;
import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.HypervisorEvent.WatchdogFired;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import dev.paddock.model.Watchdog;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.OperationView;
import dev.paddock.operation.Operations;
import dev.paddock.operation.plan.Step;
import dev.paddock.store.InventoryStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HA's second level: a guest whose OS hung, told by its watchdog device. The hypervisor acts first (QEMU resets,
 * powers off or pauses the domain, as the device says); this class makes sure people hear of it and that the VM
 * comes back running, the way vSphere's VM monitoring and oVirt's watchdog do.
 *
 * <p>For every fire: an audit entry ({@code ha.watchdog.fired}), an alarm, a notification and a count by action.
 * Then, {@link Policy#settle} later, it looks at the domain: running (a reset did its work) is the end of it;
 * paused, stopped or crashed, it submits a {@code vm.watchdog-restart} operation (a paused guest is powered off
 * first: its OS is the one that hung). A VM whose watchdog fires more than {@link Policy#maxRestarts} times in
 * {@link Policy#window} is left as it is, with a {@code ha.watchdog.gave-up} alarm: a guest that hangs at every boot
 * is for a person to look at. Action {@code none} means "only tell me": Paddock reports the fire and does nothing.
 *
 * <p>One thread; hypervisor callbacks only enqueue. Only VMs in the inventory are restarted; a fire on a domain
 * Paddock does not know is reported and left alone. The memory of fires is not persisted: a restarted server
 * starts counting again.
 */
public final class WatchdogResponder implements AutoCloseable {

    static final String RESTART_KIND = "vm.watchdog-restart";
    private static final Logger LOG = LoggerFactory.getLogger(WatchdogResponder.class);

    /**
     * Paddock's policy above the device's action.
     *
     * @param maxRestarts fires in one window after which Paddock stops bringing the VM back
     * @param window the sliding window fires are counted in
     * @param settle how long after a fire the domain is looked at: time for the hypervisor's action to finish
     */
    public record Policy(int maxRestarts, Duration window, Duration settle) {
        /** vSphere's VM monitoring defaults: three resets in an hour. */
        public static final Policy DEFAULT = new Policy(3, Duration.ofHours(1), Duration.ofSeconds(10));

        public Policy {
            if (maxRestarts < 1) {
                throw new IllegalArgumentException("a watchdog policy allows at least one restart");
            }
            if (window.isNegative() || window.isZero() || settle.isNegative()) {
                throw new IllegalArgumentException("a watchdog window must be positive and a settle time not negative");
            }
        }
    }

    /** The parts the responder works with. */
    public record Wiring(InventoryStore store, Operations operations, Hypervisor hypervisor, Oversight oversight,
            Notifier notifier, HaMeters meters, Clock clock) {}

    private final Wiring wiring;
    private final Policy policy;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(
            runnable -> Thread.ofPlatform().name("ha-watchdog").daemon().unstarted(runnable));
    /** Recent fires per VM id, oldest first; touched only on the loop thread. */
    private final Map<String, Deque<Instant>> fires = new HashMap<>();
    private Hypervisor.Subscription subscription;

    public WatchdogResponder(Wiring wiring, Policy policy) {
        this.wiring = wiring;
        this.policy = policy;
    }

    public synchronized void start() {
        subscription = wiring.hypervisor().subscribe(event -> {
            if (event instanceof WatchdogFired fired) {
                loop.execute(() -> guarded(() -> fired(fired)));
            }
        });
    }

    private void fired(WatchdogFired fired) {
        Instant now = wiring.clock().instant();
        Optional<Vm> vm = wiring.store().vm(fired.uuid());
        String name = vm.map(Vm::name).orElse(fired.name());
        int recent = remember(fired.uuid(), now);
        String message = "The watchdog of VM " + name + " on host " + fired.hostId() + " fired: its guest OS stopped"
                + " feeding it. The hypervisor's action: " + fired.action().xmlName() + " (fire " + recent
                + " in " + policy.window() + ").";
        LOG.warn("watchdog fired: vm {} ({}) on host {}, action {}, fire {} in the window", name, fired.uuid(),
                fired.hostId(), fired.action().xmlName(), recent);
        report("ha.watchdog.fired", fired.uuid(), message, now);
        // Counted after the report: a reader that sees the count finds the audit entry and the alarm too.
        wiring.meters().watchdogFired(fired.action().xmlName());
        if (fired.action() == Watchdog.Action.NONE) {
            return;
        }
        if (vm.isEmpty()) {
            audit("ha.watchdog.ignored", fired.uuid(), "Domain " + fired.name() + " is not in the inventory: Paddock"
                    + " leaves it to the hypervisor's action.", now);
            return;
        }
        if (recent > policy.maxRestarts()) {
            report("ha.watchdog.gave-up", fired.uuid(), "VM " + name + " hung " + recent + " times in "
                    + policy.window() + ": Paddock no longer brings it back; look at the guest.", now);
            wiring.meters().watchdogOutcome("gave-up");
            return;
        }
        loop.schedule(() -> guarded(() -> settle(fired, name)), policy.settle().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Once the hypervisor's action is done: running is the end of it; anything else is started again. */
    private void settle(WatchdogFired fired, String name) {
        Instant now = wiring.clock().instant();
        Optional<DomainInfo> domain;
        try {
            domain = wiring.hypervisor().domain(fired.hostId(), fired.uuid());
        } catch (HypervisorException e) {
            // The host itself is in trouble: that is the first level's (HaController's) to handle.
            audit("ha.watchdog.unchecked", fired.uuid(), "Cannot see VM " + name + " on host " + fired.hostId()
                    + " after its watchdog fired: " + e.getMessage(), now);
            wiring.meters().watchdogOutcome("unchecked");
            return;
        }
        VmState state = domain.map(DomainInfo::state).orElse(VmState.UNKNOWN);
        if (state == VmState.RUNNING) {
            audit("ha.watchdog.running", fired.uuid(), "VM " + name + " runs again after the watchdog's "
                    + fired.action().xmlName() + ".", now);
            wiring.meters().watchdogOutcome("running");
            return;
        }
        if (domain.isEmpty()) {
            audit("ha.watchdog.gone", fired.uuid(), "VM " + name + " is no longer on host " + fired.hostId()
                    + ": nothing to restart there.", now);
            wiring.meters().watchdogOutcome("gone");
            return;
        }
        OperationView operation = wiring.operations().submit(restart(fired, state));
        LOG.info("watchdog: restarting vm {} ({}) on host {} from {}, operation {}", name, fired.uuid(),
                fired.hostId(), state, operation.id());
        report("ha.watchdog.restart", fired.uuid(), "VM " + name + " was " + state.name().toLowerCase()
                + " after its watchdog fired: Paddock restarts it on host " + fired.hostId() + " (operation "
                + operation.id() + ").", now);
        wiring.meters().watchdogOutcome("restarted");
    }

    /** A paused guest is the hung OS kept in memory: power it off before starting a fresh one. */
    static OperationPlan restart(WatchdogFired fired, VmState state) {
        List<Step> steps = state == VmState.PAUSED
                ? List.of(new Step.DestroyVm(fired.hostId(), fired.uuid()), new Step.StartVm(fired.hostId(), fired.uuid()))
                : List.of(new Step.StartVm(fired.hostId(), fired.uuid()));
        return new OperationPlan(RESTART_KIND, fired.uuid(), HaController.ACTOR, steps);
    }

    /** Counts this fire with the earlier ones still inside the window; returns how many that is. */
    private int remember(String vmId, Instant now) {
        Deque<Instant> recent = fires.computeIfAbsent(vmId, id -> new ArrayDeque<>());
        recent.addLast(now);
        while (!recent.isEmpty() && !recent.peekFirst().isAfter(now.minus(policy.window()))) {
            recent.removeFirst();
        }
        return recent.size();
    }

    /** Audit entry, alarm and notification: what people act on. */
    private void report(String kind, String vmId, String message, Instant now) {
        audit(kind, vmId, message, now);
        wiring.oversight().alarms().raise(kind, vmId, message, now);
        wiring.notifier().notify(new Notifier.Notice(kind, vmId, message, now));
    }

    private void audit(String action, String vmId, String detail, Instant now) {
        wiring.oversight().audit().append(HaController.ACTOR, action, vmId, detail, now);
    }

    private static void guarded(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            // One failed response must not end the loop for the next VM.
            LOG.warn("watchdog response failed: {}", e.toString());
        }
    }

    @Override
    public synchronized void close() {
        if (subscription != null) {
            subscription.close();
        }
        loop.shutdownNow();
    }
}
