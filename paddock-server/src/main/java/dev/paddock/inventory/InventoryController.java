package dev.paddock.inventory;

import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.hypervisor.HostNetwork;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.HypervisorEvent;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.model.Datastore;
import dev.paddock.model.Host;
import dev.paddock.model.HostCpu;
import dev.paddock.model.HostState;
import dev.paddock.model.Network;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import dev.paddock.storage.DatastoreDiscovery;
import dev.paddock.storage.LibnfsExports;
import dev.paddock.storage.NfsExports;
import dev.paddock.store.DuplicateNameException;
import dev.paddock.store.InventoryStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the inventory equal to what the hypervisors report: a reconcile loop fed by events, with a
 * periodic full resync as the safety net for anything an event did not say.
 *
 * <p>The full resync also reads every answering host's storage pools and libvirt networks and records them as
 * datastores and networks. Between resyncs, a pool or network event re-reads only its host's pools or networks:
 * a pool started, stopped, built, deleted or refreshed, a network defined, started, stopped or undefined, shows at
 * once. The resync stays the safety net: space used grows as volumes fill without any event (libvirt tells of a
 * pool's sizes only when someone refreshes it), and an event lost with a connection is not sent again.
 *
 * <p>Everything runs on one thread: hypervisor callbacks only mark a host dirty (they must never block),
 * and the loop drains dirty hosts shortly after. One thread means no two reconciliations of a host can
 * interleave, and a burst of events on a host costs one listing of its domains.
 *
 * <p>It also keeps a host in maintenance out of placement: a host that answers is CONNECTED, or MAINTENANCE while
 * an operator has it in maintenance (HA's {@code ha_maintenance}, handed over as a supplier), including when it
 * reconnects.
 */
public final class InventoryController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InventoryController.class);

    private final InventoryStore store;
    private final Hypervisor hypervisor;
    private final Duration resyncPeriod;
    private final Consumer<InventoryChange> listener;
    private final Supplier<Set<String>> maintenance;
    private final NfsExports nfs;
    private final ScheduledExecutorService loop;
    private final Set<String> dirtyHosts = new LinkedHashSet<>();
    /** Hosts whose storage pools, or whose networks, changed since they were last read. */
    private final Set<String> poolsChanged = new LinkedHashSet<>();
    private final Set<String> networksChanged = new LinkedHashSet<>();
    private final CountDownLatch firstResync = new CountDownLatch(1);
    private Hypervisor.Subscription subscription;

    /**
     * @param listener told of every change applied (for alarms, audit and metrics); called on the loop
     *     thread, so it must be quick
     */
    public InventoryController(InventoryStore store, Hypervisor hypervisor, Duration resyncPeriod,
            Consumer<InventoryChange> listener) {
        this(store, hypervisor, resyncPeriod, listener, Set::of);
    }

    /**
     * @param listener told of every change applied (for alarms, audit and metrics); called on the loop
     *     thread, so it must be quick
     * @param maintenance the ids of the hosts in maintenance
     */
    public InventoryController(InventoryStore store, Hypervisor hypervisor, Duration resyncPeriod,
            Consumer<InventoryChange> listener, Supplier<Set<String>> maintenance) {
        this(store, hypervisor, resyncPeriod, listener, maintenance, new LibnfsExports());
    }

    /** As above, {@code nfs} reaching the exports of NFS datastores no host mounts, to read their sizes. */
    public InventoryController(InventoryStore store, Hypervisor hypervisor, Duration resyncPeriod,
            Consumer<InventoryChange> listener, Supplier<Set<String>> maintenance, NfsExports nfs) {
        this.nfs = nfs;
        this.store = store;
        this.hypervisor = hypervisor;
        this.resyncPeriod = resyncPeriod;
        this.listener = listener;
        this.maintenance = maintenance;
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
                    case CONNECTED -> {
                        // a host just added, or back: its pools and networks may have changed while no event could
                        // come, and are not read again before the next resync otherwise
                        markDirty(hostEvent.hostId());
                        readSoon(poolsChanged, hostEvent.hostId(), this::readPools);
                        readSoon(networksChanged, hostEvent.hostId(), this::readNetworks);
                    }
                    case DISCONNECTED -> store.host(hostEvent.hostId()).ifPresent(this::markDisconnected);
                }
            }
            case HypervisorEvent.DomainEvent domainEvent -> markDirty(domainEvent.hostId());
            case HypervisorEvent.PoolEvent pool -> readSoon(poolsChanged, pool.hostId(), this::readPools);
            case HypervisorEvent.NetworkEvent network ->
                    readSoon(networksChanged, network.hostId(), this::readNetworks);
            // A reset leaves the domain running; an action that changes its state sends a lifecycle event too.
            case HypervisorEvent.WatchdogFired fired -> { }
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

    /**
     * Reads what changed on the host once the events already queued are handled: a pool defined, built and started
     * is one reading, not three.
     */
    private void readSoon(Set<String> pending, String hostId, Consumer<List<Host>> read) {
        if (pending.add(hostId) && pending.size() == 1) {
            loop.execute(() -> {
                List<Host> hosts = pending.stream().flatMap(id -> store.host(id).stream())
                        .filter(host -> hypervisor.isConnected(host.id())).toList();
                pending.clear();
                try {
                    read.accept(hosts);
                } catch (RuntimeException e) {
                    LOG.warn("reading the pools or networks of {} failed: {}", names(hosts), e.getMessage());
                }
            });
        }
    }

    /** Records the pools of {@code hosts} as datastores, and their disk capacity, after a storage pool event. */
    private void readPools(List<Host> hosts) {
        int written = recordPools(hosts);
        if (written > 0) {
            LOG.info("storage pool events on {}: {} datastores changed", names(hosts), written);
        }
    }

    /** Records the networks of {@code hosts} after a network event; the other hosts keep what they carry. */
    private void readNetworks(List<Host> hosts) {
        Map<String, List<HostNetwork>> networks = new LinkedHashMap<>();
        hosts.forEach(host -> networksOf(host).ifPresent(found -> networks.put(host.id(), found)));
        int changed = recordNetworks(store.hosts(), networks);
        if (changed > 0) {
            LOG.info("network events on {}: {} networks changed", names(hosts), changed);
        }
    }

    private static List<String> names(List<Host> hosts) {
        return hosts.stream().map(Host::name).toList();
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
     *
     * <p>Host by host: one listing of the host's domains against one indexed read of the VMs the store
     * places there. The whole inventory is never held at once, so a resync costs memory per host, not
     * per room.
     */
    public ResyncReport resyncAll() {
        long started = System.nanoTime();
        int unreachable = 0;
        int changes = 0;
        int reportedVms = 0;
        List<Host> hosts = store.hosts();
        Map<String, List<HostNetwork>> networks = new LinkedHashMap<>();
        Set<String> maintained = maintenance.get();
        List<Host> answered = new ArrayList<>();
        for (Host host : hosts) {
            Optional<HostResync> resync = resync(host, maintained);
            if (resync.isEmpty()) {
                unreachable++;
                continue;
            }
            answered.add(host);
            reportedVms += resync.get().reported();
            changes += resync.get().changes().size();
            networksOf(host).ifPresent(found -> networks.put(host.id(), found));
        }
        changes += recordNetworks(hosts, networks);
        changes += discoverDatastores(answered);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        if (changes > 0 || unreachable > 0) {
            LOG.info("resync: {} hosts ({} unreachable), {} VMs reported, {} changes in {} ms",
                    hosts.size(), unreachable, reportedVms, changes, took.toMillis());
        }
        return new ResyncReport(hosts.size(), unreachable, reportedVms, changes, took);
    }

    /**
     * Reads every connected host's storage pools again on the loop thread, soon, without a full resync: for a
     * datastore just created, whose hosts and sizes would otherwise wait for the next one.
     */
    public void refreshDatastores() {
        loop.execute(() -> {
            try {
                discoverDatastores(store.hosts().stream().filter(host -> hypervisor.isConnected(host.id())).toList());
            } catch (RuntimeException e) {
                LOG.warn("datastore refresh failed: {}", e.getMessage());
            }
        });
    }

    /**
     * Records the storage pools of the hosts that answered as datastores, and measures the NFS datastores no host
     * mounts. Returns how many datastores were written.
     */
    private int discoverDatastores(List<Host> answered) {
        List<Datastore> recorded = store.datastores();
        return recordPools(answered) + measureNfsDatastores(recorded);
    }

    /**
     * Records the storage pools of {@code answered} as datastores ({@link DatastoreDiscovery}), the other hosts' places
     * in them kept, and each listed host's disk capacity. Returns how many datastores were written.
     */
    private int recordPools(List<Host> answered) {
        Map<String, String> siteOfCluster = new HashMap<>();
        store.clusters().forEach(cluster -> siteOfCluster.put(cluster.id(), cluster.siteId()));
        // the records are read before the pools: a datastore whose operation rolls back undefines its pools before it
        // deletes its record, so a record read first and gone by the write is only updated (nothing), never put back
        List<Datastore> recorded = store.datastores();
        List<DatastoreDiscovery.HostPools> pools = new ArrayList<>();
        for (Host host : answered) {
            String siteId = siteOfCluster.get(host.clusterId());
            if (siteId == null) {
                continue;
            }
            try {
                pools.add(new DatastoreDiscovery.HostPools(host.id(), siteId, hypervisor.pools(host.id())));
                recordDisk(host);
            } catch (HypervisorException e) {
                LOG.debug("host {} did not list its storage pools: {}", host.name(), e.getMessage());
            }
        }
        Set<String> known = new HashSet<>();
        recorded.forEach(datastore -> known.add(datastore.id()));
        List<Datastore> writes = DatastoreDiscovery.discover(pools, recorded);
        int written = 0;
        for (Datastore datastore : writes) {
            try {
                if (known.contains(datastore.id())) {
                    if (!store.updateObserved(datastore)) {
                        continue;
                    }
                } else {
                    store.put(datastore);
                }
                written++;
                LOG.info("datastore {} ({} {}): hosts {}, {} of {} bytes free", datastore.name(), datastore.type(),
                        datastore.source(), datastore.hostIds(), datastore.freeBytes(), datastore.capacityBytes());
            } catch (DuplicateNameException e) {
                LOG.warn("datastore {} not recorded: {}", datastore.name(), e.getMessage());
            }
        }
        return written;
    }

    /**
     * Records the disk capacity the host reports now, once its pools were listed: libvirt's is what its started pools
     * hold ({@link dev.paddock.storage.HostStorage}), which changes as pools come and go (their events) and fill (no
     * event).
     */
    private void recordDisk(Host listed) {
        long disk = hypervisor.facts(listed.id()).capacity().diskGib();
        store.host(listed.id()).filter(host -> host.capacity().diskGib() != disk).ifPresent(host -> {
            Resources c = host.capacity();
            store.put(host.withCapacity(Resources.of(c.cpuMillicores(), c.memoryMib(), disk, c.networkMbps())));
            LOG.info("host {} has {} GiB in its started storage pools", host.name(), disk);
        });
    }

    /**
     * Reads the sizes of every NFS datastore no host mounts from its server, as libvirt's pools report theirs: no
     * host knows them. An export that does not answer keeps its last sizes.
     */
    private int measureNfsDatastores(List<Datastore> recorded) {
        int written = 0;
        for (Datastore datastore : recorded) {
            if (datastore.nfsExport().isEmpty()) {
                continue;
            }
            try {
                NfsExports.Usage usage = nfs.usage(datastore.nfsExport().get());
                Datastore measured = datastore.withSizes(usage.capacityBytes(), usage.freeBytes());
                if (!measured.equals(datastore) && store.updateObserved(measured)) {
                    written++;
                }
            } catch (NfsExports.NfsException e) {
                LOG.warn("datastore {}: {}", datastore.name(), e.getMessage());
            }
        }
        return written;
    }

    /**
     * Compares one host with what it reports and corrects the inventory. The host's VMs are read before its
     * domains are listed: a VM deleted in between is then an update that {@link #apply} skips, not an unknown
     * domain recorded as a rogue VM.
     */
    public List<InventoryChange> resyncHost(Host host) {
        return resync(host, maintenance.get()).map(HostResync::changes).orElse(List.of());
    }

    private record HostResync(int reported, List<InventoryChange> changes) {}

    /** Empty when the host cannot answer. */
    private Optional<HostResync> resync(Host host, Set<String> maintained) {
        List<Vm> onHost = store.vmsOnHost(host.id());
        Optional<List<DomainInfo>> reported = report(host, maintained.contains(host.id()));
        if (reported.isEmpty()) {
            return Optional.empty();
        }
        List<InventoryChange> found = InventoryReconciler.reconcile(host, reported.get(), onHost,
                store::vm, name -> store.vmByName(host.clusterId(), name).isPresent());
        apply(found);
        return Optional.of(new HostResync(reported.get().size(), found));
    }

    /**
     * The host's domains, attaching it first if needed; empty (and the host marked) when it cannot answer. A host
     * that answers is CONNECTED, or MAINTENANCE when {@code inMaintenance}.
     */
    private Optional<List<DomainInfo>> report(Host host, boolean inMaintenance) {
        try {
            Host known = host;
            if (!hypervisor.isConnected(host.id())) {
                known = withCpu(host, hypervisor.attach(host.id(), host.uri()).cpu());
            }
            List<DomainInfo> domains = hypervisor.domains(host.id());
            HostState answering = inMaintenance ? HostState.MAINTENANCE : HostState.CONNECTED;
            if (host.state() == HostState.DISCONNECTED) {
                store.put(known.withState(answering));
                LOG.info("host {} connected again", host.name());
            } else {
                if (!known.equals(host)) {
                    store.put(known);
                }
                keepMaintenance(known, inMaintenance);
            }
            return Optional.of(domains);
        } catch (HypervisorException e) {
            markDisconnected(host);
            LOG.debug("host {} did not answer: {}", host.name(), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The host with the CPU it reported as it was attached: a host recorded before CPUs were kept, or whose CPU
     * changed while it was away (a new board, another host at its address), is judged on what it has now.
     */
    private static Host withCpu(Host host, HostCpu reported) {
        if (reported.equals(host.cpu())) {
            return host;
        }
        LOG.info("host {} reports CPU {} with {} features", host.name(), reported.describe(),
                reported.features().size());
        return host.withCpu(reported);
    }

    /** The host's libvirt networks; empty when it cannot say (it then keeps what it carried). */
    private Optional<List<HostNetwork>> networksOf(Host host) {
        try {
            return Optional.of(hypervisor.networks(host.id()));
        } catch (HypervisorException e) {
            LOG.debug("host {} did not list its networks: {}", host.name(), e.getMessage());
            return Optional.empty();
        }
    }

    /** Writes the networks the hosts' reports make ({@link NetworkDiscovery}); returns how many changed. */
    private int recordNetworks(List<Host> hosts, Map<String, List<HostNetwork>> reported) {
        Map<String, String> siteOfCluster = new HashMap<>();
        store.clusters().forEach(cluster -> siteOfCluster.put(cluster.id(), cluster.siteId()));
        Map<String, String> siteOf = new HashMap<>();
        for (Host host : hosts) {
            if (reported.containsKey(host.id()) && siteOfCluster.containsKey(host.clusterId())) {
                siteOf.put(host.id(), siteOfCluster.get(host.clusterId()));
            }
        }
        NetworkDiscovery.Changes changes = NetworkDiscovery.reconcile(reported, siteOf, store.networks());
        for (Network network : changes.put()) {
            store.putCarriers(network);
            LOG.info("network {} of site {} is carried by {}", network.name(), network.siteId(), network.hostIds());
            network.drift().forEach((hostId, layout) -> LOG.warn("network {} of site {}: host {} lays it {}, its other"
                    + " hosts {}; 'paddock network repair {}' lays it anew there", network.name(), network.siteId(),
                    hostId, layout.describe(), network.agreedLayout().map(Network.Layout::describe).orElse("otherwise"),
                    network.name()));
        }
        for (Network network : changes.removed()) {
            store.deleteNetwork(network.id());
            LOG.info("network {} of site {} is carried by no host any more: removed", network.name(),
                    network.siteId());
        }
        return changes.put().size() + changes.removed().size();
    }

    /**
     * Records the host in maintenance or out of it, as HA's maintenance now says: an operator's request takes
     * effect at once (no placement lands on a host entering maintenance once this returns). A disconnected host is
     * left so; it is put right when it answers again. Runs on the caller's thread.
     */
    public void maintenanceChanged(String hostId) {
        store.host(hostId).ifPresent(host -> keepMaintenance(host, maintenance.get().contains(hostId)));
    }

    private void keepMaintenance(Host host, boolean inMaintenance) {
        if (inMaintenance && host.state() == HostState.CONNECTED) {
            store.put(host.withState(HostState.MAINTENANCE));
        } else if (!inMaintenance && host.state() == HostState.MAINTENANCE) {
            store.put(host.withState(HostState.CONNECTED));
        }
    }

    /**
     * Reads the domains of {@code hosts} and records the VMs found active on one of them while the inventory has
     * them elsewhere: a restart done by an operation whose end nobody saw (a manager restarted meanwhile). HA calls
     * it before it plans, on its own thread, so the plan does not restart a VM already running; only those moves
     * are applied here, the rest of each host's reconciliation is left to this controller's loop.
     *
     * @param room the inventory as last read
     * @param hosts the hosts to read, connected ones: HA passes those it judges healthy
     * @return {@code room} with the VMs moved
     */
    public Room learnWhereVmsRun(Room room, List<Host> hosts) {
        List<InventoryChange> moves = new ArrayList<>();
        for (Host host : hosts) {
            try {
                moves.addAll(InventoryReconciler.runningHere(host, hypervisor.domains(host.id()), room::vm));
            } catch (HypervisorException e) {
                LOG.debug("host {} did not answer: {}", host.name(), e.getMessage());
            }
        }
        if (moves.isEmpty()) {
            return room;
        }
        apply(moves);
        Room learned = room;
        for (InventoryChange move : moves) {
            learned = learned.with(move.vm());
        }
        return learned;
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
            store.updateObserved(unknown);
        }
    }

    /**
     * Updates go through {@link InventoryStore#updateObserved}: the listing they come from may predate a delete
     * operation's ForgetVm (an upsert would bring the deleted VM back) or an operation that changed the VM
     * (a whole-row write would undo it). Only unregistered VMs are inserted.
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
            store.updateObserved(updates);
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
