package dev.paddock.inventory;

import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.HypervisorEvent;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.model.Host;
import dev.paddock.model.HostState;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import dev.paddock.store.InventoryStore;
import dev.paddock.store.Page;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the inventory equal to what the hypervisors report: a reconcile loop fed by events, with a
 * periodic full resync as the safety net for anything an event did not say.
 *
 * <p>Everything runs on one thread: hypervisor callbacks only mark a host dirty (they must never block),
 * and the loop drains dirty hosts shortly after. One thread means no two reconciliations of a host can
 * interleave, and a burst of events on a host costs one listing of its domains.
 */
public final class InventoryController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InventoryController.class);
    private static final int PAGE = 5_000;

    private final InventoryStore store;
    private final Hypervisor hypervisor;
    private final Duration resyncPeriod;
    private final Consumer<InventoryChange> listener;
    private final ScheduledExecutorService loop;
    private final Set<String> dirtyHosts = new LinkedHashSet<>();
    private final CountDownLatch firstResync = new CountDownLatch(1);
    private Hypervisor.Subscription subscription;

    /**
     * @param listener told of every change applied (for alarms, audit and metrics); called on the loop
     *     thread, so it must be quick
     */
    public InventoryController(InventoryStore store, Hypervisor hypervisor, Duration resyncPeriod,
            Consumer<InventoryChange> listener) {
        this.store = store;
        this.hypervisor = hypervisor;
        this.resyncPeriod = resyncPeriod;
        this.listener = listener;
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "inventory-controller");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Subscribes to events, attaches every stored host, runs a first full resync, then resyncs periodically. */
    public void start() {
        subscription = hypervisor.subscribe(this::onEvent);
        loop.execute(() -> {
            try {
                resyncAllQuietly();
            } finally {
                firstResync.countDown();
            }
        });
        long periodMs = resyncPeriod.toMillis();
        loop.scheduleWithFixedDelay(this::resyncAllQuietly, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Waits until the first full resync after {@link #start} has attached every stored host (or found it
     * unreachable): an operation resumed before that would find its host not attached. False on timeout.
     */
    public boolean awaitFirstResync(Duration timeout) throws InterruptedException {
        return firstResync.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void onEvent(HypervisorEvent event) {
        loop.execute(() -> handle(event));
    }

    private void handle(HypervisorEvent event) {
        switch (event) {
            case HypervisorEvent.HostEvent hostEvent -> {
                switch (hostEvent.kind()) {
                    case CONNECTED -> markDirty(hostEvent.hostId());
                    case DISCONNECTED -> store.host(hostEvent.hostId()).ifPresent(this::markDisconnected);
                }
            }
            case HypervisorEvent.DomainEvent domainEvent -> markDirty(domainEvent.hostId());
        }
    }

    private void markDirty(String hostId) {
        if (dirtyHosts.add(hostId) && dirtyHosts.size() == 1) {
            loop.execute(this::drainDirty);
        }
    }

    private void drainDirty() {
        List<String> hosts = new ArrayList<>(dirtyHosts);
        dirtyHosts.clear();
        for (String hostId : hosts) {
            store.host(hostId).ifPresent(host -> {
                try {
                    resyncHost(host);
                } catch (RuntimeException e) {
                    LOG.warn("resync of host {} failed: {}", host.name(), e.getMessage());
                }
            });
        }
    }

    private void resyncAllQuietly() {
        try {
            resyncAll();
        } catch (RuntimeException e) {
            LOG.warn("full resync failed: {}", e.getMessage());
        }
    }

    /** What one full resync found and did. */
    public record ResyncReport(int hosts, int hostsUnreachable, int vms, int changes, Duration took) {}

    /**
     * Compares every stored host with what it reports and corrects the inventory. Runs on the caller's
     * thread; public for tests and benchmarks, which call it while the loop is not started.
     */
    public ResyncReport resyncAll() {
        long started = System.nanoTime();
        Map<String, List<Vm>> byHost = new HashMap<>();
        Map<String, Vm> byId = new HashMap<>();
        Set<String> names = new HashSet<>();
        for (int offset = 0; ; offset += PAGE) {
            Page<Vm> page = store.vms(offset, PAGE);
            for (Vm vm : page.items()) {
                byId.put(vm.id(), vm);
                names.add(vm.clusterId() + '/' + vm.name());
                vm.hostId().ifPresent(h -> byHost.computeIfAbsent(h, k -> new ArrayList<>()).add(vm));
            }
            if (page.items().size() < PAGE) {
                break;
            }
        }
        int unreachable = 0;
        int changes = 0;
        List<Host> hosts = store.hosts();
        for (Host host : hosts) {
            Optional<List<DomainInfo>> reported = report(host);
            if (reported.isEmpty()) {
                unreachable++;
                continue;
            }
            // A domain unknown to the snapshot may be a VM created since: ask the store before calling it rogue.
            List<InventoryChange> found = InventoryReconciler.reconcile(host, reported.get(),
                    byHost.getOrDefault(host.id(), List.of()),
                    id -> Optional.ofNullable(byId.get(id)).or(() -> store.vm(id)),
                    name -> names.contains(host.clusterId() + '/' + name));
            apply(found);
            for (InventoryChange change : found) {
                byId.put(change.vm().id(), change.vm());
                names.add(change.vm().clusterId() + '/' + change.vm().name());
            }
            changes += found.size();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        if (changes > 0 || unreachable > 0) {
            LOG.info("resync: {} hosts ({} unreachable), {} VMs, {} changes in {} ms",
                    hosts.size(), unreachable, byId.size(), changes, took.toMillis());
        }
        return new ResyncReport(hosts.size(), unreachable, byId.size(), changes, took);
    }

    /**
     * Compares one host with what it reports and corrects the inventory. The host's VMs are read before its
     * domains are listed: a VM deleted in between is then an update that {@link #apply} skips, not an unknown
     * domain recorded as a rogue VM.
     */
    public List<InventoryChange> resyncHost(Host host) {
        List<Vm> onHost = store.vmsOnHost(host.id());
        Optional<List<DomainInfo>> reported = report(host);
        if (reported.isEmpty()) {
            return List.of();
        }
        List<InventoryChange> found = InventoryReconciler.reconcile(host, reported.get(), onHost,
                store::vm, name -> store.vmByName(host.clusterId(), name).isPresent());
        apply(found);
        return found;
    }

    /** The host's domains, attaching it first if needed; empty (and the host marked) when it cannot answer. */
    private Optional<List<DomainInfo>> report(Host host) {
        try {
            if (!hypervisor.isConnected(host.id())) {
                hypervisor.attach(host.id(), host.uri());
            }
            List<DomainInfo> domains = hypervisor.domains(host.id());
            if (host.state() == HostState.DISCONNECTED) {
                store.put(host.withState(HostState.CONNECTED));
                LOG.info("host {} connected again", host.name());
            }
            return Optional.of(domains);
        } catch (HypervisorException e) {
            markDisconnected(host);
            LOG.debug("host {} did not answer: {}", host.name(), e.getMessage());
            return Optional.empty();
        }
    }

    private void markDisconnected(Host host) {
        if (host.state() == HostState.CONNECTED || host.state() == HostState.MAINTENANCE) {
            store.put(host.withState(HostState.DISCONNECTED));
            LOG.warn("host {} disconnected: its VMs are now of unknown state", host.name());
        }
        List<Vm> unknown = new ArrayList<>();
        for (Vm vm : store.vmsOnHost(host.id())) {
            if (vm.state() != VmState.UNKNOWN) {
                unknown.add(vm.withState(VmState.UNKNOWN));
            }
        }
        if (!unknown.isEmpty()) {
            store.updateExisting(unknown);
        }
    }

    /**
     * Updates go through {@link InventoryStore#updateExisting}: the listing they come from may predate a delete
     * operation's ForgetVm, and an upsert would bring the deleted VM back. Only unregistered VMs are inserted.
     */
    private void apply(List<InventoryChange> changes) {
        List<Vm> updates = new ArrayList<>();
        List<Vm> inserts = new ArrayList<>();
        for (InventoryChange change : changes) {
            switch (change) {
                case InventoryChange.Update update -> updates.add(update.vm());
                case InventoryChange.Unregistered rogue -> {
                    inserts.add(rogue.vm());
                    LOG.warn("unregistered VM {} ({}) found on host {}", rogue.vm().name(), rogue.vm().id(),
                            rogue.vm().hostId().orElse("?"));
                }
                case InventoryChange.Forget forget -> store.deleteVm(forget.vm().id());
            }
        }
        if (!updates.isEmpty()) {
            store.updateExisting(updates);
        }
        if (!inserts.isEmpty()) {
            store.putAll(inserts);
        }
        changes.forEach(listener);
    }

    @Override
    public void close() {
        if (subscription != null) {
            subscription.close();
        }
        loop.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
