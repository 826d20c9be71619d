package dev.paddock.server;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.scheduling.PlacementLedger;
import dev.paddock.security.ServerKeys;
import dev.paddock.api.RequestLimits;
import dev.paddock.api.RestApi;
import dev.paddock.audit.Oversight;
import dev.paddock.audit.RogueWatch;
import dev.paddock.ha.HostWatch;
import dev.paddock.ha.control.DeviceFencing;
import dev.paddock.ha.control.HaController;
import dev.paddock.ha.control.HaMeters;
import dev.paddock.ha.control.HaSettings;
import dev.paddock.ha.control.WatchdogResponder;
import dev.paddock.directory.DirectoryLogin;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.inventory.InventoryController;
import dev.paddock.libvirt.LibvirtHypervisor;
import dev.paddock.libvirt.fence.FenceAgentProcess;
import dev.paddock.metrics.PaddockMetrics;
import dev.paddock.monitoring.Monitoring;
import dev.paddock.drs.Balancing;
import dev.paddock.drs.BalancingController;
import dev.paddock.drs.PowerSaving;
import dev.paddock.licensing.LicenceKeeper;
import dev.paddock.network.NetworkKeeper;
import dev.paddock.network.SwitchKeeper;
import dev.paddock.notification.Notifications;
import dev.paddock.store.JdbcChannels;
import dev.paddock.store.JdbcThresholds;
import dev.paddock.model.Host;
import dev.paddock.model.Room;
import dev.paddock.operation.OperationRunner;
import dev.paddock.operation.Operations;
import dev.paddock.security.Accounts;
import dev.paddock.security.LibvirtCredentials;
import dev.paddock.backup.BackupScheduler;
import dev.paddock.backup.Backups;
import dev.paddock.replication.ReplicationController;
import dev.paddock.replication.ReplicationMeters;
import dev.paddock.store.JdbcReplications;
import dev.paddock.security.Passwords;
import dev.paddock.security.Secrets;
import dev.paddock.server.sim.RealTimeClock;
import dev.paddock.server.sim.RoomFile;
import dev.paddock.server.sim.RoutedFenceAgent;
import dev.paddock.server.sim.SimulatedHeartbeats;
import dev.paddock.sim.SimulatedFenceAgent;
import dev.paddock.sim.SimulatedHypervisor;
import dev.paddock.sim.SimulatedRoom;
import dev.paddock.store.Database;
import dev.paddock.store.InventoryStore;
import dev.paddock.store.JdbcAlarms;
import dev.paddock.store.JdbcAuditLog;
import dev.paddock.store.JdbcBackupSchedules;
import dev.paddock.store.JdbcConsolePasswords;
import dev.paddock.store.JdbcHaSettings;
import dev.paddock.store.JdbcIdentities;
import dev.paddock.store.JdbcInventoryStore;
import dev.paddock.store.JdbcOperationJournal;
import dev.paddock.store.JdbcLibvirtCredentials;
import dev.paddock.store.JdbcRepositoryRecords;
import dev.paddock.store.KeyUses;
import dev.paddock.store.LeaderLease;
import dev.paddock.tls.ServerCertificate;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Paddock: the HTTP server over the store, the operations runner and the hypervisor it was
 * given. Closing it stops HTTP first, then closes the parts in the reverse order of their making.
 */
public final class PaddockServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PaddockServer.class);
    private static final String ROOM_FILE = "sim-room.json";
    private static final long ROOM_SEED = 2026;
    /** How often the inventory is compared with every host in full, beside the events. */
    private static final String DATASTORE_CREATE = "datastore.create";
    /** How often HA looks at every host without being woken: a fifth of the default detection window. */
    private static final Duration HA_PERIOD = Duration.ofSeconds(2);
    private static final Duration FENCE_TIMEOUT = Duration.ofSeconds(30);
    /** How often the backup schedules are looked at: the VMs of a round are spread by the second. */
    private static final Duration SCHEDULE_PERIOD = Duration.ofSeconds(1);
    /** How often the replication controller looks for rounds due and judges recovery points. */
    private static final Duration REPLICATION_TICK = Duration.ofSeconds(1);
    /** The environment variable that listed HA's webhook URLs before notification channels took their place. */
    private static final String OLD_WEBHOOKS_VARIABLE = "PADDOCK_HA_WEBHOOKS";
    /** How long start waits for the stored hosts to be attached before it resumes operations. */
    private static final Duration FIRST_RESYNC_WAIT = Duration.ofSeconds(30);

    /**
     * What a server runs on.
     *
     * @param closeables what to close when the server stops, in the order they were made
     * @param ha the HA controller whose settings and state the API serves; empty for a server without HA
     * @param leadership the leader lease the server acts under (health endpoint, {@code paddock_leader}); empty for
     *     a server that acts alone
     */
    public record Parts(InventoryStore store, Operations operations, Hypervisor hypervisor, Oversight oversight,
            Accounts accounts, List<AutoCloseable> closeables, Optional<HaController> ha,
            Optional<Leadership> leadership, LibvirtCredentials credentials, Optional<Backups> backups,
            Optional<BackupScheduler> schedules, Optional<ReplicationController> replication,
            Optional<Monitoring> monitoring, Optional<Notifications> notifications) {
        public Parts {
            closeables = List.copyOf(closeables);
        }

        public Parts(InventoryStore store, Operations operations, Hypervisor hypervisor, Oversight oversight,
                Accounts accounts, List<AutoCloseable> closeables, Optional<HaController> ha,
                Optional<Leadership> leadership, LibvirtCredentials credentials, Optional<Backups> backups,
                Optional<BackupScheduler> schedules, Optional<ReplicationController> replication) {
            this(store, operations, hypervisor, oversight, accounts, closeables, ha, leadership, credentials, backups,
                    schedules, replication, Optional.empty(), Optional.empty());
        }

        public Parts(InventoryStore store, Operations operations, Hypervisor hypervisor, Oversight oversight,
                Accounts accounts, List<AutoCloseable> closeables, Optional<HaController> ha,
                Optional<Leadership> leadership, LibvirtCredentials credentials, Optional<Backups> backups) {
            this(store, operations, hypervisor, oversight, accounts, closeables, ha, leadership, credentials, backups,
                    Optional.empty(), Optional.empty());
        }

        public Parts(InventoryStore store, Operations operations, Hypervisor hypervisor, Oversight oversight,
                Accounts accounts, List<AutoCloseable> closeables, Optional<HaController> ha,
                Optional<Leadership> leadership) {
            this(store, operations, hypervisor, oversight, accounts, closeables, ha, leadership,
                    LibvirtCredentials.none(), Optional.empty());
        }

        /** These parts, keeping libvirt credentials in {@code kept}. */
        public Parts withCredentials(LibvirtCredentials kept) {
            return new Parts(store, operations, hypervisor, oversight, accounts, closeables, ha, leadership, kept,
                    backups, schedules, replication, monitoring, notifications);
        }

        /** These parts, running replications with {@code controller}. */
        public Parts withReplication(ReplicationController controller) {
            return new Parts(store, operations, hypervisor, oversight, accounts, closeables, ha, leadership,
                    credentials, backups, schedules, Optional.of(controller), monitoring, notifications);
        }

        /** These parts, with backup repositories. */
        public Parts withBackups(Backups kept) {
            return new Parts(store, operations, hypervisor, oversight, accounts, closeables, ha, leadership,
                    credentials, Optional.of(kept), schedules, replication, monitoring, notifications);
        }

        /** These parts, with backup schedules (run by {@code kept}, whose loop is the caller's to start). */
        public Parts withSchedules(BackupScheduler kept) {
            return new Parts(store, operations, hypervisor, oversight, accounts, closeables, ha, leadership,
                    credentials, backups, Optional.of(kept), replication, monitoring, notifications);
        }

        /** These parts, with monitoring (whose loop is the caller's to start) and the notification channels. */
        public Parts withMonitoring(Monitoring kept, Notifications channels) {
            return new Parts(store, operations, hypervisor, oversight, accounts, closeables, ha, leadership,
                    credentials, backups, schedules, replication, Optional.of(kept), Optional.of(channels));
        }

        public Parts(InventoryStore store, Operations operations, Hypervisor hypervisor, Oversight oversight,
                Accounts accounts, List<AutoCloseable> closeables, Optional<HaController> ha) {
            this(store, operations, hypervisor, oversight, accounts, closeables, ha, Optional.empty());
        }

        public Parts(InventoryStore store, Operations operations, Hypervisor hypervisor, Oversight oversight,
                Accounts accounts, List<AutoCloseable> closeables) {
            this(store, operations, hypervisor, oversight, accounts, closeables, Optional.empty());
        }
    }

    /**
     * The accounts of a server on {@code dataSource}: the first start makes the administrator and answers its
     * one-time password; a configured administrator token is accepted from then on.
     */
    public record Security(Accounts accounts, Optional<String> firstPassword) {
        public static Security open(DataSource dataSource, Optional<String> administratorToken) {
            Accounts accounts = new Accounts(new JdbcIdentities(dataSource), Passwords.standard(), Secrets.strong(),
                    Clock.systemUTC());
            Optional<String> firstPassword = accounts.createFirstAdministrator();
            administratorToken.ifPresent(accounts::acceptAdministratorToken);
            return new Security(accounts, firstPassword);
        }
    }

    private final Javalin javalin;
    private final PaddockMetrics metrics;
    private final Parts parts;
    private final String host;
    private final Optional<String> firstPassword;
    private final Optional<ServerCertificate> certificate;

    private PaddockServer(Javalin javalin, PaddockMetrics metrics, Parts parts, String host,
            Optional<String> firstPassword, Optional<ServerCertificate> certificate) {
        this.firstPassword = firstPassword;
        this.javalin = javalin;
        this.metrics = metrics;
        this.parts = parts;
        this.host = host;
        this.certificate = certificate;
    }

    /**
     * Builds and starts a whole server from its configuration: store, simulated room, the inventory
     * controller (which attaches the stored hosts and keeps VM states true), the operations runner (which
     * resumes what the journal left unfinished), then HTTP. If any part fails, those already made
     * are closed again.
     */
    public static PaddockServer start(ServerConfig config) {
        return start(config, Leadership.Settings.DEFAULT);
    }

    /**
     * As {@link #start(ServerConfig)}, under a leader lease of {@code lease}'s time to live: the lease is taken
     * right after the store opens, so a second server on the same database refuses to start
     * ({@link Leadership.Refused}) before it touches anything.
     */
    public static PaddockServer start(ServerConfig config, Leadership.Settings lease) {
        List<AutoCloseable> made = new ArrayList<>();
        try {
            Files.createDirectories(config.dataDirectory());
            HikariDataSource dataSource = Database.open(config.jdbcUrl());
            made.add(dataSource);
            Leadership leadership = Leadership.take(new LeaderLease(dataSource, LeaderLease.CONTROLLER,
                    LeaderLease.Holder.ofThisProcess(
                    (config.tls().https() ? "https://" : "http://") + config.host() + ":" + config.port()), lease.ttl()),
                    lease);
            made.add(leadership);
            InventoryStore store = new JdbcInventoryStore(dataSource);
            ServerKeys keys = ServerKeys.open(config.keyDirectory(), KeyUses.of(dataSource));
            Security security = Security.open(dataSource, config.administratorToken());
            security.accounts().useDirectory(config.accountDirectory().map(DirectoryLogin::new));
            RealTimeClock clock = new RealTimeClock();
            made.add(clock);
            Path roomFile = config.dataDirectory().resolve(ROOM_FILE);
            SimulatedHypervisor sim;
            Optional<Room> demoRoom = Optional.empty();
            if (config.room() == ServerConfig.Room.DEMO) {
                SimulatedRoom demo = RoomFile.openDemo(roomFile, clock, ROOM_SEED);
                sim = demo.hypervisor();
                demoRoom = Optional.of(demo.room());
            } else {
                sim = RoomFile.open(roomFile, clock, ROOM_SEED);
            }
            HostLogins logins = new HostLogins(new JdbcLibvirtCredentials(dataSource, keys.secrets()),
                    HostLogins.defaultParent());
            made.add(logins);
            RoutingHypervisor hypervisor = new RoutingHypervisor(sim,
                    () -> new LibvirtHypervisor(config.libvirtSettings(), new JdbcConsolePasswords(dataSource)),
                    config.libvirtGuestBoot(),
                    config.libvirtDatastores(), Optional.of(logins));
            made.add(hypervisor);
            demoRoom.ifPresent(room -> seed(store, room));
            Oversight oversight = new Oversight(new JdbcAlarms(dataSource), JdbcAuditLog.keyed(dataSource, keys));
            JdbcHaSettings haSettings = new JdbcHaSettings(dataSource, keys.secrets());
            int sealed = haSettings.sealPlainSecrets();
            if (sealed > 0) {
                LOG.info("sealed the secret options of {} fence device(s) stored in clear", sealed);
            }
            InventoryController inventory = new InventoryController(store, hypervisor, config.resyncPeriod(),
                    new RogueWatch(oversight, Clock.systemUTC()), haSettings::hostsInMaintenance);
            made.add(inventory);
            inventory.start();
            awaitHosts(inventory);
            if (config.room() == ServerConfig.Room.DEMO) {
                simulatedFenceDevices(store, haSettings);
            }
            RoutedFenceAgent fence = new RoutedFenceAgent(new SimulatedFenceAgent(sim),
                    new FenceAgentProcess(FENCE_TIMEOUT));
            // the runner carries out HA's fence steps, a failover resumed after a restart among them
            Backups backups = new Backups(new JdbcRepositoryRecords(dataSource, keys.secrets()), store, hypervisor,
                    Clock.systemUTC(), config.backupRoots());
            OperationRunner runner = new OperationRunner(new JdbcOperationJournal(dataSource), store, hypervisor,
                    new DeviceFencing(haSettings, fence), backups, Clock.systemUTC(), 4);
            made.add(runner);
            // a datastore made through the API shows its hosts and sizes once made, not at the next resync
            runner.onFinished(id -> runner.get(id).filter(op -> op.kind().equals(DATASTORE_CREATE))
                    .ifPresent(op -> inventory.refreshDatastores()));
            runner.start();
            leadership.stopOnLoss(runner);
            Notifications notifier = Notifications.of(new JdbcChannels(dataSource, keys.secrets()));
            made.add(notifier);
            if (System.getenv(OLD_WEBHOOKS_VARIABLE) != null) {
                LOG.warn("{} is no longer read: HA's notices go to the notification channels; add each URL with"
                        + " 'paddock channel add NAME --webhook URL'", OLD_WEBHOOKS_VARIABLE);
            }
            HaController ha = new HaController(new HaController.Wiring(store, inventory, runner, hypervisor, haSettings, fence,
                    new SimulatedHeartbeats(sim, Clock.systemUTC()), oversight, notifier, new HaMeters(),
                    Clock.systemUTC()), HA_PERIOD, HostWatch.FENCE_RETRY);
            made.add(ha);
            ha.start();
            leadership.stopOnLoss(ha);
            WatchdogResponder watchdogs = new WatchdogResponder(new WatchdogResponder.Wiring(store, runner, hypervisor,
                    oversight, notifier, ha.meters(), Clock.systemUTC()), WatchdogResponder.Policy.DEFAULT);
            made.add(watchdogs);
            watchdogs.start();
            leadership.stopOnLoss(watchdogs);
            BackupScheduler schedules = new BackupScheduler(new BackupScheduler.Wiring(
                    new JdbcBackupSchedules(dataSource), backups, store, runner, oversight.alarms(), Clock.systemUTC()),
                    SCHEDULE_PERIOD);
            made.add(schedules);
            schedules.start();
            leadership.stopOnLoss(schedules);
            ReplicationController replication = new ReplicationController(new ReplicationController.Wiring(
                    new JdbcReplications(dataSource, keys.secrets()), backups, oversight.alarms(),
                    new ReplicationMeters(Clock.systemUTC()), Clock.systemUTC()), REPLICATION_TICK);
            made.add(replication);
            replication.start();
            leadership.stopOnLoss(replication);
            // a restore point replicates as soon as its backup is done, not at the replication's next interval
            runner.onFinished(id -> runner.get(id).filter(op -> op.kind().equals(Backups.BACKUP)
                    && op.state() == dev.paddock.operation.OperationState.DONE).ifPresent(op -> replication.pointMade()));
            Monitoring monitoring = new Monitoring(new Monitoring.Wiring(store::room, hypervisor,
                    new JdbcThresholds(dataSource), oversight.alarms(), notifier, Clock.systemUTC()),
                    config.sampleInterval());
            made.add(monitoring);
            monitoring.start();
            leadership.stopOnLoss(monitoring);
            SwitchKeeper switches = new SwitchKeeper(store::room, hypervisor, SwitchKeeper.DEFAULT_PERIOD);
            made.add(switches);
            switches.start();
            leadership.stopOnLoss(switches);
            NetworkKeeper networks = new NetworkKeeper(new NetworkKeeper.Wiring(store::room, runner,
                    oversight.alarms(), Clock.systemUTC()), NetworkKeeper.DEFAULT_PERIOD);
            made.add(networks);
            networks.start();
            leadership.stopOnLoss(networks);
            LicenceKeeper licences = new LicenceKeeper(store, Clock.systemUTC(), LicenceKeeper.DEFAULT_PERIOD);
            made.add(licences);
            licences.start();
            leadership.stopOnLoss(licences);
            runner.onFinished(id -> licences.operationEnded());
            Balancing balancing = new Balancing(store, ha.ledger(), Optional.of(monitoring), Clock.systemUTC());
            BalancingController balancingController = new BalancingController(store, balancing, Optional.of(
                    new PowerSaving(store, ha, balancing, runner, Clock.systemUTC())),
                    BalancingController.DEFAULT_PERIOD);
            made.add(balancingController);
            balancingController.start();
            leadership.stopOnLoss(balancingController);
            PaddockServer server = start(new Parts(store, runner, hypervisor, oversight, security.accounts(), made,
                    Optional.of(ha), Optional.of(leadership), logins.kept(), Optional.of(backups),
                    Optional.of(schedules), Optional.of(replication), Optional.of(monitoring), Optional.of(notifier)),
                    config.host(), config.port(), config.openMetrics(),
                    config.limits(), security.firstPassword(),
                    config.tls().certificate(config.dataDirectory(), config.host()), config.authenticate());
            if (!config.authenticate()) {
                LOG.warn("AUTHENTICATION IS OFF: {} serves every request as user '{}', the administrator, without"
                        + " credentials. This server is the API benchmark's baseline, on loopback only; never serve"
                        + " anything else with it.", server.url(), Accounts.FIRST_USER);
            }
            // the password itself goes to the starting command's output (firstPassword()), never to the log
            security.firstPassword().ifPresent(password -> LOG.info("first start: user '{}' has a one-time password,"
                    + " shown once by the command that started the server", Accounts.FIRST_USER));
            return server;
        } catch (IOException | RuntimeException e) {
            closeAll(made);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** Gives every simulated host without a fence device the simulated room's BMC, so HA works in the demo. */
    private static void simulatedFenceDevices(InventoryStore store, HaSettings settings) {
        for (Host host : store.hosts()) {
            if (host.uri().startsWith(SimulatedHypervisor.SCHEME) && settings.fenceDevice(host.id()).isEmpty()) {
                settings.putFenceDevice(host.id(),
                        SimulatedFenceAgent.deviceFor(host.uri().substring(SimulatedHypervisor.SCHEME.length())));
            }
        }
    }

    /** Operations resumed from the journal act on hosts, so the hosts are attached first (or known unreachable). */
    private static void awaitHosts(InventoryController inventory) {
        try {
            if (!inventory.awaitFirstResync(FIRST_RESYNC_WAIT)) {
                LOG.warn("hosts still attaching after {} s; resuming operations anyway", FIRST_RESYNC_WAIT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while attaching hosts", e);
        }
    }

    /** Writes a room into an empty store, as if Paddock had always managed it; a store with sites is left alone. */
    private static void seed(InventoryStore store, Room room) {
        if (!store.sites().isEmpty()) {
            return;
        }
        room.sites().forEach(store::put);
        room.clusters().forEach(store::put);
        room.hosts().forEach(store::put);
        room.networks().forEach(store::put);
        room.datastores().forEach(store::put);
        store.putAll(room.vms());
        LOG.info("store seeded with the demo room: {} hosts, {} VMs", room.hosts().size(), room.vms().size());
    }

    /** Starts HTTP on {@code host}:{@code port}; port 0 picks a free one (see {@link #port()}). */
    public static PaddockServer start(Parts parts, String host, int port) {
        return start(parts, host, port, false);
    }

    /** As {@link #start(Parts, String, int)}, with {@code /metrics} open to anyone when {@code openMetrics}. */
    public static PaddockServer start(Parts parts, String host, int port, boolean openMetrics) {
        return start(parts, host, port, openMetrics, RequestLimits.DEFAULT, Optional.empty(), Optional.empty(), true);
    }

    /** As {@link #start(Parts, String, int)}, with {@code limits} on request bodies and on work started. */
    public static PaddockServer start(Parts parts, String host, int port, RequestLimits limits) {
        return start(parts, host, port, false, limits, Optional.empty(), Optional.empty(), true);
    }

    /**
     * Starts HTTPS with {@code certificate} (HTTP without one) on {@code host}:{@code port}. A plain HTTP request
     * to the HTTPS port is answered 400 with a sentence that says to use https, and never reaches a route.
     */
    private static PaddockServer start(Parts parts, String host, int port, boolean openMetrics, RequestLimits limits,
            Optional<String> firstPassword, Optional<ServerCertificate> certificate, boolean authenticate) {
        // one ledger for every path that places a VM: the HA controller's restarts and the API's verbs
        PlacementLedger ledger = parts.ha().map(HaController::ledger)
                .orElseGet(() -> new PlacementLedger(parts.store(), parts.operations()));
        RestApi api = new RestApi(parts.store(), parts.operations(), parts.hypervisor(), ledger, parts.oversight(),
                parts.accounts(), parts.credentials(), openMetrics, limits, authenticate, Clock.systemUTC());
        PaddockMetrics metrics = new PaddockMetrics(parts.store(), parts.operations());
        parts.ha().ifPresent(ha -> ha.meters().bindTo(metrics.registry()));
        parts.leadership().ifPresent(leadership -> leadership.bindTo(metrics.registry()));
        parts.replication().ifPresent(replication -> replication.meters().bindTo(metrics.registry()));
        parts.monitoring().ifPresent(monitoring -> metrics.bindUsage(monitoring.usage(), monitoring.interval()));
        parts.notifications().ifPresent(notifications -> notifications.bindTo(metrics.registry()));
        Javalin javalin = Javalin.create(config -> {
            config.jetty.host = host;
            config.jetty.port = port;
            certificate.ifPresent(served -> HttpsConnector.install(config, served, host, port));
            metrics.install(config);
            api.install(config);
            api.installMetrics(config, PaddockMetrics.PATH, metrics::scrape);
            parts.ha().ifPresent(ha -> api.installHa(config, ha));
            Balancing balancing = new Balancing(parts.store(), ledger, parts.monitoring(), Clock.systemUTC());
            api.installBalancing(config, balancing, parts.ha().map(ha -> new PowerSaving(parts.store(), ha, balancing,
                    parts.operations(), Clock.systemUTC())));
            api.installSimulator(config, simulator(parts.hypervisor()));
            api.installBackups(config, parts.backups(), parts.operations());
            api.installBackupSchedules(config, parts.schedules());
            api.installReplications(config, parts.replication(), parts.backups());
            api.installMonitoring(config, parts.monitoring(), parts.notifications());
            HealthRoute.register(config, parts.leadership());
        });
        try {
            javalin.start();
        } catch (RuntimeException e) {
            metrics.close();
            throw e;
        }
        PaddockServer server = new PaddockServer(javalin, metrics, parts, host, firstPassword, certificate);
        LOG.info("Paddock listening on {}", server.url());
        return server;
    }

    private static Optional<SimulatedHypervisor> simulator(Hypervisor hypervisor) {
        return switch (hypervisor) {
            case SimulatedHypervisor sim -> Optional.of(sim);
            case RoutingHypervisor routing -> routing.simulator();
            default -> Optional.empty();
        };
    }

    public int port() {
        return javalin.port();
    }

    /** The base URL clients use, for example {@code https://127.0.0.1:8443} or {@code http://127.0.0.1:8080}. */
    public URI url() {
        String shown = host.equals("0.0.0.0") ? "localhost" : host.contains(":") ? "[" + host + "]" : host;
        return URI.create((certificate.isPresent() ? "https://" : "http://") + shown + ":" + port());
    }

    /** The certificate HTTPS serves; empty when the server speaks plain HTTP. */
    public Optional<ServerCertificate> certificate() {
        return certificate;
    }

    /** Every HTTP route the server answers, as "METHOD /path/{param}". */
    public List<String> routes() {
        // A WebSocket route is the GET its upgrade is; before-handlers are no route of their own.
        return java.util.stream.Stream.concat(javalin.unsafe.internalRouter.allHttpHandlers().stream()
                        .filter(parsed -> parsed.endpoint.method.isHttpMethod())
                        .map(parsed -> parsed.endpoint.method.name() + " " + parsed.endpoint.path),
                javalin.unsafe.internalRouter.allWsHandlers().stream()
                        .filter(entry -> entry.getType() == io.javalin.websocket.WsHandlerType.WEBSOCKET)
                        .map(entry -> "GET " + entry.getPath()))
                .toList();
    }

    /** Every HTTP endpoint the server holds, with the metadata it was registered with (its permission). */
    public List<io.javalin.router.Endpoint> endpoints() {
        return javalin.unsafe.internalRouter.allHttpHandlers().stream().map(parsed -> parsed.endpoint)
                .filter(endpoint -> endpoint.method.isHttpMethod()).toList();
    }

    public Parts parts() {
        return parts;
    }

    /** The first administrator's one-time password, when this start made it (see {@link Security}). */
    public Optional<String> firstPassword() {
        return firstPassword;
    }

    @Override
    public void close() {
        javalin.stop();
        metrics.close();
        closeAll(parts.closeables());
        LOG.info("Paddock stopped");
    }

    private static void closeAll(List<AutoCloseable> closeables) {
        List<AutoCloseable> reversed = new ArrayList<>(closeables);
        Collections.reverse(reversed);
        for (AutoCloseable closeable : reversed) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", closeable, e.toString());
            }
        }
    }
}
