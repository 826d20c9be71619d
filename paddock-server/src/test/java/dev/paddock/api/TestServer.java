package dev.paddock.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.audit.Oversight;
import dev.paddock.audit.RogueWatch;
import dev.paddock.ha.control.HaController;
import dev.paddock.ha.control.HaMeters;
import dev.paddock.ha.control.HaSettings;
import dev.paddock.notification.Notifier;
import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.inventory.InventoryController;
import dev.paddock.json.Json;
import dev.paddock.model.Cluster;
import dev.paddock.model.Host;
import dev.paddock.model.HostState;
import dev.paddock.model.PowerState;
import dev.paddock.model.Resources;
import dev.paddock.model.Site;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import dev.paddock.operation.OperationRunner;
import dev.paddock.operation.Operations;
import dev.paddock.security.Accounts;
import dev.paddock.security.Secrets;
import dev.paddock.server.PaddockServer;
import dev.paddock.server.sim.SimulatedHeartbeats;
import dev.paddock.sim.ManualClock;
import dev.paddock.sim.SimulatedFenceAgent;
import dev.paddock.sim.SimulatedHypervisor;
import dev.paddock.store.Database;
import dev.paddock.store.InventoryStore;
import dev.paddock.store.JdbcAlarms;
import dev.paddock.store.JdbcLibvirtCredentials;
import dev.paddock.security.ServerKeys;
import dev.paddock.security.TestKeys;
import dev.paddock.store.JdbcAuditLog;
import dev.paddock.store.JdbcHaSettings;
import dev.paddock.store.JdbcInventoryStore;
import dev.paddock.store.JdbcOperationJournal;
import dev.paddock.store.StoreConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;

/**
 * A real server on a loopback port with the real store on H2 in {@code directory}, seeded with one site,
 * one cluster and two hosts of {@link #HOST_CAPACITY} in a simulated room (which has a third host, "spare",
 * not yet added to Paddock), and a client to talk to it.
 */
public final class TestServer implements AutoCloseable {

    public static final Resources HOST_CAPACITY = Resources.of(8_000, 16_384, 500, 10_000);
    public static final Site SITE = new Site("site-1", "room-a", "");
    public static final Cluster CLUSTER = new Cluster("cluster-1", SITE.id(), "prod", true, 1);
    public static final Host HOST_1 = host("host-1", "h1");
    public static final Host HOST_2 = host("host-2", "h2");

    private final HikariDataSource dataSource;
    private Path backupRoot;
    private dev.paddock.backup.Backups backups;
    private dev.paddock.backup.BackupScheduler schedules;
    final InventoryStore store;
    public final Operations operations;
    public final SimulatedHypervisor hypervisor;
    final Oversight oversight;
    /** The keys the store's audit chain and secrets are under. */
    final ServerKeys keys;
    final ManualClock clock = ManualClock.atEpochOf2030();
    final PaddockServer server;
    public final HaController ha;
    /** The replication controller; its loop is not started (rounds run when a test asks). */
    public final dev.paddock.replication.ReplicationController replication;
    /** Monitoring on the simulated clock; its loop is not started (a test moves the clock and calls its round). */
    public final dev.paddock.monitoring.Monitoring monitoring;
    /** The notification channels, sending for real (to loopback receivers the tests run). */
    public final dev.paddock.notification.Notifications notifications;
    /** An administrator's token, which {@link #send} and the verbs built on it carry. */
    public final String adminToken = Secrets.strong().token();
    /** The one-time password the first start gave admin. */
    final String adminPassword;
    private final HttpClient http = HttpClient.newHttpClient();

    /**
     * A server whose operations run on the real runner against the simulated room, on H2 in {@code directory}. Test
     * classes get theirs from {@link TestServerExtension}, which also closes it.
     */
    public TestServer(Path directory) {
        this(directory, false);
    }

    /** A server whose operations are applied by {@link InlineOperations}, which can hold them RUNNING. */
    static TestServer withInlineOperations(HikariDataSource dataSource) {
        return new TestServer(dataSource, true);
    }

    /** A server on a database opened elsewhere (PostgreSQL); closing the server closes it. */
    public TestServer(HikariDataSource dataSource) {
        this(dataSource, false);
    }

    private TestServer(Path directory, boolean inline) {
        this(Database.open(StoreConfig.h2In(directory)), inline, CLUSTER, List.of(HOST_1, HOST_2),
                Optional.of(directory), RequestLimits.DEFAULT);
    }

    private TestServer(HikariDataSource dataSource, boolean inline) {
        this(dataSource, inline, CLUSTER, List.of(HOST_1, HOST_2), Optional.empty(), RequestLimits.DEFAULT);
    }

    /**
     * A server whose room is {@code cluster} (of {@link #SITE}) with {@code hosts}, each a simulated host of its
     * capacity (and CPU, when known), named by its name and attached under its id.
     */
    public static TestServer withRoom(Path directory, Cluster cluster, List<Host> hosts) {
        return new TestServer(Database.open(StoreConfig.h2In(directory)), false, cluster, hosts,
                Optional.of(directory), RequestLimits.DEFAULT);
    }

    /** A server like {@link #TestServer(Path)} whose request bodies and work started are held to {@code limits}. */
    public static TestServer withLimits(Path directory, RequestLimits limits) {
        return new TestServer(Database.open(StoreConfig.h2In(directory)), false, CLUSTER, List.of(HOST_1, HOST_2),
                Optional.of(directory), limits);
    }

    /** @param keyDirectory where the store's keys live ({@code keys} in it); empty for keys of this server only */
    private TestServer(HikariDataSource dataSource, boolean inline, Cluster cluster, List<Host> hosts,
            Optional<Path> keyDirectory, RequestLimits limits) {
        this.dataSource = dataSource;
        store = new JdbcInventoryStore(dataSource);
        store.put(SITE);
        store.put(cluster);
        hosts.forEach(store::put);
        hypervisor = SimulatedHypervisor.create(clock, 1);
        for (Host host : hosts) {
            if (host.cpu().known()) {
                hypervisor.addHost(host.name(), host.capacity(), host.cpu());
            } else {
                hypervisor.addHost(host.name(), host.capacity());
            }
            hypervisor.attach(host.id(), host.uri());
        }
        hypervisor.addHost("spare", HOST_CAPACITY);
        keys = keyDirectory.map(directory -> TestKeys.in(directory, dataSource)).orElseGet(TestKeys::fresh);
        oversight = new Oversight(new JdbcAlarms(dataSource), JdbcAuditLog.keyed(dataSource, keys));
        HaSettings settings = new JdbcHaSettings(dataSource, keys.secrets());
        PaddockServer.Security security = PaddockServer.Security.open(dataSource, Optional.of(adminToken));
        Accounts accounts = security.accounts();
        adminPassword = security.firstPassword().orElseThrow();
        InventoryController follower = new InventoryController(store, hypervisor, Duration.ofMillis(200),
                new RogueWatch(oversight, java.time.Clock.systemUTC()), settings::hostsInMaintenance);
        follower.start();
        dev.paddock.backup.Backups backups = backups(dataSource);
        replication = new dev.paddock.replication.ReplicationController(
                new dev.paddock.replication.ReplicationController.Wiring(
                        new dev.paddock.store.JdbcReplications(dataSource, keys.secrets()), backups, oversight.alarms(),
                        new dev.paddock.replication.ReplicationMeters(java.time.Clock.systemUTC()),
                        java.time.Clock.systemUTC()), Duration.ofMillis(200));
        notifications = dev.paddock.notification.Notifications.of(new dev.paddock.store.JdbcChannels(dataSource,
                keys.secrets()));
        monitoring = new dev.paddock.monitoring.Monitoring(new dev.paddock.monitoring.Monitoring.Wiring(store::room,
                hypervisor, new dev.paddock.store.JdbcThresholds(dataSource), oversight.alarms(), notifications,
                simulatedClock()), Duration.ofSeconds(10));
        if (inline) {
            operations = new InlineOperations(store);
            ha = idleHa(settings, follower);
            server = PaddockServer.start(new PaddockServer.Parts(store, operations, hypervisor, oversight, accounts,
                    List.of(dataSource, follower, replication, notifications), Optional.of(ha))
                    .withCredentials(new JdbcLibvirtCredentials(dataSource, keys.secrets()))
                    .withBackups(backups).withSchedules(schedules(dataSource))
                    .withReplication(replication).withMonitoring(monitoring, notifications), "127.0.0.1", 0, limits);
        } else {
            OperationRunner runner = new OperationRunner(new JdbcOperationJournal(dataSource), store, hypervisor,
                    dev.paddock.operation.HostFencing.NONE, backups, java.time.Clock.systemUTC(), 4);
            runner.start();
            operations = runner;
            ha = idleHa(settings, follower);
            server = PaddockServer.start(new PaddockServer.Parts(store, operations, hypervisor, oversight, accounts,
                    List.of(dataSource, follower, runner, replication, notifications), Optional.of(ha))
                    .withCredentials(new JdbcLibvirtCredentials(dataSource, keys.secrets()))
                    .withBackups(backups).withSchedules(schedules(dataSource))
                    .withReplication(replication).withMonitoring(monitoring, notifications), "127.0.0.1", 0, limits);
        }
    }

    /**
     * The backup schedules' controller, on this server's simulated clock; its loop is not started: a test moves the
     * clock and calls {@link dev.paddock.backup.BackupScheduler#tick()}.
     */
    private dev.paddock.backup.BackupScheduler schedules(HikariDataSource dataSource) {
        schedules = new dev.paddock.backup.BackupScheduler(new dev.paddock.backup.BackupScheduler.Wiring(
                new dev.paddock.store.JdbcBackupSchedules(dataSource), backups, store, operations,
                oversight.alarms(), simulatedClock()), Duration.ofSeconds(1));
        return schedules;
    }

    /** This server's simulated clock as a {@link java.time.Clock}. */
    private java.time.Clock simulatedClock() {
        return new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                throw new UnsupportedOperationException("the simulated clock is UTC");
            }

            @Override
            public java.time.Instant instant() {
                return clock.now();
            }
        };
    }

    /** The backup schedules' controller (see {@link #schedules(HikariDataSource)}). */
    public dev.paddock.backup.BackupScheduler schedules() {
        return schedules;
    }

    /** Backups whose repositories may only be under this server's own temporary directory. */
    private dev.paddock.backup.Backups backups(HikariDataSource dataSource) {
        try {
            backupRoot = java.nio.file.Files.createTempDirectory("paddock-test-backups");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        backups = new dev.paddock.backup.Backups(new dev.paddock.store.JdbcRepositoryRecords(dataSource,
                keys.secrets()), store, hypervisor, java.time.Clock.systemUTC(), List.of(backupRoot));
        return backups;
    }

    /** The one directory this server's backup repositories may be under. */
    public Path backupRoot() {
        return backupRoot;
    }

    /**
     * An HA controller whose loop is not started: the API's HA settings, maintenance and fence devices work, and
     * no host is ever judged (the tests move this server's clock by hand).
     */
    private HaController idleHa(HaSettings settings, InventoryController inventory) {
        return new HaController(new HaController.Wiring(store, inventory, operations, hypervisor, settings,
                new SimulatedFenceAgent(hypervisor), new SimulatedHeartbeats(hypervisor, java.time.Clock.systemUTC()),
                oversight, Notifier.NONE, new HaMeters(), java.time.Clock.systemUTC()),
                Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    private static Host host(String id, String name) {
        return new Host(id, CLUSTER.id(), name, "sim://" + name, HOST_CAPACITY, HostState.CONNECTED, PowerState.ON,
                Set.of());
    }

    /** The one-time password the first start gave admin, for tests outside this package. */
    public String adminPasswordForTests() {
        return adminPassword;
    }

    /** The store's database, for tests that look under the API (or tamper with it). */
    HikariDataSource dataSource() {
        return dataSource;
    }

    public URI url() {
        return server.url();
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(url().resolve(path)).GET());
    }

    public Reply post(String path, String json) {
        return send(HttpRequest.newBuilder(url().resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Reply patch(String path, String json) {
        return send(HttpRequest.newBuilder(url().resolve(path)).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    public Reply put(String path, String json) {
        return send(HttpRequest.newBuilder(url().resolve(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Reply delete(String path) {
        return send(HttpRequest.newBuilder(url().resolve(path)).DELETE());
    }

    /** Sends {@code request} as the administrator. */
    public Reply send(HttpRequest.Builder request) {
        return sendAnonymous(request.header("Authorization", "Bearer " + adminToken));
    }

    /** Sends {@code request} with only the credentials it carries itself. */
    public Reply sendAnonymous(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.headers().firstValue("Location").orElse(""), response.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Creates a VM through the API, waits for its operation to end, and returns the VM's id. */
    public String createVm(String name, int vcpus, long memoryMib) {
        Reply reply = post("/api/v1/vms", "{\"name\":\"" + name + "\",\"vcpus\":" + vcpus + ",\"memoryMib\":"
                + memoryMib + "}");
        if (reply.status() != 202) {
            throw new IllegalStateException("create " + name + " answered " + reply);
        }
        awaitFinal(reply);
        return reply.json().get("target").asText();
    }

    /**
     * Follows the operation an answer points to until it is final, moving the simulated clock on so that
     * guests asked to shut down do; returns the final operation.
     */
    public JsonNode awaitFinal(Reply accepted) {
        if (accepted.status() != 202) {
            throw new IllegalStateException("not an accepted operation: " + accepted);
        }
        AtomicReference<JsonNode> operation = new AtomicReference<>();
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
            clock.advance(Duration.ofSeconds(1));
            operation.set(get(accepted.location()).json());
            return operation.get().get("isFinal").asBoolean();
        });
        String vmId = operation.get().get("target").asText();
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> inventoryAgrees(vmId));
        return operation.get();
    }

    /** The inventory's VM and the host's domain agree: both absent, or in the same state. */
    private boolean inventoryAgrees(String vmId) {
        Optional<Vm> vm = store.vm(vmId);
        Optional<VmState> domain = vm.flatMap(Vm::hostId).flatMap(host -> hypervisor.domain(host, vmId))
                .map(DomainInfo::state);
        if (vm.isEmpty()) {
            return List.of(HOST_1, HOST_2).stream().allMatch(host -> hypervisor.domain(host.id(), vmId).isEmpty());
        }
        return domain.isEmpty() || domain.get() == vm.get().state();
    }

    /** The step descriptions of an operation. */
    public List<String> steps(JsonNode operation) {
        List<String> steps = new java.util.ArrayList<>();
        operation.get("steps").forEach(step -> steps.add(step.get("description").asText()));
        return steps;
    }

    @Override
    public void close() {
        server.close();
        if (backupRoot != null) {
            try (var walk = java.nio.file.Files.walk(backupRoot)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // a temporary directory left behind is no failure of the server's
            }
        }
    }

    public record Reply(int status, String contentType, String location, String body) {
        public JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON: " + body, e);
            }
        }
    }
}
