package dev.paddock.sim;

import static dev.paddock.hypervisor.HypervisorException.Reason.ALREADY_EXISTS;
import static dev.paddock.hypervisor.HypervisorException.Reason.FAILED;
import static dev.paddock.hypervisor.HypervisorException.Reason.INSUFFICIENT_RESOURCES;
import static dev.paddock.hypervisor.HypervisorException.Reason.INVALID_ARGUMENT;
import static dev.paddock.hypervisor.HypervisorException.Reason.INVALID_STATE;
import static dev.paddock.hypervisor.HypervisorException.Reason.NOT_FOUND;
import static dev.paddock.hypervisor.HypervisorException.Reason.UNREACHABLE;

import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.DomainStats;
import dev.paddock.hypervisor.HostStats;
import dev.paddock.hypervisor.HostBridge;
import dev.paddock.hypervisor.HostFacts;
import dev.paddock.hypervisor.HostNetwork;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.HypervisorEvent.DomainEventKind;
import dev.paddock.hypervisor.HypervisorEvent.HostEventKind;
import dev.paddock.hypervisor.HypervisorEvent.NetworkEventKind;
import dev.paddock.hypervisor.HypervisorEvent.PoolEventKind;
import dev.paddock.hypervisor.HypervisorEvent;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.MigrationOptions;
import dev.paddock.hypervisor.MigrationResult;
import dev.paddock.hypervisor.NetworkSpec;
import dev.paddock.hypervisor.PoolFacts;
import dev.paddock.hypervisor.PoolSource;
import dev.paddock.hypervisor.PoolSpec;
import dev.paddock.hypervisor.PortGuard;
import dev.paddock.hypervisor.PoolType;
import dev.paddock.hypervisor.VolumeFacts;
import dev.paddock.model.HostCpu;
import dev.paddock.model.Nic;
import dev.paddock.model.Resources;
import dev.paddock.model.VmState;
import dev.paddock.model.Watchdog;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A room of simulated hosts behind the {@link Hypervisor} port, for the demo and for scale and fault tests.
 *
 * <p>Each host is reached at {@code sim://<hostname>}. State lives under one lock; time comes from a
 * {@link SimClock} and randomness (shutdown delays, migration figures) from a seed, so with a
 * {@link ManualClock} the same seed and the same calls give the same events.
 *
 * <p><b>Events</b> are delivered synchronously by the thread whose call (or clock tick) changed the state,
 * after it released the sim's lock, in the order of the changes. A listener may call back into the sim.
 * Events of a host that is not attached, or that cannot be reached, are lost, as on a real network.
 *
 * <p><b>Faults</b> ({@link Fault}) crash, power on and isolate hosts, crash guests, take storage away, slow
 * calls down and make them fail. <b>Durable state</b>: with a saver ({@link #saveTo}), the whole room is handed over
 * as text after every call that changed it, and {@link #restore} builds it again from that text (the server keeps
 * it in a file that survives a {@code kill -9}; the sim itself does no I/O); per-domain {@link Effects}
 * counters let a test prove that no step acted twice.
 */
public final class SimulatedHypervisor implements Hypervisor {

    public static final String SCHEME = "sim://";
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final long DEFAULT_BANDWIDTH_MIBPS = 1024;
    private static final Duration DEFAULT_MAX_DOWNTIME = Duration.ofMillis(300);
    private static final int PROGRESS_STEPS = 4;
    /** How often a running migration looks whether it was cancelled. */
    private static final Duration ABORT_CHECK = Duration.ofMillis(200);

    private final Object lock = new Object();
    /** Domains whose running migration was asked to stop (guarded by {@code lock}). */
    private final Set<String> aborted = new HashSet<>();
    private final SimClock clock;
    /** When this room was made in this process: where its usage counters start ({@link SimUsage}). */
    private final Instant origin;
    private final SimRandom random;
    private final Map<String, SimHost> hosts = new LinkedHashMap<>();
    private final Map<String, String> hostnameById = new HashMap<>();
    private final Map<String, String> idByHostname = new HashMap<>();
    private final Map<String, Effects> effects = new LinkedHashMap<>();
    private final Map<CallKind, Duration> slowCalls = new EnumMap<>(CallKind.class);
    private final Map<CallKind, Integer> failingCalls = new EnumMap<>(CallKind.class);
    private final Set<String> lostStorage = new LinkedHashSet<>();
    private final EventDelivery events = new EventDelivery();
    private SimStorage storage = new SimStorage();
    /** Where the room's text goes after each change: nowhere until {@link #saveTo} or {@link #restore} says. */
    private Optional<Consumer<String>> save = Optional.empty();
    private boolean changed;
    private boolean closed;

    private SimulatedHypervisor(SimClock clock, long seed) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.origin = clock.now();
        this.random = new SimRandom(seed);
    }

    /** An empty room held in memory only. */
    public static SimulatedHypervisor create(SimClock clock, long seed) {
        return new SimulatedHypervisor(clock, seed);
    }

    /**
     * The room saved as {@code text} ({@link RoomText}), which from now on is handed to {@code save} after every
     * change (not now: the saved text is the room as it is).
     *
     * @param source names the text in error messages (the file it was read from)
     */
    public static SimulatedHypervisor restore(String text, String source, SimClock clock, Consumer<String> save) {
        RoomText.RoomState state = RoomText.read(text, source);
        SimulatedHypervisor sim = new SimulatedHypervisor(clock, state.randomState());
        synchronized (sim.lock) {
            for (SimHost host : state.hosts()) {
                sim.hosts.put(host.hostname, host);
                for (SimDomain domain : host.domains.values()) {
                    domain.stopsAt.ifPresent(at -> sim.scheduleStop(host, domain.spec.uuid(), at));
                }
            }
            sim.effects.putAll(state.effects());
            sim.slowCalls.putAll(state.slowCalls());
            sim.failingCalls.putAll(state.failingCalls());
            sim.lostStorage.addAll(state.lostStorage());
            sim.storage = state.storage();
            sim.save = Optional.of(save);
        }
        return sim;
    }

    /**
     * From now on, hands the whole room as text ({@link RoomText}) to {@code save} after every change, and once
     * now. {@code save} runs under the room's lock, so the texts arrive in the order of the changes; the server
     * writes each to its state file.
     */
    public void saveTo(Consumer<String> save) {
        synchronized (lock) {
            this.save = Optional.of(save);
            changed = true;
            flush();
        }
    }

    public SimClock clock() {
        return clock;
    }

    // Building the room ---------------------------------------------------------------------------------

    /** Adds a powered-on host and returns the URI that reaches it. */
    public String addHost(String hostname, Resources capacity) {
        return addHost(hostname, capacity, SimHost.DEFAULT_CPU);
    }

    /** Adds a powered-on host whose facts report {@code cpu} and returns the URI that reaches it. */
    public String addHost(String hostname, Resources capacity, HostCpu cpu) {
        if (!HOSTNAME.matcher(hostname).matches()) {
            throw new IllegalArgumentException("a sim hostname is letters, digits, '.', '_' and '-': " + hostname);
        }
        synchronized (lock) {
            if (hosts.containsKey(hostname)) {
                throw new IllegalArgumentException("the room has a host named " + hostname + " already");
            }
            hosts.put(hostname, new SimHost(hostname, Objects.requireNonNull(capacity, "capacity"),
                    Objects.requireNonNull(cpu, "cpu")));
            changed = true;
            flush();
        }
        return SCHEME + hostname;
    }

    /**
     * Puts a domain on a host as if it had always been there: no event, no effect counted. For building rooms;
     * with a saver set, each call saves the room again, so build first and call {@link #saveTo} after.
     */
    public void addDomain(String hostname, DomainSpec spec, VmState state) {
        synchronized (lock) {
            SimHost host = hostNamed(hostname);
            if (host.domains.containsKey(spec.uuid())) {
                throw new IllegalArgumentException("domain " + spec.uuid() + " is on " + hostname + " already");
            }
            SimDomain domain = new SimDomain(spec, state);
            if (domain.isActive()) {
                requireRoom(host, hostname, spec);
            }
            host.domains.put(spec.uuid(), domain);
            changed = true;
            flush();
        }
    }

    /**
     * Adds a storage server every host can reach: an NFS export, an iSCSI target or a Ceph pool of {@code
     * capacityBytes}. Pools defined over it on several hosts share its volumes and free space. A directory pool
     * needs none: it is on its host's own disk.
     */
    public void addStorage(PoolType type, PoolSource source, long capacityBytes) {
        synchronized (lock) {
            storage.addServer(type, source, capacityBytes);
            changed = true;
            flush();
        }
    }

    // Observing the room (as a test sees it, regardless of connections) ----------------------------------

    /** How many times the domain was really changed, across hosts; {@link Effects#NONE} for an unknown one. */
    public Effects effects(String uuid) {
        synchronized (lock) {
            return effects.getOrDefault(uuid, Effects.NONE);
        }
    }

    public List<SimHostStatus> hosts() {
        synchronized (lock) {
            List<SimHostStatus> statuses = new ArrayList<>(hosts.size());
            for (SimHost host : hosts.values()) {
                statuses.add(new SimHostStatus(host.hostname, host.uri(), host.capacity, host.poweredOn,
                        host.isolated, host.domains.size()));
            }
            return statuses;
        }
    }

    /** The domains on a host as they really are, even when the host is crashed or cut off. */
    public List<DomainInfo> domainsOn(String hostname) {
        synchronized (lock) {
            SimHost host = hostNamed(hostname);
            String hostId = idByHostname.getOrDefault(hostname, hostname);
            return host.domains.values().stream().map(d -> d.info(hostId)).toList();
        }
    }

    // Faults --------------------------------------------------------------------------------------------

    public void inject(Fault fault) {
        synchronized (lock) {
            try {
                switch (fault) {
                    case Fault.HostCrash crash -> crash(hostNamed(crash.host()));
                    case Fault.HostPowerOn powerOn -> powerOn(hostNamed(powerOn.host()));
                    case Fault.HostIsolation isolation -> isolate(hostNamed(isolation.host()));
                    case Fault.DomainCrash crash -> crashDomain(hostNamed(crash.host()), crash.uuid());
                    case Fault.GuestHang hang -> hang(hostNamed(hang.host()), hang.uuid(), hang.timeout());
                    case Fault.StorageLoss loss -> loseStorage(loss.pathPrefix());
                    case Fault.SlowCalls slow -> slowCalls.put(slow.kind(), slow.duration());
                    case Fault.FailingCalls failing ->
                            failingCalls.merge(failing.kind(), failing.count(), Integer::sum);
                }
                changed = true;
            } finally {
                flush();
            }
        }
        events.deliver();
    }

    /**
     * Undoes a fault: powers a crashed host on, reconnects an isolated one, brings lost storage back, ends slow or
     * failing calls. A guest crash and a power-on have nothing to undo (start the guest again instead).
     */
    public void heal(Fault fault) {
        synchronized (lock) {
            try {
                switch (fault) {
                    case Fault.HostCrash crash -> powerOn(hostNamed(crash.host()));
                    case Fault.HostPowerOn powerOn -> hostNamed(powerOn.host());
                    case Fault.HostIsolation isolation -> reconnect(hostNamed(isolation.host()));
                    case Fault.DomainCrash crash -> hostNamed(crash.host());
                    case Fault.GuestHang hang -> domainOn(hostNamed(hang.host()), hang.uuid()).watchdogFiresAt =
                            Optional.empty();
                    case Fault.StorageLoss loss -> lostStorage.remove(loss.pathPrefix());
                    case Fault.SlowCalls slow -> slowCalls.remove(slow.kind());
                    case Fault.FailingCalls failing -> failingCalls.remove(failing.kind());
                }
                changed = true;
            } finally {
                flush();
            }
        }
        events.deliver();
    }

    private void crash(SimHost host) {
        if (!host.poweredOn) {
            return;
        }
        if (!host.isolated) {
            emitHost(host, HostEventKind.DISCONNECTED);
        }
        host.poweredOn = false;
        for (SimDomain domain : host.domains.values()) {
            if (domain.isActive()) {
                domain.state = VmState.CRASHED;
                domain.stopsAt = Optional.empty();
            }
        }
    }

    private void powerOn(SimHost host) {
        if (host.poweredOn) {
            return;
        }
        host.poweredOn = true;
        if (!host.isolated) {
            emitHost(host, HostEventKind.CONNECTED);
        }
    }

    private void isolate(SimHost host) {
        if (host.isolated) {
            return;
        }
        if (host.poweredOn) {
            emitHost(host, HostEventKind.DISCONNECTED);
        }
        host.isolated = true;
    }

    private void reconnect(SimHost host) {
        if (!host.isolated) {
            return;
        }
        host.isolated = false;
        if (host.poweredOn) {
            emitHost(host, HostEventKind.CONNECTED);
        }
    }

    private static SimDomain domainOn(SimHost host, String uuid) {
        SimDomain domain = host.domains.get(uuid);
        if (domain == null) {
            throw new IllegalArgumentException("no domain " + uuid + " on simulated host " + host.hostname);
        }
        return domain;
    }

    private void hang(SimHost host, String uuid, Duration timeout) {
        SimDomain domain = domainOn(host, uuid);
        if (domain.state != VmState.RUNNING) {
            throw new IllegalArgumentException("domain " + uuid + " on simulated host " + host.hostname + " is "
                    + domain.state + ": only a running guest can hang");
        }
        if (domain.watchdogFiresAt.isPresent() || domain.spec.watchdog().isEmpty()) {
            return;
        }
        Instant at = clock.now().plus(timeout);
        domain.watchdogFiresAt = Optional.of(at);
        clock.schedule(at, () -> {
            synchronized (lock) {
                if (closed || host.domains.get(uuid) != domain || domain.state != VmState.RUNNING
                        || !domain.watchdogFiresAt.equals(Optional.of(at))) {
                    return;
                }
                fireWatchdog(host, domain);
                flush();
            }
            events.deliver();
        });
    }

    /** The hung guest's watchdog expires: report it, then act as QEMU does for the device's action. */
    private void fireWatchdog(SimHost host, SimDomain domain) {
        Watchdog.Action action = domain.spec.watchdog().orElseThrow().action();
        String hostId = idByHostname.get(host.hostname);
        if (hostId != null && host.reachable()) {
            events.enqueue(new HypervisorEvent.WatchdogFired(clock.now(), hostId, domain.spec.uuid(),
                    domain.spec.name(), action));
        }
        changed = true;
        switch (action) {
            case RESET -> {
                domain.watchdogFiresAt = Optional.empty();
                domain.stopsAt = Optional.empty();
            }
            case POWEROFF -> {
                domain.watchdogFiresAt = Optional.empty();
                domain.state = VmState.STOPPED;
                domain.stopsAt = Optional.empty();
                count(domain.spec.uuid(), Effects::plusStopped);
                emit(host, domain, DomainEventKind.STOPPED);
            }
            case PAUSE -> {
                domain.state = VmState.PAUSED;
                domain.stopsAt = Optional.empty();
                emit(host, domain, DomainEventKind.SUSPENDED);
            }
            // The guest stays hung and running; the device fired once and is not fed again.
            case NONE -> domain.watchdogFiresAt = Optional.empty();
        }
    }

    private void crashDomain(SimHost host, String uuid) {
        SimDomain domain = domainOn(host, uuid);
        if (domain.isActive()) {
            domain.state = VmState.CRASHED;
            domain.stopsAt = Optional.empty();
            emit(host, domain, DomainEventKind.CRASHED);
        }
    }

    private void loseStorage(String pathPrefix) {
        lostStorage.add(pathPrefix);
        for (SimHost host : hosts.values()) {
            for (SimDomain domain : host.domains.values()) {
                if (domain.state == VmState.RUNNING && lostDisk(domain.spec).isPresent()) {
                    domain.state = VmState.PAUSED;
                    domain.stopsAt = Optional.empty();
                    emit(host, domain, DomainEventKind.SUSPENDED);
                }
            }
        }
    }

    private Optional<String> lostDisk(DomainSpec spec) {
        for (DomainSpec.DiskSpec disk : spec.disks()) {
            for (String prefix : lostStorage) {
                if (disk.path() != null && disk.path().startsWith(prefix)) {
                    return Optional.of(disk.path());
                }
            }
        }
        return Optional.empty();
    }

    private void requireStorage(String hostId, DomainSpec spec) {
        Optional<String> lost = lostDisk(spec);
        if (lost.isPresent()) {
            throw new HypervisorException(FAILED, "domain " + spec.uuid() + " on host " + hostId
                    + " cannot open its disk " + lost.get() + ": the storage does not answer");
        }
    }

    // The port: hosts -----------------------------------------------------------------------------------

    @Override
    public HostFacts attach(String hostId, String uri) {
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(uri, "uri");
        return call(CallKind.ATTACH, () -> {
            if (!uri.startsWith(SCHEME)) {
                throw new HypervisorException(UNREACHABLE,
                        uri + " is not a simulated host; the simulated room answers only at sim://<hostname>");
            }
            SimHost host = hosts.get(uri.substring(SCHEME.length()));
            if (host == null) {
                throw new HypervisorException(UNREACHABLE, "no simulated host answers at " + uri);
            }
            requireReachable(host, hostId);
            String current = idByHostname.get(host.hostname);
            if (current != null && !current.equals(hostId)) {
                throw new HypervisorException(INVALID_ARGUMENT, uri + " is attached already as host " + current);
            }
            String previous = hostnameById.put(hostId, host.hostname);
            if (previous != null && !previous.equals(host.hostname)) {
                idByHostname.remove(previous);
            }
            idByHostname.put(host.hostname, hostId);
            return facts(hostId, host);
        });
    }

    @Override
    public void detach(String hostId) {
        synchronized (lock) {
            String hostname = hostnameById.remove(hostId);
            if (hostname != null) {
                idByHostname.remove(hostname);
            }
        }
    }

    @Override
    public boolean isConnected(String hostId) {
        synchronized (lock) {
            String hostname = hostnameById.get(hostId);
            return hostname != null && hosts.get(hostname).reachable();
        }
    }

    @Override
    public HostFacts facts(String hostId) {
        return call(CallKind.READ, () -> facts(hostId, reachable(hostId)));
    }

    private static HostFacts facts(String hostId, SimHost host) {
        int cpus = (int) host.capacity.cores();
        return new HostFacts(hostId, host.uri(), host.hostname, host.hostUuid(), "sim", "1.0", host.cpu.model(), cpus,
                cpus >= 32 ? 2 : 1, host.capacity, host.cpu.vendor(), host.cpu.features());
    }

    @Override
    public HostStats hostStats(String hostId) {
        return call(CallKind.READ, () -> {
            SimHost host = reachable(hostId);
            Instant now = clock.now();
            long guestCpu = 0;
            long guestUsed = 0;
            for (SimDomain domain : host.domains.values()) {
                if (domain.state == VmState.RUNNING) {
                    DomainStats stats = SimUsage.domain(domain.spec, origin, now);
                    guestCpu += stats.cpuTimeNanos();
                    guestUsed += stats.memoryBytes();
                }
            }
            int cpus = (int) host.capacity.cores();
            return SimUsage.host(host.hostname, cpus, host.capacity.memoryMib(), guestUsed, guestCpu, origin, now);
        });
    }

    @Override
    public List<DomainStats> domainStats(String hostId) {
        return call(CallKind.READ, () -> {
            SimHost host = reachable(hostId);
            Instant now = clock.now();
            List<DomainStats> stats = new ArrayList<>(host.domains.size());
            for (SimDomain domain : host.domains.values()) {
                // a paused guest's counters stand still: the sim reports running ones only
                if (domain.state == VmState.RUNNING) {
                    stats.add(SimUsage.domain(domain.spec, origin, now));
                }
            }
            return stats;
        });
    }

    // The port: domains ---------------------------------------------------------------------------------

    @Override
    public List<DomainInfo> domains(String hostId) {
        return call(CallKind.READ,
                () -> reachable(hostId).domains.values().stream().map(d -> d.info(hostId)).toList());
    }

    @Override
    public Optional<DomainInfo> domain(String hostId, String uuid) {
        return call(CallKind.READ,
                () -> Optional.ofNullable(reachable(hostId).domains.get(uuid)).map(d -> d.info(hostId)));
    }

    @Override
    public Optional<DomainSpec> definition(String hostId, String uuid) {
        return call(CallKind.READ, () -> Optional.ofNullable(reachable(hostId).domains.get(uuid)).map(d -> d.spec));
    }

    @Override
    public DomainInfo define(String hostId, DomainSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return call(CallKind.DEFINE, () -> {
            SimHost host = reachable(hostId);
            for (SimDomain other : host.domains.values()) {
                if (other.spec.name().equals(spec.name()) && !other.spec.uuid().equals(spec.uuid())) {
                    throw new HypervisorException(ALREADY_EXISTS, "host " + hostId + " has a domain named "
                            + spec.name() + " already, with UUID " + other.spec.uuid());
                }
            }
            SimDomain domain = host.domains.get(spec.uuid());
            if (domain == null) {
                domain = new SimDomain(spec, VmState.STOPPED);
                host.domains.put(spec.uuid(), domain);
            } else if (domain.spec.equals(spec)) {
                return domain.info(hostId);
            } else {
                domain.spec = spec;
            }
            count(spec.uuid(), Effects::plusDefined);
            emit(host, domain, DomainEventKind.DEFINED);
            return domain.info(hostId);
        });
    }

    @Override
    public void start(String hostId, String uuid) {
        run(CallKind.START, () -> {
            SimHost host = reachable(hostId);
            SimDomain domain = existing(host, hostId, uuid);
            switch (domain.state) {
                case RUNNING -> {
                    return;
                }
                case PAUSED -> throw new HypervisorException(INVALID_STATE,
                        "domain " + uuid + " on host " + hostId + " is paused: resume it rather than start it");
                default -> {
                    requireRoom(host, hostId, domain.spec);
                    requireStorage(hostId, domain.spec);
                    domain.state = VmState.RUNNING;
                    // A fresh boot: whatever hung before is gone, and its ports are new, mirrored nowhere.
                    domain.watchdogFiresAt = Optional.empty();
                    domain.mirrors.clear();
                    count(uuid, Effects::plusStarted);
                    emit(host, domain, DomainEventKind.STARTED);
                }
            }
        });
    }

    /** A no-op when the domain is not running or is shutting down already; the guest stops a few seconds later. */
    @Override
    public void shutdown(String hostId, String uuid) {
        run(CallKind.SHUTDOWN, () -> {
            SimHost host = reachable(hostId);
            SimDomain domain = existing(host, hostId, uuid);
            if (domain.state == VmState.PAUSED) {
                throw new HypervisorException(INVALID_STATE,
                        "domain " + uuid + " on host " + hostId + " is paused: a paused guest cannot shut down");
            }
            if (domain.state != VmState.RUNNING || domain.stopsAt.isPresent()) {
                return;
            }
            Instant at = clock.now().plusMillis(random.between(2_000, 6_000));
            domain.stopsAt = Optional.of(at);
            changed = true;
            scheduleStop(host, uuid, at);
        });
    }

    private void scheduleStop(SimHost host, String uuid, Instant at) {
        clock.schedule(at, () -> {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                SimDomain domain = host.domains.get(uuid);
                if (domain == null || domain.state != VmState.RUNNING || !domain.stopsAt.equals(Optional.of(at))) {
                    return;
                }
                domain.state = VmState.STOPPED;
                domain.stopsAt = Optional.empty();
                count(uuid, Effects::plusStopped);
                emit(host, domain, DomainEventKind.STOPPED);
                flush();
            }
            events.deliver();
        });
    }

    @Override
    public void destroy(String hostId, String uuid) {
        run(CallKind.DESTROY, () -> {
            SimHost host = reachable(hostId);
            SimDomain domain = existing(host, hostId, uuid);
            if (!domain.isActive()) {
                return;
            }
            domain.state = VmState.STOPPED;
            domain.stopsAt = Optional.empty();
            count(uuid, Effects::plusDestroyed);
            emit(host, domain, DomainEventKind.STOPPED);
        });
    }

    // The port: networks --------------------------------------------------------------------------------

    @Override
    public List<HostNetwork> networks(String hostId) {
        return call(CallKind.READ, () -> List.copyOf(reachable(hostId).networks.values()));
    }

    @Override
    public List<HostBridge> bridges(String hostId) {
        return call(CallKind.READ, () -> {
            SimHost host = reachable(hostId);
            List<HostBridge> bridges = new ArrayList<>();
            bridges.add(new HostBridge(SimHost.UPLINK_BRIDGE, "52:54:00:00:00:01", true, List.of("eth0")));
            // An isolated network's bridge is made by the network, as libvirt makes it.
            for (HostNetwork network : host.networks.values()) {
                if (network.forwardMode().isEmpty()) {
                    bridges.add(new HostBridge(network.bridge(), "", network.active(), List.of()));
                }
            }
            return List.copyOf(bridges);
        });
    }

    @Override
    public Optional<HostBridge> bridge(String hostId, String name) {
        return bridges(hostId).stream().filter(bridge -> bridge.name().equals(name)).findFirst();
    }

    @Override
    public HostNetwork defineNetwork(String hostId, NetworkSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return call(CallKind.DEFINE, () -> {
            SimHost host = reachable(hostId);
            HostNetwork held = host.networks.get(spec.name());
            if (held != null) {
                if (!held.forwardMode().equals(spec.forwardMode()) || !held.bridge().equals(spec.bridge())
                        || !held.virtualPort().equals(spec.virtualPort()) || !held.vlan().equals(spec.vlan())) {
                    throw new HypervisorException(ALREADY_EXISTS, "host " + hostId + " has a network " + spec.name()
                            + " already, on bridge " + held.bridge() + held.vlan().stream()
                            .mapToObj(tag -> " in VLAN " + tag).findFirst().orElse("") + ", not on " + spec.bridge()
                            + spec.vlan().stream().mapToObj(tag -> " in VLAN " + tag).findFirst().orElse(""));
                }
                return held;
            }
            if (spec.openvswitch() && !spec.bridge().equals(SimHost.SWITCH)) {
                throw new HypervisorException(INVALID_ARGUMENT, "host " + hostId + " has no switch " + spec.bridge()
                        + " to lay network " + spec.name() + " over");
            }
            if (!spec.openvswitch() && spec.hostBridge().filter(b -> !b.equals(SimHost.UPLINK_BRIDGE)).isPresent()) {
                throw new HypervisorException(INVALID_ARGUMENT, "host " + hostId + " has no bridge " + spec.bridge()
                        + " to lay network " + spec.name() + " over");
            }
            String uuid = UUID.nameUUIDFromBytes(("sim-network:" + host.hostname + ":" + spec.name())
                    .getBytes(StandardCharsets.UTF_8)).toString();
            HostNetwork network = new HostNetwork(spec.name(), uuid, spec.forwardMode(), spec.bridge(), true,
                    spec.virtualPort(), spec.vlan());
            host.networks.put(spec.name(), network);
            changed = true;
            emitNetwork(host, spec.name(), NetworkEventKind.DEFINED);
            emitNetwork(host, spec.name(), NetworkEventKind.STARTED);
            return network;
        });
    }

    @Override
    public void undefineNetwork(String hostId, String name) {
        run(CallKind.UNDEFINE, () -> {
            SimHost host = reachable(hostId);
            if (host.networks.remove(name) != null) {
                changed = true;
                emitNetwork(host, name, NetworkEventKind.STOPPED);
                emitNetwork(host, name, NetworkEventKind.UNDEFINED);
            }
        });
    }

    @Override
    public void undefine(String hostId, String uuid) {
        run(CallKind.UNDEFINE, () -> {
            SimHost host = reachable(hostId);
            SimDomain domain = host.domains.get(uuid);
            if (domain == null) {
                return;
            }
            if (domain.isActive()) {
                throw new HypervisorException(INVALID_STATE, "domain " + uuid + " on host " + hostId + " is "
                        + domain.state + ": stop it before removing its definition");
            }
            host.domains.remove(uuid);
            count(uuid, Effects::plusUndefined);
            emit(host, domain, DomainEventKind.UNDEFINED);
        });
    }

    @Override
    public void attachNic(String hostId, String uuid, DomainSpec.NicSpec nic) {
        run(CallKind.DEFINE, () -> {
            SimHost host = reachable(hostId);
            SimDomain domain = existing(host, hostId, uuid);
            if (domain.spec.nics().stream().anyMatch(held -> held.mac().equals(nic.mac()))) {
                return;
            }
            List<DomainSpec.NicSpec> nics = new ArrayList<>(domain.spec.nics());
            nics.add(nic);
            domain.spec = domain.spec.withNics(nics);
            changed = true;
        });
    }

    @Override
    public void mirrorNic(String hostId, String uuid, String mac, Optional<Nic.Mirror> mirror) {
        run(CallKind.DEFINE, () -> {
            SimHost host = reachable(hostId);
            SimDomain domain = existing(host, hostId, uuid);
            DomainSpec.NicSpec nic = domain.spec.nics().stream().filter(held -> held.mac().equals(mac)).findFirst()
                    .orElseThrow(() -> new HypervisorException(INVALID_ARGUMENT, "domain " + uuid + " on " + hostId
                            + " has no NIC " + mac));
            if (!domain.isActive()) {
                throw new HypervisorException(INVALID_STATE, "domain " + uuid + " on " + hostId
                        + " does not run: its NIC " + mac + " has no switch port to mirror");
            }
            HostNetwork network = host.networks.get(nic.network());
            if (mirror.isPresent() && (nic.source() != DomainSpec.Source.NETWORK || network == null
                    || !network.virtualPort().equals("openvswitch"))) {
                throw new HypervisorException(INVALID_ARGUMENT, "NIC " + mac + " of domain " + uuid + " is on "
                        + nic.network() + ", no Open vSwitch switch: its port cannot be mirrored");
            }
            if (mirror.isPresent() && !mirror.get().port().equals(SimHost.MONITOR_PORT)) {
                throw new HypervisorException(INVALID_ARGUMENT, "switch " + SimHost.SWITCH + " of host " + hostId
                        + " has no port " + mirror.get().port() + " to mirror to");
            }
            if (mirror.isPresent()) {
                domain.mirrors.put(mac, mirror.get());
            } else {
                domain.mirrors.remove(mac);
            }
        });
    }

    @Override
    public int guardSwitch(String hostId, String switchName, List<PortGuard> guards) {
        return call(CallKind.DEFINE, () -> {
            SimHost host = reachable(hostId);
            if (!switchName.equals(SimHost.SWITCH)) {
                throw new HypervisorException(INVALID_ARGUMENT, "host " + hostId + " has no switch " + switchName);
            }
            Set<PortGuard> before = new HashSet<>(host.guards.getOrDefault(switchName, List.of()));
            Set<PortGuard> after = new HashSet<>(guards);
            int changed = (int) (before.stream().filter(guard -> !after.contains(guard)).count()
                    + after.stream().filter(guard -> !before.contains(guard)).count());
            host.guards.put(switchName, List.copyOf(guards));
            return changed;
        });
    }

    /** The guards switch {@code switchName} of the host enforces now. */
    public List<PortGuard> switchGuards(String hostId, String switchName) {
        synchronized (lock) {
            String hostname = hostnameById.get(hostId);
            SimHost host = hostname == null ? null : hosts.get(hostname);
            return host == null ? List.of() : host.guards.getOrDefault(switchName, List.of());
        }
    }

    @Override
    public List<String> switchPorts(String hostId, String uuid, String mac) {
        return call(CallKind.READ, () -> {
            SimHost host = reachable(hostId);
            SimDomain domain = host.domains.get(uuid);
            if (domain == null || !domain.isActive()) {
                return List.<String>of();
            }
            List<String> ports = new ArrayList<>(List.of(SimHost.MONITOR_PORT));
            host.domains.values().stream().filter(SimDomain::isActive)
                    .flatMap(other -> other.spec.nics().stream()).map(nic -> "vnet-" + nic.mac().replace(":", ""))
                    .forEach(ports::add);
            return List.copyOf(ports);
        });
    }

    @Override
    public Optional<Nic.Mirror> nicMirror(String hostId, String uuid, String mac) {
        return call(CallKind.READ, () -> {
            SimHost host = reachable(hostId);
            SimDomain domain = host.domains.get(uuid);
            return domain == null || !domain.isActive() ? Optional.<Nic.Mirror>empty()
                    : Optional.ofNullable(domain.mirrors.get(mac));
        });
    }

    @Override
    public void detachNic(String hostId, String uuid, String mac) {
        run(CallKind.DEFINE, () -> {
            SimHost host = reachable(hostId);
            SimDomain domain = existing(host, hostId, uuid);
            if (domain.spec.nics().stream().noneMatch(held -> held.mac().equals(mac))) {
                return;
            }
            domain.spec = domain.spec.withNics(domain.spec.nics().stream().filter(held -> !held.mac().equals(mac))
                    .toList());
            changed = true;
        });
    }

    @Override
    public void attachDisk(String hostId, String uuid, DomainSpec.DiskSpec disk) {
        run(CallKind.DEFINE, () -> {
            SimDomain domain = existing(reachable(hostId), hostId, uuid);
            if (domain.spec.disks().stream().noneMatch(held -> held.target().equals(disk.target()))) {
                List<DomainSpec.DiskSpec> disks = new ArrayList<>(domain.spec.disks());
                disks.add(disk);
                domain.spec = domain.spec.withDisks(disks);
                changed = true;
            }
        });
    }

    @Override
    public void detachDisk(String hostId, String uuid, String target) {
        run(CallKind.DEFINE, () -> {
            SimDomain domain = existing(reachable(hostId), hostId, uuid);
            if (domain.spec.disks().stream().anyMatch(held -> held.target().equals(target))) {
                domain.spec = domain.spec.withDisks(domain.spec.disks().stream()
                        .filter(held -> !held.target().equals(target)).toList());
                changed = true;
            }
        });
    }

    /** Simulated guests print nothing and draw nothing: their VMs have no console to open. */
    @Override
    public dev.paddock.hypervisor.SerialConsole openSerialConsole(String hostId, String uuid, boolean force) {
        throw noConsole();
    }

    @Override
    public dev.paddock.hypervisor.VncDisplay vncDisplay(String hostId, String uuid) {
        throw noConsole();
    }

    @Override
    public dev.paddock.hypervisor.VncDisplay rotateVncPassword(String hostId, String uuid) {
        throw noConsole();
    }

    private static HypervisorException noConsole() {
        return new HypervisorException(HypervisorException.Reason.INVALID_STATE,
                "VMs of the simulated room have no console.");
    }

    /** The disk's volume grows in its pool, and the definition says the new size. */
    @Override
    public void growDisk(String hostId, String uuid, String target, long capacityBytes) {
        run(CallKind.STORAGE, () -> {
            SimHost host = reachable(hostId);
            SimDomain domain = existing(host, hostId, uuid);
            if (!domain.isActive()) {
                throw new HypervisorException(INVALID_STATE, "domain " + uuid + " on host " + hostId + " does not"
                        + " run; grow the volume of its disk " + target + " instead");
            }
            DomainSpec.DiskSpec disk = domain.spec.disks().stream().filter(held -> held.target().equals(target))
                    .findFirst().orElseThrow(() -> new HypervisorException(NOT_FOUND, "domain " + uuid + " has no disk "
                            + target));
            if (disk.pool().isPresent()) {
                storage.resizeVolume(host, hostId, disk.pool().get(), disk.path(), capacityBytes);
            }
            long gib = (capacityBytes + (1L << 30) - 1) >> 30;
            domain.spec = domain.spec.withDisks(domain.spec.disks().stream().map(held -> held.target().equals(target)
                    ? new DomainSpec.DiskSpec(held.target(), held.path(), held.format(), gib, held.pool(),
                            held.readOnly(), held.remote()) : held).toList());
            changed = true;
        });
    }

    /** The simulated guest takes any count up to its maximum, plugged in or out; growth needs room on its host. */
    @Override
    public void setVcpus(String hostId, String uuid, int vcpus) {
        run(CallKind.DEFINE, () -> {
            SimHost host = reachable(hostId);
            SimDomain domain = existing(host, hostId, uuid);
            if (domain.spec.vcpus() == vcpus) {
                return;
            }
            int most = domain.spec.maxima().vcpus().orElse(domain.isActive() ? domain.spec.vcpus() : Integer.MAX_VALUE);
            if (vcpus < 1 || vcpus > most) {
                throw new HypervisorException(INVALID_ARGUMENT, "domain " + uuid + " on host " + hostId + " runs at"
                        + " most " + most + " vCPUs, not " + vcpus);
            }
            resize(host, hostId, domain, domain.spec.withSize(vcpus, domain.spec.memoryMib()));
        });
    }

    /**
     * The simulated guest takes any size up to its maximum of memory (it models no memory modules); a domain without
     * a maximum is refused, as libvirt's is.
     */
    @Override
    public void setMemory(String hostId, String uuid, long memoryMib) {
        run(CallKind.DEFINE, () -> {
            SimHost host = reachable(hostId);
            SimDomain domain = existing(host, hostId, uuid);
            if (domain.spec.memoryMib() == memoryMib) {
                return;
            }
            long most = domain.spec.maxima().memoryMib().orElseThrow(() -> new HypervisorException(INVALID_ARGUMENT,
                    "domain " + uuid + " on host " + hostId + " has no maximum of memory to grow into"));
            if (memoryMib < 1 || memoryMib > most) {
                throw new HypervisorException(INVALID_ARGUMENT, "domain " + uuid + " on host " + hostId + " has at"
                        + " most " + most + " MiB of memory, not " + memoryMib);
            }
            resize(host, hostId, domain, domain.spec.withSize(domain.spec.vcpus(), memoryMib));
        });
    }

    /** A running domain grows only into the room its host has free; a stopped one takes any size. */
    private void resize(SimHost host, String hostId, SimDomain domain, DomainSpec resized) {
        long moreMemory = resized.memoryMib() - domain.spec.memoryMib();
        long moreCpu = SimDomain.millicores(resized) - SimDomain.millicores(domain.spec);
        long freeMemory = host.capacity.memoryMib() - host.usedMemoryMib();
        long freeCpu = host.capacity.cpuMillicores() - host.usedCpuMillicores();
        if (domain.isActive() && (moreMemory > freeMemory || moreCpu > freeCpu)) {
            throw new HypervisorException(INSUFFICIENT_RESOURCES, "domain " + resized.name() + " grows by "
                    + Math.max(0, moreCpu) + " cpu millicores and " + Math.max(0, moreMemory) + " MiB; host " + hostId
                    + " has " + freeCpu + " millicores and " + freeMemory + " MiB free");
        }
        domain.spec = resized;
        changed = true;
    }

    @Override
    public void suspend(String hostId, String uuid) {
        run(CallKind.SUSPEND, () -> {
            SimHost host = reachable(hostId);
            SimDomain domain = existing(host, hostId, uuid);
            switch (domain.state) {
                case PAUSED -> {
                    return;
                }
                case RUNNING -> {
                    domain.state = VmState.PAUSED;
                    changed = true;
                    emit(host, domain, DomainEventKind.SUSPENDED);
                }
                default -> throw new HypervisorException(INVALID_STATE,
                        "domain " + uuid + " on host " + hostId + " is " + domain.state
                                + ": only a running domain pauses");
            }
        });
    }

    @Override
    public void resume(String hostId, String uuid) {
        run(CallKind.RESUME, () -> {
            SimHost host = reachable(hostId);
            SimDomain domain = existing(host, hostId, uuid);
            switch (domain.state) {
                case RUNNING -> {
                    return;
                }
                case PAUSED -> {
                    requireStorage(hostId, domain.spec);
                    domain.state = VmState.RUNNING;
                    changed = true;
                    emit(host, domain, DomainEventKind.RESUMED);
                }
                default -> throw new HypervisorException(INVALID_STATE,
                        "domain " + uuid + " on host " + hostId + " is " + domain.state
                                + ": only a paused domain resumes");
            }
        });
    }

    // The port: migration -------------------------------------------------------------------------------

    /** A migration under way: the hosts it links (held even if detached meanwhile) and what it will take. */
    private record MigrationTicket(SimHost source, SimHost target, Duration elapsed, Duration downtime, long bytes) {}

    /**
     * Checks and reserves under the lock, lets the transfer time pass on the sim clock outside it (reporting
     * progress), then moves the domain if both hosts are still up and it still runs.
     */
    @Override
    public MigrationResult migrate(String uuid, String fromHostId, String toHostId, MigrationOptions options,
            Consumer<Double> progress) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(progress, "progress");
        MigrationTicket ticket = call(CallKind.MIGRATE, () -> reserveMigration(uuid, fromHostId, toHostId, options));
        try {
            progress.accept(0.0);
            for (int step = 1; step <= PROGRESS_STEPS; step++) {
                // in slices of at most ABORT_CHECK, so that a cancel stops the copy soon after it is asked
                Duration left = ticket.elapsed.dividedBy(PROGRESS_STEPS);
                while (left.isPositive()) {
                    Duration slice = left.compareTo(ABORT_CHECK) < 0 ? left : ABORT_CHECK;
                    clock.sleep(slice);
                    left = left.minus(slice);
                    synchronized (lock) {
                        if (aborted.remove(uuid)) {
                            throw new HypervisorException(FAILED, "migration of " + uuid + " from " + fromHostId
                                    + " to " + toHostId + " was cancelled; the domain still runs on " + fromHostId);
                        }
                    }
                }
                if (step < PROGRESS_STEPS) {
                    progress.accept(step / (double) PROGRESS_STEPS);
                }
            }
            synchronized (lock) {
                try {
                    completeMigration(uuid, ticket);
                } finally {
                    flush();
                }
            }
            progress.accept(1.0);
        } finally {
            synchronized (lock) {
                ticket.target.incoming.remove(uuid);
                aborted.remove(uuid);
                Optional.ofNullable(ticket.source.domains.get(uuid)).ifPresent(d -> d.migrating = false);
            }
            events.deliver();
        }
        return new MigrationResult(uuid, fromHostId, toHostId, ticket.elapsed, ticket.downtime, ticket.bytes);
    }

    /** Marks the running migration of the domain for cancelling: it stops at its next progress step. */
    @Override
    public void abortMigration(String fromHostId, String uuid) {
        synchronized (lock) {
            Optional.ofNullable(reachable(fromHostId).domains.get(uuid)).filter(d -> d.migrating)
                    .ifPresent(d -> aborted.add(uuid));
        }
    }

    private MigrationTicket reserveMigration(
            String uuid, String fromHostId, String toHostId, MigrationOptions options) {
        if (fromHostId.equals(toHostId)) {
            throw new HypervisorException(INVALID_ARGUMENT, "domain " + uuid + " cannot migrate from host "
                    + fromHostId + " to itself");
        }
        SimHost source = reachable(fromHostId);
        SimHost target = reachable(toHostId);
        SimDomain domain = existing(source, fromHostId, uuid);
        if (domain.state != VmState.RUNNING) {
            throw new HypervisorException(INVALID_STATE, "domain " + uuid + " on host " + fromHostId + " is "
                    + domain.state + ": only a running domain migrates live");
        }
        if (domain.migrating || domain.stopsAt.isPresent()) {
            throw new HypervisorException(INVALID_STATE, "domain " + uuid + " on host " + fromHostId + " is "
                    + (domain.migrating ? "migrating already" : "shutting down"));
        }
        if (target.domains.containsKey(uuid)) {
            throw new HypervisorException(ALREADY_EXISTS,
                    "host " + toHostId + " has domain " + uuid + " defined already");
        }
        requireRoom(target, toHostId, domain.spec);
        domain.migrating = true;
        target.incoming.put(uuid, domain.spec);
        long bandwidth = Math.max(1, options.bandwidthMibps().orElse(DEFAULT_BANDWIDTH_MIBPS));
        double dirtied = 1.0 + random.nextDouble() * 0.5;
        long transferMillis = Math.max(100, Math.round(domain.spec.memoryMib() * dirtied * 1000 / bandwidth));
        long maxDowntime = options.maxDowntime().orElse(DEFAULT_MAX_DOWNTIME).toMillis();
        long downtime = random.between(Math.min(10, maxDowntime), Math.max(10, maxDowntime));
        changed = true;
        return new MigrationTicket(source, target, Duration.ofMillis(transferMillis), Duration.ofMillis(downtime),
                Math.round(domain.spec.memoryMib() * dirtied * 1024 * 1024));
    }

    private void completeMigration(String uuid, MigrationTicket ticket) {
        for (SimHost host : List.of(ticket.source, ticket.target)) {
            if (!host.reachable()) {
                throw new HypervisorException(FAILED, "migration of " + uuid + " from " + ticket.source.hostname
                        + " to " + ticket.target.hostname + " failed: host " + host.hostname + " stopped answering");
            }
        }
        SimDomain domain = ticket.source.domains.get(uuid);
        if (domain == null || domain.state != VmState.RUNNING) {
            throw new HypervisorException(FAILED, "migration of " + uuid + " from " + ticket.source.hostname
                    + " to " + ticket.target.hostname + " failed: the domain stopped running on the source");
        }
        ticket.source.domains.remove(uuid);
        ticket.target.incoming.remove(uuid);
        domain.migrating = false;
        ticket.target.domains.put(uuid, domain);
        count(uuid, Effects::plusMigrated);
        emit(ticket.source, domain, DomainEventKind.MIGRATED_OUT);
        emit(ticket.target, domain, DomainEventKind.MIGRATED_IN);
    }

    // The port: events and life -------------------------------------------------------------------------

    // The port: storage pools --------------------------------------------------------------------------

    @Override
    public List<PoolFacts> pools(String hostId) {
        return call(CallKind.READ, () -> storage.pools(reachable(hostId)));
    }

    @Override
    public PoolFacts definePool(String hostId, PoolSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return call(CallKind.STORAGE, () -> {
            changed = true;
            SimHost host = reachable(hostId);
            boolean known = storage.pools(host).stream().anyMatch(pool -> pool.name().equals(spec.name()));
            PoolFacts pool = storage.define(host, hostId, spec);
            if (!known && pool.name().equals(spec.name())) {
                emitPool(host, spec.name(), PoolEventKind.DEFINED);
                if (pool.active()) {
                    emitPool(host, spec.name(), PoolEventKind.STARTED);
                }
            }
            return pool;
        });
    }

    @Override
    public void undefinePool(String hostId, String name) {
        run(CallKind.STORAGE, () -> {
            SimHost host = reachable(hostId);
            if (storage.undefine(host, name)) {
                changed = true;
                emitPool(host, name, PoolEventKind.STOPPED);
                emitPool(host, name, PoolEventKind.UNDEFINED);
            }
        });
    }

    @Override
    public List<VolumeFacts> volumes(String hostId, String pool) {
        return call(CallKind.READ, () -> storage.volumes(reachable(hostId), hostId, pool));
    }

    @Override
    public VolumeFacts createVolume(String hostId, String pool, String name, long capacityMib, String format) {
        return call(CallKind.STORAGE, () -> {
            VolumeFacts volume = storage.createVolume(reachable(hostId), hostId, pool, name, capacityMib, format);
            changed = true;
            return volume;
        });
    }

    @Override
    public VolumeFacts cloneVolume(String hostId, String pool, String name, String from, boolean linked,
            long capacityBytes, Consumer<Double> progress) {
        VolumeFacts volume = call(CallKind.STORAGE, () -> {
            VolumeFacts made = storage.cloneVolume(reachable(hostId), hostId, pool, name, from, linked, capacityBytes);
            changed = true;
            return made;
        });
        progress.accept(1.0);
        return volume;
    }

    @Override
    public VolumeFacts uploadVolume(String hostId, String pool, String name, long length, InputStream data) {
        byte[] content;
        try {
            content = data.readNBytes((int) Math.min(length, Integer.MAX_VALUE - 8));
        } catch (IOException e) {
            throw new HypervisorException(FAILED, "upload of volume " + name + " to host " + hostId
                    + " failed: " + e.getMessage(), e);
        }
        if (content.length != length) {
            throw new HypervisorException(INVALID_ARGUMENT, "upload of volume " + name + " ended after "
                    + content.length + " of " + length + " bytes");
        }
        return call(CallKind.STORAGE, () -> {
            VolumeFacts made = storage.uploadVolume(reachable(hostId), hostId, pool, name, content);
            changed = true;
            return made;
        });
    }

    @Override
    public void downloadVolume(String hostId, String pool, String name, OutputStream out) {
        byte[] content = call(CallKind.READ, () -> storage.contents(reachable(hostId), hostId, pool, name));
        try {
            out.write(content);
        } catch (IOException e) {
            throw new HypervisorException(FAILED, "download of volume " + name + " from host " + hostId
                    + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public VolumeFacts importVolume(String hostId, String pool, String name, String path) {
        return call(CallKind.STORAGE, () -> {
            VolumeFacts made = storage.importVolume(reachable(hostId), hostId, pool, name, path);
            changed = true;
            return made;
        });
    }

    @Override
    public VolumeFacts resizeVolume(String hostId, String pool, String name, long capacityBytes) {
        return call(CallKind.STORAGE, () -> {
            VolumeFacts volume = storage.resizeVolume(reachable(hostId), hostId, pool, name, capacityBytes);
            changed = true;
            return volume;
        });
    }

    @Override
    public void deleteVolume(String hostId, String pool, String name) {
        run(CallKind.STORAGE, () -> {
            storage.deleteVolume(reachable(hostId), hostId, pool, name);
            changed = true;
        });
    }

    @Override
    public Subscription subscribe(Consumer<HypervisorEvent> listener) {
        return events.subscribe(Objects.requireNonNull(listener, "listener"));
    }

    /** Drops connections and listeners; the room itself (and its state file) stays as it is. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            hostnameById.clear();
            idByHostname.clear();
        }
        events.clear();
    }

    // Inner workings ------------------------------------------------------------------------------------

    private void run(CallKind kind, Runnable action) {
        call(kind, () -> {
            action.run();
            return null;
        });
    }

    /** Takes the injected slowness, fails if a failure is injected, acts under the lock, then delivers events. */
    private <T> T call(CallKind kind, Supplier<T> action) {
        Duration slow;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the simulated hypervisor is closed");
            }
            slow = slowCalls.get(kind);
        }
        if (slow != null && !slow.isZero()) {
            clock.sleep(slow);
        }
        try {
            synchronized (lock) {
                try {
                    failIfInjected(kind);
                    return action.get();
                } finally {
                    flush();
                }
            }
        } finally {
            events.deliver();
        }
    }

    private void failIfInjected(CallKind kind) {
        Integer remaining = failingCalls.get(kind);
        if (remaining == null) {
            return;
        }
        if (remaining <= 1) {
            failingCalls.remove(kind);
        } else {
            failingCalls.put(kind, remaining - 1);
        }
        changed = true;
        throw new HypervisorException(FAILED, "injected failure of a " + kind.name().toLowerCase() + " call ("
                + (remaining - 1) + " more to fail)");
    }

    private SimHost hostNamed(String hostname) {
        SimHost host = hosts.get(hostname);
        if (host == null) {
            throw new IllegalArgumentException("the simulated room has no host named " + hostname);
        }
        return host;
    }

    private SimHost hostAttachedAs(String hostId) {
        String hostname = hostnameById.get(hostId);
        if (hostname == null) {
            throw new HypervisorException(NOT_FOUND, "host " + hostId + " is not attached");
        }
        return hosts.get(hostname);
    }

    private SimHost reachable(String hostId) {
        SimHost host = hostAttachedAs(hostId);
        requireReachable(host, hostId);
        return host;
    }

    private static void requireReachable(SimHost host, String hostId) {
        if (!host.poweredOn) {
            throw new HypervisorException(UNREACHABLE,
                    "host " + hostId + " (" + host.uri() + ") does not answer: it is powered off");
        }
        if (host.isolated) {
            throw new HypervisorException(UNREACHABLE,
                    "host " + hostId + " (" + host.uri()
                            + ") does not answer: it is cut off from the management network");
        }
    }

    private static SimDomain existing(SimHost host, String hostId, String uuid) {
        SimDomain domain = host.domains.get(uuid);
        if (domain == null) {
            throw new HypervisorException(NOT_FOUND, "no domain " + uuid + " on host " + hostId);
        }
        return domain;
    }

    private static void requireRoom(SimHost host, String hostId, DomainSpec spec) {
        long freeMemory = host.capacity.memoryMib() - host.usedMemoryMib();
        if (spec.memoryMib() > freeMemory) {
            throw new HypervisorException(INSUFFICIENT_RESOURCES, "domain " + spec.name() + " needs "
                    + spec.memoryMib() + " MiB of memory; host " + hostId + " has " + freeMemory + " MiB free of "
                    + host.capacity.memoryMib() + " MiB");
        }
        long freeCpu = host.capacity.cpuMillicores() - host.usedCpuMillicores();
        long needCpu = SimDomain.millicores(spec);
        if (needCpu > freeCpu) {
            throw new HypervisorException(INSUFFICIENT_RESOURCES, "domain " + spec.name() + " needs " + needCpu
                    + " cpu millicores (" + spec.vcpus() + " vCPUs); host " + hostId + " has " + freeCpu
                    + " millicores free of " + host.capacity.cpuMillicores());
        }
    }

    private void count(String uuid, java.util.function.UnaryOperator<Effects> increment) {
        effects.put(uuid, increment.apply(effects.getOrDefault(uuid, Effects.NONE)));
        changed = true;
    }

    private void emit(SimHost host, SimDomain domain, DomainEventKind kind) {
        String hostId = idByHostname.get(host.hostname);
        if (hostId != null && host.reachable()) {
            events.enqueue(new HypervisorEvent.DomainEvent(clock.now(), hostId, domain.spec.uuid(),
                    domain.spec.name(), kind));
        }
    }

    private void emitPool(SimHost host, String pool, PoolEventKind kind) {
        String hostId = idByHostname.get(host.hostname);
        if (hostId != null && host.reachable()) {
            events.enqueue(new HypervisorEvent.PoolEvent(clock.now(), hostId, pool, kind));
        }
    }

    private void emitNetwork(SimHost host, String network, NetworkEventKind kind) {
        String hostId = idByHostname.get(host.hostname);
        if (hostId != null && host.reachable()) {
            events.enqueue(new HypervisorEvent.NetworkEvent(clock.now(), hostId, network, kind));
        }
    }

    private void emitHost(SimHost host, HostEventKind kind) {
        String hostId = idByHostname.get(host.hostname);
        if (hostId != null) {
            events.enqueue(new HypervisorEvent.HostEvent(clock.now(), hostId, kind));
        }
    }

    /** Hands the room's text to whoever saves it, when someone does and something changed. */
    private void flush() {
        if (!changed) {
            return;
        }
        changed = false;
        save.ifPresent(sink -> sink.accept(RoomText.write(new RoomText.RoomState(random.state(),
                List.copyOf(hosts.values()), effects, slowCalls, failingCalls, lostStorage, storage))));
    }
}
