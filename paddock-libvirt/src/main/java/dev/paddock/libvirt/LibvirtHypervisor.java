package dev.paddock.libvirt;

import dev.paddock.hypervisor.BackupExport;
import dev.paddock.hypervisor.BackupRequest;
import dev.paddock.hypervisor.Checkpoint;
import dev.paddock.hypervisor.ConsolePasswords;
import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.DomainStats;
import dev.paddock.hypervisor.HostBridge;
import dev.paddock.hypervisor.HostFacts;
import dev.paddock.hypervisor.HostStats;
import dev.paddock.hypervisor.HostNetwork;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.HypervisorEvent;
import dev.paddock.hypervisor.HypervisorEvent.DomainEvent;
import dev.paddock.hypervisor.HypervisorEvent.HostEvent;
import dev.paddock.hypervisor.HypervisorEvent.HostEventKind;
import dev.paddock.hypervisor.HypervisorEvent.NetworkEvent;
import dev.paddock.hypervisor.HypervisorEvent.NetworkEventKind;
import dev.paddock.hypervisor.HypervisorEvent.PoolEvent;
import dev.paddock.hypervisor.HypervisorEvent.PoolEventKind;
import dev.paddock.hypervisor.HypervisorEvent.WatchdogFired;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.HypervisorException.Reason;
import dev.paddock.hypervisor.MigrationOptions;
import dev.paddock.hypervisor.MigrationResult;
import dev.paddock.hypervisor.NetworkSpec;
import dev.paddock.hypervisor.PoolFacts;
import dev.paddock.hypervisor.PoolSpec;
import dev.paddock.hypervisor.PortGuard;
import dev.paddock.hypervisor.SerialConsole;
import dev.paddock.hypervisor.VncDisplay;
import dev.paddock.hypervisor.VolumeFacts;
import dev.paddock.libvirt.ovs.OpenFlowClient;
import dev.paddock.libvirt.ovs.OvsdbClient;
import dev.paddock.libvirt.ovs.OvsdbException;
import dev.paddock.libvirt.ovs.SwitchGuards;
import dev.paddock.libvirt.ovs.SwitchMirrors;
import dev.paddock.model.Nic;
import dev.paddock.model.Resources;
import dev.paddock.storage.HostStorage;
import java.time.Clock;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.NodeInfo;
import org.libvirt.event.ConnectionCloseListener;
import org.libvirt.event.LifecycleListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Hypervisor} port over libvirt: one connection per host (qemu+tcp in the lab, qemu+ssh or
 * qemu+tls on real sites), kept alive and reconnected with backoff.
 *
 * <p>Threads: libvirt's event loop runs on its own platform thread ({@link LibvirtEventLoop}); its callbacks
 * only put work on {@link #inbox}, which one dispatcher thread drains, so a slow subscriber can never stall
 * keepalive. Reconnects and migration progress run on platform threads of their own, because native calls
 * pin a virtual thread's carrier anyway. Every libvirt object is freed in a {@code finally}.
 */
public final class LibvirtHypervisor implements Hypervisor {

    private static final Logger LOG = LoggerFactory.getLogger(LibvirtHypervisor.class);
    /** VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA, missing from libvirt-java 0.5.4's constants. */
    private static final int UNDEFINE_CHECKPOINTS_METADATA = 1 << 5;
    /** virDomainXMLFlags VIR_DOMAIN_XML_INACTIVE. */
    private static final int XML_INACTIVE = 1 << 1;
    /** virDomainXMLFlags VIR_DOMAIN_XML_SECURE: with passwords. */
    private static final int XML_SECURE = 1;
    /** virDomainXMLFlags VIR_DOMAIN_XML_MIGRATABLE: as a migration's destination takes it. */
    private static final int XML_MIGRATABLE = 1 << 3;
    /** How long a guest may take to let go of a disk unplugged from it. */
    private static final Duration DEVICE_RELEASE = Duration.ofSeconds(30);
    private static final Duration RELEASE_POLL = Duration.ofMillis(200);

    /**
     * How the adapter behaves.
     *
     * @param keepAliveInterval how often an idle connection is probed; a host that misses
     *     {@code keepAliveCount} probes in a row is disconnected
     * @param reconnectFirst the first wait before reconnecting; doubled per failure up to {@code reconnectMax}
     * @param domainType forces KVM or TCG; empty takes KVM when the host offers it
     * @param consoleDirectory where guests' serial consoles are written, as a path on the hosts; empty for none
     * @param unsafeMigration allow live migration over storage libvirt cannot tell is shared (the lab's plain
     *     shared directory); never on a real site without a cluster file system
     * @param vncListen the address VNC displays listen on; empty for each host's management address, the host of
     *     the URI it is attached at (127.0.0.1 for a local URI), which the server reaches for its VNC proxy
     */
    /** Where a host's Open vSwitch database listens: OVSDB's registered port. */
    static final int SWITCH_DATABASE_PORT = 6640;
    /** Where a host's Open vSwitch switch takes OpenFlow service connections: OpenFlow's registered port. */
    static final int SWITCH_OPENFLOW_PORT = 6653;

    public record Settings(
            Duration keepAliveInterval,
            int keepAliveCount,
            Duration reconnectFirst,
            Duration reconnectMax,
            Optional<DomainType> domainType,
            Optional<String> consoleDirectory,
            boolean unsafeMigration,
            Optional<String> vncListen) {

        public Settings {
            new Backoff(reconnectFirst, reconnectMax);
            if (keepAliveInterval.toSeconds() < 1 || keepAliveCount < 1) {
                throw new IllegalArgumentException("keepalive needs an interval of at least 1 s and a count of at least 1");
            }
        }

        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(5), 3, Duration.ofMillis(500), Duration.ofSeconds(30),
                    Optional.empty(), Optional.empty(), false, Optional.empty());
        }

        /**
         * For hosts of the lab (lab/lab.sh): consoles in its shared directory, keepalive of 1 s x 3 and reconnects
         * within 2 s, and migration allowed over the shared directory, which libvirt cannot tell is shared.
         */
        public static Settings lab(String sharedDirectory) {
            return defaults().withKeepAlive(Duration.ofSeconds(1), 3)
                    .withReconnect(Duration.ofMillis(250), Duration.ofSeconds(2))
                    .withConsoleDirectory(sharedDirectory)
                    .withUnsafeMigration(true);
        }

        public Settings withKeepAlive(Duration interval, int count) {
            return new Settings(interval, count, reconnectFirst, reconnectMax, domainType, consoleDirectory, unsafeMigration,
                    vncListen);
        }

        public Settings withReconnect(Duration first, Duration max) {
            return new Settings(keepAliveInterval, keepAliveCount, first, max, domainType, consoleDirectory, unsafeMigration,
                    vncListen);
        }

        public Settings withDomainType(DomainType type) {
            return new Settings(keepAliveInterval, keepAliveCount, reconnectFirst, reconnectMax, Optional.of(type),
                    consoleDirectory, unsafeMigration, vncListen);
        }

        public Settings withConsoleDirectory(String directory) {
            return new Settings(keepAliveInterval, keepAliveCount, reconnectFirst, reconnectMax, domainType,
                    Optional.of(directory), unsafeMigration, vncListen);
        }

        /** VNC displays listening on {@code address} on every host (127.0.0.1: reached only through the host). */
        public Settings withVncListen(String address) {
            return new Settings(keepAliveInterval, keepAliveCount, reconnectFirst, reconnectMax, domainType,
                    consoleDirectory, unsafeMigration, Optional.of(address));
        }

        public Settings withUnsafeMigration(boolean allowed) {
            return new Settings(keepAliveInterval, keepAliveCount, reconnectFirst, reconnectMax, domainType,
                    consoleDirectory, allowed, vncListen);
        }
    }

    private final Settings settings;
    private final Clock clock;
    private final Map<String, HostConnection> hosts = new ConcurrentHashMap<>();
    /** When each host that dropped last said something, as far as its connection can tell. */
    private final Map<String, Instant> silentSince = new ConcurrentHashMap<>();
    private final List<Consumer<HypervisorEvent>> listeners = new CopyOnWriteArrayList<>();
    /** The calls inside each connection: a lost host's connection is closed once none is. */
    private final ConnectionUses<Connect> uses = new ConnectionUses<>();
    /** By host id, the connection statistics are read on ({@link #statsCall}). */
    private final Map<String, StatsLink> statsLinks = new ConcurrentHashMap<>();
    private final BlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    private final ExecutorService background = Executors.newThreadPerTaskExecutor(
            Thread.ofPlatform().name("libvirt-worker-", 0).daemon().factory());
    private final Thread dispatcher;
    private final LibvirtStorage storage;
    private final RogueDomains rogues;
    private final Optional<ConsolePasswords> passwords;
    private volatile boolean closed;

    /** Without VNC passwords: domains defined get no VNC display. */
    public LibvirtHypervisor(Settings settings) {
        this(settings, Clock.systemUTC());
    }

    /** Domains defined get a VNC display asking the VM's password from {@code passwords}. */
    public LibvirtHypervisor(Settings settings, ConsolePasswords passwords) {
        this(settings, Clock.systemUTC(), Optional.of(passwords));
    }

    public LibvirtHypervisor(Settings settings, Clock clock) {
        this(settings, clock, Optional.empty());
    }

    private LibvirtHypervisor(Settings settings, Clock clock, Optional<ConsolePasswords> passwords) {
        this.settings = settings;
        this.clock = clock;
        this.passwords = passwords;
        this.storage = new LibvirtStorage(this);
        this.rogues = new RogueDomains(this);
        LibvirtEventLoop.ensureRunning();
        this.dispatcher = Thread.ofPlatform().name("libvirt-dispatch").daemon().start(this::dispatch);
    }

    // ---- hosts ----------------------------------------------------------------------------------

    @Override
    public HostFacts attach(String hostId, String uri) {
        requireOpen();
        HostConnection existing = hosts.get(hostId);
        if (existing != null) {
            if (!existing.uri.equals(uri)) {
                throw new HypervisorException(Reason.ALREADY_EXISTS,
                        "host " + hostId + " is attached through " + existing.uri + ", not " + uri);
            }
            if (existing.connect().isPresent()) {
                return existing.facts();
            }
            throw new HypervisorException(Reason.UNREACHABLE, "host " + hostId + " is attached but disconnected; reconnecting");
        }
        var link = new HostConnection(hostId, uri);
        open(link);
        if (hosts.putIfAbsent(hostId, link) != null) {
            close(link);
            return attach(hostId, uri);
        }
        LOG.info("attached host {} at {} ({} {})", hostId, uri, link.facts().hostname(), link.facts().hostUuid());
        publish(new HostEvent(clock.instant(), hostId, HostEventKind.CONNECTED));
        return link.facts();
    }

    @Override
    public void detach(String hostId) {
        HostConnection link = hosts.remove(hostId);
        if (link != null) {
            close(link);
            LOG.info("detached host {}", hostId);
        }
        StatsLink stats = statsLinks.remove(hostId);
        if (stats != null) {
            synchronized (stats) {
                stats.close();
            }
        }
    }

    @Override
    public boolean isConnected(String hostId) {
        HostConnection link = hosts.get(hostId);
        return link != null && link.connect().isPresent();
    }

    @Override
    public Optional<Instant> silentSince(String hostId) {
        return isConnected(hostId) ? Optional.empty() : Optional.ofNullable(silentSince.get(hostId));
    }

    @Override
    public HostFacts facts(String hostId) {
        HostConnection link = link(hostId);
        HostFacts facts = link.facts();
        if (facts == null) {
            throw new HypervisorException(Reason.UNREACHABLE, "host " + hostId + " has not answered yet");
        }
        return facts;
    }

    /** Opens the connection, reads the host's facts and registers keepalive, close and lifecycle callbacks. */
    private void open(HostConnection link) {
        Connect connect;
        try {
            connect = new Connect(link.uri, false);
        } catch (LibvirtException e) {
            HypervisorException failed = LibvirtErrors.translate("cannot connect to host " + link.hostId + " at "
                    + link.uri, e);
            // a connection that does not open (a TLS handshake the host refuses included) leaves the host out of reach
            throw failed.reason() == Reason.FAILED
                    ? new HypervisorException(Reason.UNREACHABLE, failed.getMessage(), e) : failed;
        }
        try {
            keepAlive(connect);
            var capabilities = HostCapabilities.parse(connect.getCapabilities());
            HostFacts facts = readFacts(link, connect, capabilities);
            connect.registerCloseListener(closeListener(link));
            LifecycleListener lifecycle = lifecycleListener(link);
            connect.addLifecycleListener(lifecycle);
            Optional<WatchdogEvents.Registration> watchdog = WatchdogEvents.register(connect, watchdogListener(link));
            if (watchdog.isEmpty()) {
                LOG.debug("host {} offers no watchdog events", link.hostId);
            }
            PoolNetworkEvents.Registration poolNetworkEvents = PoolNetworkEvents.register(connect,
                    poolNetworkListener(link));
            if (poolNetworkEvents.isEmpty()) {
                LOG.debug("host {} offers no storage pool or network events", link.hostId);
            }
            link.up(connect, lifecycle, watchdog, poolNetworkEvents, facts, capabilities);
        } catch (LibvirtException e) {
            quietlyClose(connect);
            throw LibvirtErrors.translate("cannot read host " + link.hostId + " at " + link.uri, e);
        } catch (RuntimeException e) {
            quietlyClose(connect);
            throw e;
        }
    }

    private void keepAlive(Connect connect) {
        try {
            connect.setKeepAlive((int) settings.keepAliveInterval().toSeconds(), settings.keepAliveCount());
        } catch (LibvirtException e) {
            // Local drivers (test:///default, qemu:///system) have no keepalive: nothing to lose there.
            LOG.debug("no keepalive on {}: {}", connect, e.getMessage());
        }
    }

    private static HostFacts readFacts(HostConnection link, Connect connect, HostCapabilities capabilities)
            throws LibvirtException {
        NodeInfo node = connect.nodeInfo();
        String cpuModel = "unknown".equals(capabilities.cpuModel()) ? node.model : capabilities.cpuModel();
        return new HostFacts(link.hostId, link.uri, connect.getHostName(), capabilities.hostUuid(), connect.getType(),
                version(connect.getVersion()), cpuModel, node.cpus, Math.max(capabilities.numaCells(), node.nodes),
                Resources.of(node.cpus * 1000L, node.memory / 1024, diskGib(link, connect), 0),
                capabilities.cpuVendor(), capabilities.cpuFeatures());
    }

    /** What the host's started storage pools hold ({@link HostStorage}); 0 when it cannot list them. */
    private static long diskGib(HostConnection link, Connect connect) {
        try {
            return HostStorage.diskGib(StoragePools.list(connect));
        } catch (LibvirtException e) {
            LOG.debug("host {} did not list its storage pools: {}", link.hostId, e.getMessage());
            return 0;
        }
    }

    static String version(long packed) {
        return (packed / 1_000_000) + "." + (packed / 1_000 % 1_000) + "." + (packed % 1_000);
    }

    private ConnectionCloseListener closeListener(HostConnection link) {
        return (connect, reason) -> inbox.add(() -> lost(link, connect, reason.name().toLowerCase()));
    }

    private LifecycleListener lifecycleListener(HostConnection link) {
        return (domain, event) -> {
            try {
                String uuid = domain.getUUIDString();
                String name = domain.getName();
                LifecycleEvents.kind(event).ifPresent(kind ->
                        inbox.add(() -> publish(new DomainEvent(clock.instant(), link.hostId, uuid, name, kind))));
            } catch (LibvirtException e) {
                LOG.debug("unreadable lifecycle event on {}: {}", link.hostId, e.getMessage());
            } finally {
                free(domain);
            }
            return 0;
        };
    }

    private WatchdogEvents.Listener watchdogListener(HostConnection link) {
        return (uuid, name, code) -> WatchdogEvents.action(code).ifPresentOrElse(
                action -> inbox.add(() -> publish(new WatchdogFired(clock.instant(), link.hostId, uuid, name, action))),
                () -> LOG.debug("watchdog of {} on {} fired with unknown action {}", uuid, link.hostId, code));
    }

    private PoolNetworkEvents.Listener poolNetworkListener(HostConnection link) {
        return new PoolNetworkEvents.Listener() {
            @Override
            public void pool(String name, PoolEventKind kind) {
                inbox.add(() -> publish(new PoolEvent(clock.instant(), link.hostId, name, kind)));
            }

            @Override
            public void network(String name, NetworkEventKind kind) {
                inbox.add(() -> publish(new NetworkEvent(clock.instant(), link.hostId, name, kind)));
            }

            @Override
            public void unknown(String what, String name, int code) {
                LOG.debug("{} {} on {}: unknown lifecycle event {}", what, name, link.hostId, code);
            }
        };
    }

    /** A connection was lost (keepalive, EOF, error): show the host disconnected and start reconnecting. */
    private void lost(HostConnection link, Connect connect, String why) {
        if (hosts.get(link.hostId) != link || !link.down(connect)) {
            return;
        }
        LOG.warn("host {} disconnected ({})", link.hostId, why);
        // libvirt's keepalive probes after interval s without a message, once per interval, and gives up one interval
        // after its count-th unanswered probe: the host has been silent for interval x (count + 1)
        Instant now = clock.instant();
        silentSince.put(link.hostId, why.equals("keepalive")
                ? now.minus(settings.keepAliveInterval().multipliedBy(settings.keepAliveCount() + 1L)) : now);
        publish(new HostEvent(clock.instant(), link.hostId, HostEventKind.DISCONNECTED));
        LifecycleListener lifecycle = link.lifecycle();
        Optional<WatchdogEvents.Registration> watchdog = link.watchdog();
        Optional<PoolNetworkEvents.Registration> poolNetworkEvents = link.poolNetworkEvents();
        background.execute(() -> {
            release(connect, lifecycle, watchdog, poolNetworkEvents);
            reconnect(link);
        });
    }

    private void reconnect(HostConnection link) {
        if (!link.startReconnecting()) {
            return;
        }
        var backoff = new Backoff(settings.reconnectFirst(), settings.reconnectMax());
        int attempt = 0;
        while (!closed && hosts.get(link.hostId) == link) {
            sleep(backoff.before(attempt++));
            if (closed || hosts.get(link.hostId) != link) {
                break;
            }
            try {
                open(link);
                if (closed || hosts.get(link.hostId) != link) {
                    // Detached while we were connecting: let go of the new connection.
                    close(link);
                    break;
                }
                LOG.info("host {} reconnected", link.hostId);
                inbox.add(() -> publish(new HostEvent(clock.instant(), link.hostId, HostEventKind.CONNECTED)));
                return;
            } catch (HypervisorException e) {
                LOG.debug("host {} still unreachable: {}", link.hostId, e.getMessage());
            }
        }
        link.stopReconnecting();
    }

    private void close(HostConnection link) {
        LifecycleListener lifecycle = link.lifecycle();
        Optional<WatchdogEvents.Registration> watchdog = link.watchdog();
        Optional<PoolNetworkEvents.Registration> poolNetworkEvents = link.poolNetworkEvents();
        link.connect().ifPresent(connect -> {
            link.down(connect);
            release(connect, lifecycle, watchdog, poolNetworkEvents);
        });
    }

    /**
     * Unregisters the callbacks first: a close listener left registered would report our own close as a loss,
     * and libvirt-java's lifecycle callback fails on a closed connection.
     */
    private void release(Connect connect, LifecycleListener lifecycle,
            Optional<WatchdogEvents.Registration> watchdog, Optional<PoolNetworkEvents.Registration> poolNetworkEvents) {
        // only this connection's: a reconnect has registered its own on the new one
        poolNetworkEvents.filter(registration -> registration.connect() == connect).ifPresent(registration -> {
            try {
                PoolNetworkEvents.deregister(registration);
            } catch (RuntimeException e) {
                LOG.debug("storage pool and network callbacks already gone: {}", e.getMessage());
            }
        });
        watchdog.ifPresent(registration -> {
            try {
                WatchdogEvents.deregister(registration);
            } catch (RuntimeException e) {
                LOG.debug("watchdog callback already gone: {}", e.getMessage());
            }
        });
        try {
            connect.unregisterCloseListener();
        } catch (LibvirtException | RuntimeException e) {
            LOG.debug("close listener already gone: {}", e.getMessage());
        }
        if (lifecycle != null) {
            try {
                connect.removeLifecycleListener(lifecycle);
            } catch (LibvirtException | RuntimeException e) {
                LOG.debug("lifecycle listener already gone: {}", e.getMessage());
            }
        }
        // a call still inside the connection (a sampler's, a migration's) would read freed memory once it is closed
        uses.retire(connect, () -> quietlyClose(connect));
    }

    private static void quietlyClose(Connect connect) {
        try {
            connect.close();
        } catch (LibvirtException e) {
            LOG.debug("closing a connection: {}", e.getMessage());
        }
    }

    // ---- domains --------------------------------------------------------------------------------

    @Override
    public List<DomainInfo> domains(String hostId) {
        return call(hostId, "list domains on " + hostId, connect -> {
            Domain[] all = connect.listAllDomains(0);
            var result = new ArrayList<DomainInfo>(all.length);
            try {
                for (Domain domain : all) {
                    result.add(info(hostId, domain));
                }
            } finally {
                for (Domain domain : all) {
                    free(domain);
                }
            }
            return List.copyOf(result);
        });
    }

    @Override
    public List<DomainStats> domainStats(String hostId) {
        return statsCall(hostId, "read domain statistics on " + hostId, BulkStats::domains);
    }

    @Override
    public HostStats hostStats(String hostId) {
        int cpus = facts(hostId).cpus();
        return statsCall(hostId, "read host statistics on " + hostId, connect -> BulkStats.host(connect, cpus));
    }

    @Override
    public Optional<DomainInfo> domain(String hostId, String uuid) {
        return call(hostId, "look up domain " + uuid + " on " + hostId, connect -> {
            Optional<Domain> found = lookup(connect, uuid);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(info(hostId, found.get()));
            } finally {
                free(found.get());
            }
        });
    }

    /** The inactive XML: the definition the domain boots from next, not the live one a migration may have changed. */
    @Override
    public Optional<DomainSpec> definition(String hostId, String uuid) {
        return call(hostId, "read the definition of domain " + uuid + " on " + hostId, connect -> {
            Optional<Domain> found = lookup(connect, uuid);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(DomainXml.read(found.get().getXMLDesc(XML_INACTIVE)));
            } finally {
                free(found.get());
            }
        });
    }

    @Override
    public DomainInfo define(String hostId, DomainSpec spec) {
        HostConnection link = link(hostId);
        String xml;
        try {
            xml = DomainXml.render(spec, xmlOptions(link, spec));
        } catch (IllegalArgumentException e) {
            throw new HypervisorException(Reason.INVALID_ARGUMENT, "domain " + spec.name() + ": " + e.getMessage(), e);
        }
        return call(hostId, "define domain " + spec.name() + " on " + hostId, connect -> {
            renameHeld(connect, spec);
            Domain domain = connect.domainDefineXML(xml);
            try {
                return info(hostId, domain);
            } finally {
                free(domain);
            }
        });
    }

    /**
     * libvirt refuses a definition that gives a domain's UUID another name; a domain held under its old name is
     * renamed first (it must be stopped), so that defining a renamed VM again is one define.
     */
    private static void renameHeld(Connect connect, DomainSpec spec) throws LibvirtException {
        Optional<Domain> held = lookup(connect, spec.uuid());
        if (held.isEmpty()) {
            return;
        }
        try {
            if (!held.get().getName().equals(spec.name())) {
                DomainRename.rename(held.get(), spec.name());
            }
        } finally {
            free(held.get());
        }
    }

    private DomainXml.Options xmlOptions(HostConnection link, DomainSpec spec) {
        DomainType type = settings.domainType().orElseGet(() -> link.capabilities().preferredDomainType());
        return new DomainXml.Options(type, settings.consoleDirectory().map(dir -> dir + "/" + spec.uuid() + ".console.log"),
                passwords.map(kept -> new DomainXml.Vnc(vncListen(link), kept.vncPassword(spec.uuid()))));
    }

    /** The configured VNC address, else the host's management address: the host of its URI. */
    private String vncListen(HostConnection link) {
        return settings.vncListen().orElseGet(() -> managementAddress(link.uri));
    }

    static String managementAddress(String uri) {
        try {
            String host = java.net.URI.create(uri).getHost();
            return host == null || host.isEmpty() ? "127.0.0.1" : host.replaceAll("^\\[|]$", "");
        } catch (IllegalArgumentException e) {
            return "127.0.0.1";
        }
    }

    /**
     * A VNC display listening on the source's address is moved to {@code address}, the destination's, in the domain
     * it runs there and the definition it keeps; a display already there, or none, leaves the request as it is.
     */
    private static MigrationRequest withDisplayMoved(Domain domain, MigrationRequest request, String address)
            throws LibvirtException {
        String live = domain.getXMLDesc(XML_SECURE | XML_MIGRATABLE);
        Optional<String> from = DomainXml.vncOf(live).map(DomainXml.LiveVnc::listen);
        if (from.isEmpty() || from.get().equals(address)) {
            return request;
        }
        String persistent = domain.getXMLDesc(XML_SECURE | XML_INACTIVE | XML_MIGRATABLE);
        return request.withDestinationXml(DomainXml.withVncListen(live, from.get(), address),
                DomainXml.withVncListen(persistent, from.get(), address));
    }

    // ---- consoles -------------------------------------------------------------------------------

    /** virDomainOpenConsole on the domain's first console, a pty (see {@link DomainConsoles}). */
    @Override
    public SerialConsole openSerialConsole(String hostId, String uuid, boolean force) {
        return call(hostId, "open the console of domain " + uuid + " on " + hostId, connect -> {
            Domain domain = lookup(connect, uuid).orElseThrow(() -> new HypervisorException(Reason.NOT_FOUND,
                    "no domain " + uuid + " on " + hostId));
            try {
                return DomainConsoles.open(connect, domain, uuid, force);
            } finally {
                free(domain);
            }
        });
    }

    /** The live XML's display, read with its secrets (VIR_DOMAIN_XML_SECURE) for the password. */
    @Override
    public VncDisplay vncDisplay(String hostId, String uuid) {
        VncDisplay[] display = new VncDisplay[1];
        onDomain(hostId, uuid, "read the VNC display of", domain -> {
            DomainXml.LiveVnc live = liveVnc(domain, hostId, uuid);
            display[0] = new VncDisplay(reachable(live.listen(), hostId), live.port(), live.password().orElse(""));
        });
        return display[0];
    }

    /**
     * A new password kept for the VM first, then given to the running domain and its definition in one
     * virDomainUpdateDeviceFlags (LIVE|CONFIG): should the update fail, rotating again gives the domain the kept one.
     * Not an operation step, so that no password reaches the journal.
     */
    @Override
    public VncDisplay rotateVncPassword(String hostId, String uuid) {
        ConsolePasswords kept = passwords.orElseThrow(() -> new HypervisorException(Reason.INVALID_STATE,
                "This server gives VMs no VNC password."));
        VncDisplay[] display = new VncDisplay[1];
        onDomain(hostId, uuid, "rotate the VNC password of", domain -> {
            DomainXml.LiveVnc live = liveVnc(domain, hostId, uuid);
            String password = kept.rotateVncPassword(uuid);
            domain.updateDeviceFlags(DomainXml.vncPasswordXml(live, password),
                    Domain.DeviceModifyFlags.LIVE | Domain.DeviceModifyFlags.CONFIG);
            display[0] = new VncDisplay(reachable(live.listen(), hostId), live.port(), password);
        });
        return display[0];
    }

    private static DomainXml.LiveVnc liveVnc(Domain domain, String hostId, String uuid) throws LibvirtException {
        String name = domain.getName();
        if (domain.isActive() != 1) {
            throw new HypervisorException(Reason.INVALID_STATE, "Domain " + name + " does not run; its"
                    + " VNC display listens only while it runs.");
        }
        return DomainXml.vncOf(domain.getXMLDesc(XML_SECURE)).filter(live -> live.port() > 0)
                .orElseThrow(() -> new HypervisorException(Reason.INVALID_STATE, "Domain " + name
                        + " on " + hostId + " has no VNC display; it gets one when it is defined again."));
    }

    /**
     * The NIC's port on its switch, through the switch's database on the host's management address (port 6640,
     * OVSDB's own); libvirt plugs the port in but has no word for mirrors.
     */
    @Override
    public void mirrorNic(String hostId, String uuid, String mac, Optional<Nic.Mirror> mirror) {
        DomainXml.LivePort port = livePort(hostId, uuid, mac).orElseThrow(() -> new HypervisorException(
                Reason.INVALID_STATE, "domain " + uuid + " on " + hostId + " does not run: its NIC " + mac
                        + " has no switch port to mirror"));
        if (!port.openvswitch()) {
            throw new HypervisorException(Reason.INVALID_ARGUMENT, "NIC " + mac + " of domain " + uuid + " on "
                    + hostId + " joins " + port.bridge() + ", no Open vSwitch switch: its port cannot be mirrored");
        }
        try (OvsdbClient client = switchDatabase(hostId)) {
            new SwitchMirrors(client).set(port.bridge(), port.device(), mac, mirror);
        } catch (OvsdbException e) {
            throw new HypervisorException(Reason.INVALID_ARGUMENT, "host " + hostId + ": " + e.getMessage());
        }
        // the flows the switch caches take the change at once, not when they idle out
        try (OpenFlowClient flows = OpenFlowClient.connect(managementAddress(link(hostId).uri), SWITCH_OPENFLOW_PORT,
                Duration.ofSeconds(10))) {
            flows.revalidate();
        } catch (OvsdbException e) {
            throw new HypervisorException(Reason.UNREACHABLE, "host " + hostId + ": the mirror is set, but " +
                    e.getMessage() + "; flows already under way keep their copies as they were until they idle out");
        }
    }

    /**
     * The switch's ports found through its database (libvirt marks each VM port with its NIC's MAC), the guards kept
     * as flows through its OpenFlow listener (port 6653).
     */
    @Override
    public int guardSwitch(String hostId, String switchName, List<PortGuard> guards) {
        Map<String, Integer> ports;
        try (OvsdbClient client = switchDatabase(hostId)) {
            ports = SwitchGuards.portsByMac(client, switchName);
        } catch (OvsdbException e) {
            throw new HypervisorException(Reason.UNREACHABLE, "host " + hostId + ": " + e.getMessage());
        }
        try (OpenFlowClient flows = OpenFlowClient.connect(managementAddress(link(hostId).uri), SWITCH_OPENFLOW_PORT,
                Duration.ofSeconds(10))) {
            return flows.keep(SwitchGuards.flows(guards, ports)).total();
        } catch (OvsdbException e) {
            throw new HypervisorException(Reason.UNREACHABLE, "host " + hostId + ": " + e.getMessage());
        }
    }

    @Override
    public List<String> switchPorts(String hostId, String uuid, String mac) {
        Optional<DomainXml.LivePort> port = livePort(hostId, uuid, mac);
        if (port.isEmpty() || !port.get().openvswitch()) {
            return List.of();
        }
        try (OvsdbClient client = switchDatabase(hostId)) {
            return new SwitchMirrors(client).ports(port.get().bridge());
        } catch (OvsdbException e) {
            throw new HypervisorException(Reason.UNREACHABLE, "host " + hostId + ": " + e.getMessage());
        }
    }

    @Override
    public Optional<Nic.Mirror> nicMirror(String hostId, String uuid, String mac) {
        Optional<DomainXml.LivePort> port = livePort(hostId, uuid, mac);
        if (port.isEmpty() || !port.get().openvswitch()) {
            return Optional.empty();
        }
        try (OvsdbClient client = switchDatabase(hostId)) {
            return new SwitchMirrors(client).get(mac);
        } catch (OvsdbException e) {
            throw new HypervisorException(Reason.UNREACHABLE, "host " + hostId + ": " + e.getMessage());
        }
    }

    /** The port of a running domain's NIC; empty when the domain does not run. */
    private Optional<DomainXml.LivePort> livePort(String hostId, String uuid, String mac) {
        List<Optional<DomainXml.LivePort>> found = new ArrayList<>(1);
        onDomain(hostId, uuid, "read the NIC ports of", domain -> {
            if (domain.isActive() != 1) {
                found.add(Optional.empty());
                return;
            }
            String xml = domain.getXMLDesc(0);
            found.add(Optional.of(DomainXml.portOf(xml, mac).orElseThrow(() -> new HypervisorException(
                    Reason.INVALID_ARGUMENT, "domain " + uuid + " on " + hostId + " has no NIC " + mac))));
        });
        return found.getFirst();
    }

    private OvsdbClient switchDatabase(String hostId) {
        return OvsdbClient.connect(managementAddress(link(hostId).uri), SWITCH_DATABASE_PORT, Duration.ofSeconds(10));
    }

    /** A display listening on every address is reached at the host's management address. */
    private String reachable(String listen, String hostId) {
        return listen.equals("0.0.0.0") || listen.equals("::") ? managementAddress(link(hostId).uri) : listen;
    }

    @Override
    public void start(String hostId, String uuid) {
        long hostMemoryMib = facts(hostId).capacity().memoryMib();
        onDomain(hostId, uuid, "start", domain -> {
            if (domain.isActive() == 1) {
                return;
            }
            // QEMU allocates guest memory lazily, so an oversized guest would start and die later; refuse it now.
            long wantedMib = domain.getInfo().maxMem / 1024;
            if (wantedMib > hostMemoryMib) {
                throw new HypervisorException(Reason.INSUFFICIENT_RESOURCES, "domain " + uuid + " needs " + wantedMib
                        + " MiB of memory; host " + hostId + " has " + hostMemoryMib + " MiB");
            }
            domain.create();
        });
    }

    @Override
    public void shutdown(String hostId, String uuid) {
        onDomain(hostId, uuid, "shut down", domain -> {
            if (domain.isActive() == 1) {
                domain.shutdown();
            }
        });
    }

    @Override
    public void destroy(String hostId, String uuid) {
        onDomain(hostId, uuid, "destroy", domain -> {
            if (domain.isActive() == 1) {
                domain.destroy();
            }
        });
    }

    @Override
    public void undefine(String hostId, String uuid) {
        call(hostId, "undefine domain " + uuid + " on " + hostId, connect -> {
            Optional<Domain> found = lookup(connect, uuid);
            if (found.isEmpty()) {
                return null;
            }
            Domain domain = found.get();
            try {
                if (domain.isActive() == 1) {
                    throw new HypervisorException(Reason.INVALID_STATE,
                            "domain " + uuid + " on " + hostId + " is running; stop it before removing it");
                }
                undefineWithMetadata(domain);
                return null;
            } finally {
                free(domain);
            }
        });
    }

    /** Removes snapshot and checkpoint metadata with the domain; drivers that know no such flag get plain undefine. */
    private static void undefineWithMetadata(Domain domain) throws LibvirtException {
        try {
            domain.undefine(Domain.UndefineFlags.MANAGED_SAVE | Domain.UndefineFlags.SNAPSHOTS_METADATA
                    | UNDEFINE_CHECKPOINTS_METADATA);
        } catch (LibvirtException e) {
            if (e.getError() == null || e.getError().getCode() != org.libvirt.Error.ErrorNumber.VIR_ERR_INVALID_ARG) {
                throw e;
            }
            domain.undefine(0);
        }
    }

    /**
     * virDomainAttachDeviceFlags: into the definition unless it has the NIC, and into the running guest unless it has
     * it, so a plug that got half way is finished by running it again.
     */
    @Override
    public void attachNic(String hostId, String uuid, DomainSpec.NicSpec nic) {
        String xml = DomainXml.interfaceXml(nic);
        onDomain(hostId, uuid, "plug NIC " + nic.mac() + " into", domain -> {
            boolean active = domain.isActive() == 1;
            int flags = (hasNic(domain, XML_INACTIVE, nic.mac()) ? 0 : Domain.DeviceModifyFlags.CONFIG)
                    | (active && !hasNic(domain, 0, nic.mac()) ? Domain.DeviceModifyFlags.LIVE : 0);
            if (flags != 0) {
                domain.attachDeviceFlags(xml, flags);
            }
        });
    }

    /**
     * virDomainDetachDeviceFlags, from the definition and the running guest where each has the NIC. QEMU unplugs a
     * device once the guest lets go of it: libvirt waits a few seconds for that, then leaves it to finish.
     */
    @Override
    public void detachNic(String hostId, String uuid, String mac) {
        onDomain(hostId, uuid, "unplug NIC " + mac + " from", domain -> {
            boolean active = domain.isActive() == 1;
            Optional<DomainSpec.NicSpec> held = nicOf(domain, XML_INACTIVE, mac);
            Optional<DomainSpec.NicSpec> live = active ? nicOf(domain, 0, mac) : Optional.empty();
            int flags = (held.isPresent() ? Domain.DeviceModifyFlags.CONFIG : 0)
                    | (live.isPresent() ? Domain.DeviceModifyFlags.LIVE : 0);
            if (flags != 0) {
                domain.detachDeviceFlags(DomainXml.interfaceXml(held.or(() -> live).orElseThrow()), flags);
            }
        });
    }

    /** virDomainAttachDeviceFlags, into the definition and the running guest where each lacks the target. */
    @Override
    public void attachDisk(String hostId, String uuid, DomainSpec.DiskSpec disk) {
        String xml = DomainXml.diskXml(disk);
        onDomain(hostId, uuid, "plug disk " + disk.target() + " into", domain -> {
            boolean active = domain.isActive() == 1;
            int flags = (diskOn(domain, XML_INACTIVE, disk.target()).isPresent() ? 0 : Domain.DeviceModifyFlags.CONFIG)
                    | (active && diskOn(domain, 0, disk.target()).isEmpty() ? Domain.DeviceModifyFlags.LIVE : 0);
            if (flags != 0) {
                domain.attachDeviceFlags(xml, flags);
            }
        });
    }

    /**
     * virDomainDetachDeviceFlags, from the definition and the running guest where each has the target. QEMU takes a
     * disk out of a running guest only once the guest lets go of it (a PCI hot unplug the guest's kernel completes);
     * libvirt waits five seconds for that and then returns with the removal pending, so the live XML is polled until
     * the disk is gone, and a guest that holds it longer fails the step.
     */
    @Override
    public void detachDisk(String hostId, String uuid, String target) {
        onDomain(hostId, uuid, "unplug disk " + target + " from", domain -> {
            boolean active = domain.isActive() == 1;
            Optional<DomainSpec.DiskSpec> held = diskOn(domain, XML_INACTIVE, target);
            Optional<DomainSpec.DiskSpec> live = active ? diskOn(domain, 0, target) : Optional.empty();
            int flags = (held.isPresent() ? Domain.DeviceModifyFlags.CONFIG : 0)
                    | (live.isPresent() ? Domain.DeviceModifyFlags.LIVE : 0);
            if (flags != 0) {
                domain.detachDeviceFlags(DomainXml.diskXml(held.or(() -> live).orElseThrow()), flags);
            }
            if (live.isPresent()) {
                awaitRelease(domain, uuid, target);
            }
        });
    }

    private static void awaitRelease(Domain domain, String uuid, String target) throws LibvirtException {
        long deadline = System.nanoTime() + DEVICE_RELEASE.toNanos();
        while (domain.isActive() == 1 && diskOn(domain, 0, target).isPresent()) {
            if (System.nanoTime() - deadline > 0) {
                throw new HypervisorException(Reason.FAILED, "the guest of domain " + uuid + " did not release disk "
                        + target + " within " + DEVICE_RELEASE.toSeconds() + " s; it leaves when the guest lets go of"
                        + " it (run the change again), or when the VM stops");
            }
            try {
                Thread.sleep(RELEASE_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HypervisorException(Reason.FAILED, "interrupted while waiting for the guest of domain " + uuid
                        + " to release disk " + target);
            }
        }
    }

    /**
     * virDomainSetVcpusFlags with LIVE where the running guest has another count and CONFIG where the definition has.
     * QEMU plugs vCPUs of a q35 machine in at once; it unplugs one only when the guest's kernel lets it go, and libvirt
     * fails the call when the guest does not ("vcpu unplug request timed out", as the lab's guests answer).
     */
    @Override
    public void setVcpus(String hostId, String uuid, int vcpus) {
        onDomain(hostId, uuid, "set the vCPUs of", domain -> {
            boolean active = domain.isActive() == 1;
            String inactive = domain.getXMLDesc(XML_INACTIVE);
            int most = DomainXml.vcpuSlots(inactive);
            if (vcpus < 1 || vcpus > most) {
                throw new HypervisorException(Reason.INVALID_ARGUMENT, "domain " + uuid + " on " + hostId + " has at"
                        + " most " + most + " vCPUs, not " + vcpus);
            }
            int running = active ? DomainXml.read(domain.getXMLDesc(0)).vcpus() : vcpus;
            int flags = (DomainXml.read(inactive).vcpus() != vcpus ? Domain.VcpuFlags.CONFIG : 0)
                    | (running != vcpus ? Domain.VcpuFlags.LIVE : 0);
            if (flags == 0) {
                return;
            }
            try {
                domain.setVcpusFlags(vcpus, flags);
            } catch (LibvirtException e) {
                if (vcpus >= running) {
                    throw e;
                }
                throw new HypervisorException(Reason.FAILED, "the guest of domain " + uuid + " on " + hostId + " did"
                        + " not let go of " + (running - vcpus) + " of its " + running + " vCPUs, and libvirt refused"
                        + " the unplug (" + e.getMessage() + "); it has fewer only once stopped", e);
            }
        });
    }

    /**
     * Memory modules (DIMMs) plugged in, or plugged ones unplugged, with virDomainAttachDeviceFlags and
     * virDomainDetachDeviceFlags: in the definition (CONFIG) and in the running guest (LIVE), each by the difference
     * its own XML shows, so a change that got half way is finished by running it again. See {@link DomainXml} for why
     * modules and not a balloon.
     */
    @Override
    public void setMemory(String hostId, String uuid, long memoryMib) {
        onDomain(hostId, uuid, "set the memory of", domain -> {
            resizeMemory(domain, uuid, XML_INACTIVE, Domain.DeviceModifyFlags.CONFIG, memoryMib);
            if (domain.isActive() == 1) {
                resizeMemory(domain, uuid, 0, Domain.DeviceModifyFlags.LIVE, memoryMib);
            }
        });
    }

    private static void resizeMemory(Domain domain, String uuid, int xmlFlags, int deviceFlags, long memoryMib)
            throws LibvirtException {
        String xml = domain.getXMLDesc(xmlFlags);
        long now = DomainXml.memoryMib(xml);
        if (now == memoryMib) {
            return;
        }
        String which = deviceFlags == Domain.DeviceModifyFlags.LIVE ? "running domain " : "definition of domain ";
        long most = DomainXml.maxMemoryMib(xml).orElseThrow(() -> new HypervisorException(Reason.INVALID_ARGUMENT,
                "the " + which + uuid + " has no memory slots; its memory changes when it is defined again"));
        if (memoryMib > most) {
            throw new HypervisorException(Reason.INVALID_ARGUMENT, "the " + which + uuid + " has at most " + most
                    + " MiB of memory, not " + memoryMib);
        }
        if (memoryMib > now) {
            domain.attachDeviceFlags(DomainXml.dimmXml(memoryMib - now), deviceFlags);
            return;
        }
        List<DomainXml.Dimm> plugged = DomainXml.dimms(xml);
        List<DomainXml.Dimm> unplugged = new ArrayList<>();
        long freed = 0;
        for (int i = plugged.size() - 1; i >= 0 && freed < now - memoryMib; i--) {
            unplugged.add(plugged.get(i));
            freed += plugged.get(i).sizeMib();
        }
        if (freed != now - memoryMib) {
            throw new HypervisorException(Reason.INVALID_ARGUMENT, "the " + which + uuid + " has " + now + " MiB of"
                    + " memory; it shrinks only by the memory modules plugged in last, not to " + memoryMib + " MiB");
        }
        for (DomainXml.Dimm dimm : unplugged) {
            domain.detachDeviceFlags(dimm.xml(), deviceFlags);
        }
    }

    /** virDomainBlockResize in bytes, after virDomainGetBlockInfo says the disk is smaller. */
    @Override
    public void growDisk(String hostId, String uuid, String target, long capacityBytes) {
        onDomain(hostId, uuid, "grow disk " + target + " of", domain -> {
            if (domain.isActive() != 1) {
                throw new HypervisorException(Reason.INVALID_STATE, "domain " + uuid + " on " + hostId + " does not"
                        + " run; grow the volume of its disk " + target + " instead");
            }
            long now = domain.blockInfo(target).getCapacity();
            if (capacityBytes < now) {
                throw new HypervisorException(Reason.INVALID_ARGUMENT, "disk " + target + " of domain " + uuid + " is "
                        + now + " bytes; it is not shrunk to " + capacityBytes);
            }
            if (capacityBytes > now) {
                domain.blockResize(target, capacityBytes, Domain.BlockResizeFlags.BYTES);
            }
        });
    }

    private static Optional<DomainSpec.DiskSpec> diskOn(Domain domain, int xmlFlags, String target)
            throws LibvirtException {
        return DomainXml.read(domain.getXMLDesc(xmlFlags)).disks().stream()
                .filter(disk -> disk.target().equals(target)).findFirst();
    }

    private static boolean hasNic(Domain domain, int xmlFlags, String mac) throws LibvirtException {
        return nicOf(domain, xmlFlags, mac).isPresent();
    }

    private static Optional<DomainSpec.NicSpec> nicOf(Domain domain, int xmlFlags, String mac)
            throws LibvirtException {
        return DomainXml.read(domain.getXMLDesc(xmlFlags)).nics().stream()
                .filter(nic -> nic.mac().equalsIgnoreCase(mac)).findFirst();
    }

    @Override
    public void suspend(String hostId, String uuid) {
        onDomain(hostId, uuid, "suspend", domain -> {
            if (domain.isActive() == 0) {
                throw new HypervisorException(Reason.INVALID_STATE, "domain " + uuid + " is not running");
            }
            if (domain.getInfo().state != org.libvirt.DomainInfo.DomainState.VIR_DOMAIN_PAUSED) {
                domain.suspend();
            }
        });
    }

    /** Pauses the domain and takes every NIC's link down, live and in its definition (see {@link RogueDomains}). */
    @Override
    public void quarantine(String hostId, String uuid) {
        rogues.quarantine(hostId, uuid);
    }

    @Override
    public void resume(String hostId, String uuid) {
        onDomain(hostId, uuid, "resume", domain -> {
            if (domain.isActive() == 0) {
                throw new HypervisorException(Reason.INVALID_STATE, "domain " + uuid + " is not running");
            }
            if (domain.getInfo().state == org.libvirt.DomainInfo.DomainState.VIR_DOMAIN_PAUSED) {
                domain.resume();
            }
        });
    }

    // ---- backups and checkpoints ------------------------------------------------------------------

    @Override
    public BackupExport beginBackup(String hostId, String uuid, BackupRequest request) {
        return call(hostId, "begin a backup of domain " + uuid + " on " + hostId, connect -> {
            Domain domain = lookup(connect, uuid).orElseThrow(() -> new HypervisorException(Reason.NOT_FOUND,
                    "no domain " + uuid + " on " + hostId));
            try {
                return DomainBackups.begin(domain, request);
            } finally {
                free(domain);
            }
        });
    }

    @Override
    public void endBackup(String hostId, String uuid) {
        call(hostId, "end the backup of domain " + uuid + " on " + hostId, connect -> {
            Optional<Domain> domain = lookup(connect, uuid);
            if (domain.isPresent()) {
                try {
                    DomainBackups.end(domain.get());
                } finally {
                    free(domain.get());
                }
            }
            return null;
        });
    }

    @Override
    public List<Checkpoint> checkpoints(String hostId, String uuid) {
        return call(hostId, "list the checkpoints of domain " + uuid + " on " + hostId, connect -> {
            Domain domain = lookup(connect, uuid).orElseThrow(() -> new HypervisorException(Reason.NOT_FOUND,
                    "no domain " + uuid + " on " + hostId));
            try {
                return DomainBackups.list(domain);
            } finally {
                free(domain);
            }
        });
    }

    @Override
    public void redefineCheckpoints(String hostId, String uuid, List<Checkpoint> chain) {
        onDomain(hostId, uuid, "redefine checkpoints of", domain -> DomainBackups.redefine(domain, chain));
    }

    @Override
    public void deleteCheckpoint(String hostId, String uuid, String name) {
        onDomain(hostId, uuid, "delete checkpoint " + name + " of", domain -> DomainBackups.delete(domain, name));
    }

    @Override
    public void forgetCheckpoints(String hostId, String uuid) {
        onDomain(hostId, uuid, "forget the checkpoints of", DomainBackups::forgetAll);
    }

    // ---- migration ------------------------------------------------------------------------------

    @Override
    public MigrationResult migrate(String uuid, String fromHostId, String toHostId, MigrationOptions options,
            Consumer<Double> progress) {
        if (fromHostId.equals(toHostId)) {
            throw new HypervisorException(Reason.INVALID_ARGUMENT, "cannot migrate " + uuid + " to the host it runs on");
        }
        HostConnection target = link(toHostId);
        Connect destination = enter(target);
        try {
            return migrate(uuid, fromHostId, toHostId, options, progress, target, destination);
        } finally {
            uses.leave(destination);
        }
    }

    private MigrationResult migrate(String uuid, String fromHostId, String toHostId, MigrationOptions options,
            Consumer<Double> progress, HostConnection target, Connect destination) {
        return call(fromHostId, "migrate " + uuid + " from " + fromHostId + " to " + toHostId, source -> {
            Domain domain = lookup(source, uuid).orElseThrow(() -> new HypervisorException(Reason.NOT_FOUND,
                    "no domain " + uuid + " on " + fromHostId));
            try {
                if (domain.isActive() == 0) {
                    throw new HypervisorException(Reason.INVALID_STATE, "domain " + uuid + " is not running; only a running domain is live-migrated");
                }
                MigrationRequest request;
                try {
                    request = MigrationRequest.of(domain.getName(), options, settings.unsafeMigration());
                } catch (IllegalArgumentException e) {
                    throw new HypervisorException(Reason.INVALID_ARGUMENT, e.getMessage(), e);
                }
                request = withDisplayMoved(domain, request, vncListen(target));
                // The bitmaps travel inside the qcow2 disks; the checkpoints naming them are the host's own, so
                // they are redefined on the destination, where the next incremental backup looks for them.
                List<Checkpoint> checkpoints = DomainBackups.list(domain);
                var watch = new MigrationWatch(domain, options.maxDowntime(), progress);
                long started = System.nanoTime();
                var poller = background.submit(watch);
                try {
                    // Peer-to-peer: the source host's libvirtd opens the destination URI itself (virDomainMigrateToURI3).
                    domain.migrateToURI(target.uri, request.parameterArray(), request.flags());
                } finally {
                    watch.stop();
                    poller.cancel(true);
                }
                Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
                Domain moved = lookup(destination, uuid).orElseThrow(() -> new HypervisorException(Reason.FAILED,
                        "domain " + uuid + " migrated but is not on " + toHostId));
                try {
                    if (!checkpoints.isEmpty()) {
                        try {
                            DomainBackups.redefine(moved, checkpoints);
                        } catch (HypervisorException e) {
                            // The next backup then finds no checkpoint and reads the whole disk: nothing is lost.
                            LOG.warn("domain {} migrated to {} without its checkpoints: {}", uuid, toHostId,
                                    e.getMessage());
                        }
                    }
                    progress.accept(1.0);
                    MigrationWatch.Completed done = MigrationWatch.completed(moved);
                    LOG.info("migrated {} from {} to {} in {} ms (downtime {} ms)", uuid, fromHostId, toHostId,
                            elapsed.toMillis(), done.downtime().toMillis());
                    return new MigrationResult(uuid, fromHostId, toHostId, elapsed, done.downtime(), done.bytes());
                } finally {
                    free(moved);
                }
            } finally {
                free(domain);
            }
        });
    }

    /** libvirt's abort of the domain's job; a domain with no job running (done, or never begun) is left alone. */
    @Override
    public void abortMigration(String fromHostId, String uuid) {
        onDomain(fromHostId, uuid, "abort the migration of", domain -> {
            if (domain.getJobInfo().getType() != 0) {
                domain.abortJob();
            }
        });
    }

    // ---- storage pools ------------------------------------------------------------------------

    @Override
    public List<PoolFacts> pools(String hostId) {
        List<PoolFacts> pools = call(hostId, "list storage pools on " + hostId, StoragePools::list);
        link(hostId).measured(HostStorage.diskGib(pools));
        return pools;
    }

    @Override
    public PoolFacts definePool(String hostId, PoolSpec spec) {
        return call(hostId, "define storage pool " + spec.name() + " on " + hostId,
                connect -> StoragePools.define(connect, spec));
    }

    @Override
    public void undefinePool(String hostId, String name) {
        call(hostId, "undefine storage pool " + name + " on " + hostId, connect -> {
            StoragePools.undefine(connect, name);
            return null;
        });
    }

    @Override
    public List<VolumeFacts> volumes(String hostId, String pool) {
        return call(hostId, "list the volumes of " + pool + " on " + hostId,
                connect -> StoragePools.volumes(connect, pool));
    }

    @Override
    public VolumeFacts createVolume(String hostId, String pool, String name, long capacityMib, String format) {
        try {
            StoragePools.volumeXml(name, capacityMib, format);
        } catch (IllegalArgumentException e) {
            throw new HypervisorException(Reason.INVALID_ARGUMENT, "volume " + name + ": " + e.getMessage(), e);
        }
        return call(hostId, "create volume " + name + " in " + pool + " on " + hostId,
                connect -> StoragePools.createVolume(connect, pool, name, capacityMib, format));
    }

    @Override
    public VolumeFacts cloneVolume(String hostId, String pool, String name, String from, boolean linked,
            long capacityBytes, Consumer<Double> progress) {
        return call(hostId, (linked ? "link " : "copy ") + from + " to volume " + name + " in " + pool + " on " + hostId,
                connect -> StoragePools.cloneVolume(connect, pool, name, from, linked, capacityBytes, progress));
    }

    @Override
    public VolumeFacts uploadVolume(String hostId, String pool, String name, long length, java.io.InputStream data) {
        return call(hostId, "upload volume " + name + " to " + pool + " on " + hostId,
                connect -> StoragePools.uploadVolume(connect, pool, name, length, data));
    }

    @Override
    public void downloadVolume(String hostId, String pool, String name, java.io.OutputStream out) {
        call(hostId, "download volume " + name + " from " + pool + " on " + hostId, connect -> {
            StoragePools.downloadVolume(connect, pool, name, out);
            return null;
        });
    }

    @Override
    public VolumeFacts importVolume(String hostId, String pool, String name, String path) {
        return call(hostId, "import " + path + " as volume " + name + " in " + pool + " on " + hostId,
                connect -> StoragePools.importVolume(connect, pool, name, path));
    }

    @Override
    public VolumeFacts resizeVolume(String hostId, String pool, String name, long capacityBytes) {
        return call(hostId, "grow volume " + name + " in " + pool + " on " + hostId + " to " + capacityBytes + " bytes",
                connect -> StoragePools.resizeVolume(connect, pool, name, capacityBytes));
    }

    @Override
    public void deleteVolume(String hostId, String pool, String name) {
        call(hostId, "delete volume " + name + " from " + pool + " on " + hostId, connect -> {
            StoragePools.deleteVolume(connect, pool, name);
            return null;
        });
    }

    /** Domain snapshots on the attached hosts; not part of the port yet. */
    public LibvirtStorage storage() {
        return storage;
    }

    /** Telling Paddock's domains from others, and quarantining the others; not part of the port yet. */
    public RogueDomains rogues() {
        return rogues;
    }

    // ---- networks -------------------------------------------------------------------------------

    @Override
    public List<HostNetwork> networks(String hostId) {
        return call(hostId, "list networks on " + hostId, LibvirtNetworks::list);
    }

    @Override
    public List<HostBridge> bridges(String hostId) {
        return call(hostId, "list bridges on " + hostId, LibvirtNetworks::bridges);
    }

    @Override
    public Optional<HostBridge> bridge(String hostId, String name) {
        return call(hostId, "look up bridge " + name + " on " + hostId, connect -> LibvirtNetworks.bridge(connect, name));
    }

    @Override
    public HostNetwork defineNetwork(String hostId, NetworkSpec spec) {
        return call(hostId, "define network " + spec.name() + " on " + hostId,
                connect -> LibvirtNetworks.define(connect, hostId, spec));
    }

    @Override
    public void undefineNetwork(String hostId, String name) {
        call(hostId, "undefine network " + name + " on " + hostId, connect -> {
            LibvirtNetworks.undefine(connect, name);
            return null;
        });
    }

    // ---- events ---------------------------------------------------------------------------------

    @Override
    public Subscription subscribe(Consumer<HypervisorEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void publish(HypervisorEvent event) {
        for (Consumer<HypervisorEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("event listener failed on {}: {}", event, e.toString());
            }
        }
    }

    private void dispatch() {
        while (!closed || !inbox.isEmpty()) {
            try {
                inbox.take().run();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("event dispatch failed: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (String hostId : List.copyOf(hosts.keySet())) {
            detach(hostId);
        }
        dispatcher.interrupt();
        background.shutdownNow();
    }

    // ---- plumbing -------------------------------------------------------------------------------

    @FunctionalInterface
    interface LibvirtCall<T> {
        T apply(Connect connect) throws LibvirtException;
    }

    @FunctionalInterface
    interface DomainAction {
        void apply(Domain domain) throws LibvirtException;
    }

    <T> T call(String hostId, String what, LibvirtCall<T> body) {
        HostConnection link = link(hostId);
        Connect connect = enter(link);
        try {
            return body.apply(connect);
        } catch (LibvirtException e) {
            HypervisorException translated = LibvirtErrors.translate(what, e);
            // UNREACHABLE may name another host (a migration's destination): only a dead link of ours is a loss.
            if (translated.reason() == Reason.UNREACHABLE && !alive(connect)) {
                inbox.add(() -> lost(link, connect, translated.getMessage()));
            }
            throw translated;
        } finally {
            uses.leave(connect);
        }
    }

    /** The link's connection, counted in use until {@link ConnectionUses#leave}: nothing closes it meanwhile. */
    private Connect enter(HostConnection link) {
        Connect connect = liveConnect(link);
        if (!uses.enter(connect)) {
            throw new HypervisorException(Reason.UNREACHABLE, "host " + link.hostId + " is disconnected");
        }
        return connect;
    }

    /** virConnectIsAlive: a local check of the connection's state, no call to the host. */
    private static boolean alive(Connect connect) {
        try {
            return connect.isAlive();
        } catch (LibvirtException e) {
            return false;
        }
    }

    /**
     * A statistics read on the host's statistics connection: a connection of its own, used by one caller at a time
     * and closed only by its user. libvirt 9.0's RPC client leaves a socket watch attached to the connection's event
     * loop when another thread wakes the loop, pointing into the stack of the call that made it; once the socket
     * hangs up (the host died), the next thread to run that loop fires it and reads a stale frame. The sampler, the
     * most frequent caller, crashed the process so on a shared connection; alone on its own it runs the loop at the
     * same depth each time. Opened on first use; a failed read closes it, and the next read opens another.
     */
    private <T> T statsCall(String hostId, String what, LibvirtCall<T> body) {
        HostConnection link = link(hostId);
        liveConnect(link);
        StatsLink stats = statsLinks.computeIfAbsent(hostId, id -> new StatsLink());
        synchronized (stats) {
            try {
                if (stats.connect == null) {
                    stats.connect = new Connect(link.uri, false);
                    keepAlive(stats.connect);
                }
                return body.apply(stats.connect);
            } catch (LibvirtException e) {
                stats.close();
                throw LibvirtErrors.translate(what, e);
            }
        }
    }

    /** A host's statistics connection; guarded by itself. */
    private static final class StatsLink {
        Connect connect;

        void close() {
            if (connect != null) {
                quietlyClose(connect);
                connect = null;
            }
        }
    }

    void onDomain(String hostId, String uuid, String verb, DomainAction action) {
        call(hostId, verb + " domain " + uuid + " on " + hostId, connect -> {
            Domain domain = lookup(connect, uuid).orElseThrow(() -> new HypervisorException(Reason.NOT_FOUND,
                    "no domain " + uuid + " on " + hostId));
            try {
                action.apply(domain);
                return null;
            } finally {
                free(domain);
            }
        });
    }

    static Optional<Domain> lookup(Connect connect, String uuid) throws LibvirtException {
        try {
            return Optional.of(connect.domainLookupByUUIDString(uuid));
        } catch (LibvirtException e) {
            if (LibvirtErrors.translate("", e).reason() == Reason.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static DomainInfo info(String hostId, Domain domain) throws LibvirtException {
        var info = domain.getInfo();
        return new DomainInfo(domain.getUUIDString(), domain.getName(), hostId, LifecycleEvents.state(info.state),
                info.nrVirtCpu, info.maxMem / 1024, domain.isPersistent() == 1);
    }

    private HostConnection link(String hostId) {
        requireOpen();
        HostConnection link = hosts.get(hostId);
        if (link == null) {
            throw new HypervisorException(Reason.NOT_FOUND, "host " + hostId + " is not attached");
        }
        return link;
    }

    private static Connect liveConnect(HostConnection link) {
        return link.connect().orElseThrow(() -> new HypervisorException(Reason.UNREACHABLE,
                "host " + link.hostId + " is disconnected"));
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this hypervisor adapter is closed");
        }
    }

    static void free(Domain domain) {
        if (domain == null) {
            return;
        }
        try {
            domain.free();
        } catch (LibvirtException e) {
            LOG.debug("freeing a domain: {}", e.getMessage());
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
