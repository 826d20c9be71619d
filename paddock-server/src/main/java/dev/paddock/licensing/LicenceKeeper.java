package dev.paddock.licensing;

import dev.paddock.model.Licence;
import dev.paddock.model.Licensing;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.store.InventoryStore;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records where the VMs' licences are bound ({@link LicenceBindings}): each round, and soon after an operation ends (a
 * VM started, migrated or restarted elsewhere), so that a licence's relocation rule counts from the move itself.
 * Bindings of VMs or licences that are gone are forgotten.
 */
public final class LicenceKeeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LicenceKeeper.class);
    public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(15);

    private final InventoryStore store;
    private final Clock clock;
    private final Duration period;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("licence-keeper").daemon().factory());
    private final AtomicBoolean roundDue = new AtomicBoolean();

    public LicenceKeeper(InventoryStore store, Clock clock, Duration period) {
        this.store = store;
        this.clock = clock;
        this.period = period;
    }

    public void start() {
        loop.scheduleWithFixedDelay(this::roundQuietly, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Asks for a round soon: an operation ended, and a VM may run elsewhere now. */
    public void operationEnded() {
        if (roundDue.compareAndSet(false, true)) {
            loop.schedule(this::roundQuietly, 200, TimeUnit.MILLISECONDS);
        }
    }

    private void roundQuietly() {
        try {
            round();
        } catch (RuntimeException e) {
            LOG.warn("licence round failed: {}", e.toString());
        }
    }

    /** One round now, on the caller's thread. */
    public synchronized void round() {
        roundDue.set(false);
        Room room = store.room();
        for (Licensing.Binding binding : LicenceBindings.changes(room, clock.instant())) {
            store.put(binding);
            LOG.info("licence {} of VM {} bound to host {}", binding.licence(), room.vm(binding.vmId())
                    .map(Vm::name).orElse(binding.vmId()), room.host(binding.hostId()).map(h -> h.name())
                    .orElse(binding.hostId()));
        }
        Set<String> vms = new HashSet<>();
        room.vms().forEach(vm -> vms.add(vm.id()));
        Set<String> licences = new HashSet<>();
        room.licensing().licences().values().stream().map(Licence::name).forEach(licences::add);
        store.forgetBindings(vms, licences);
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
