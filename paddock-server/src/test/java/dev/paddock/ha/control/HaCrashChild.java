package dev.paddock.ha.control;

import dev.paddock.notification.Notifier;
import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.audit.Oversight;
import dev.paddock.ha.HostHealth;
import dev.paddock.hypervisor.HypervisorEvent;
import dev.paddock.inventory.InventoryController;
import dev.paddock.model.Cluster;
import dev.paddock.model.Host;
import dev.paddock.model.HostState;
import dev.paddock.model.PowerState;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Site;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import dev.paddock.operation.OperationJournal;
import dev.paddock.operation.OperationRunner;
import dev.paddock.server.sim.RealTimeClock;
import dev.paddock.server.sim.RoomFile;
import dev.paddock.server.sim.SimulatedHeartbeats;
import dev.paddock.sim.CallKind;
import dev.paddock.sim.Fault;
import dev.paddock.sim.SimulatedFenceAgent;
import dev.paddock.sim.SimulatedHypervisor;
import dev.paddock.hypervisor.DomainBuilder;
import dev.paddock.store.Database;
import dev.paddock.store.JdbcAlarms;
import dev.paddock.security.ServerKeys;
import dev.paddock.security.TestKeys;
import dev.paddock.store.JdbcAuditLog;
import dev.paddock.store.JdbcHaSettings;
import dev.paddock.store.JdbcInventoryStore;
import dev.paddock.store.JdbcOperationJournal;
import dev.paddock.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The server {@code HaCrashRecoveryTest} kills in the middle of a failover: an H2 store, the inventory controller,
 * the runner and the HA controller over a simulated room kept in a state file, in a JVM of its own.
 *
 * <p>{@code crash} builds a room of three hosts with {@link #VMS} protected VMs on node-1 (every define and start
 * slow), then crashes node-1; {@code resume} only starts the parts again. Both print each domain start
 * ({@code EFFECT STARTED uuid}) and {@code FAILOVER} once a failover operation is journaled; {@code resume} prints
 * {@code FINISHED} once HA reports node-1 recovered and no operation is left unfinished.
 *
 * <p>Arguments: database directory, state file, {@code crash} or {@code resume}.
 */
public final class HaCrashChild {

    static final int VMS = 3;
    static final Duration SLOW = Duration.ofMillis(700);

    private HaCrashChild() {}

    public static void main(String[] args) throws Exception {
        Path database = Path.of(args[0]);
        Path stateFile = Path.of(args[1]);
        boolean crash = args[2].equals("crash");
        boolean fresh = !Files.exists(stateFile);
        try (RealTimeClock clock = new RealTimeClock();
                SimulatedHypervisor sim = RoomFile.open(stateFile, clock, 17);
                HikariDataSource dataSource = Database.open(StoreConfig.h2In(database))) {
            JdbcInventoryStore store = new JdbcInventoryStore(dataSource);
            ServerKeys keys = TestKeys.in(database, dataSource);
            HaSettings settings = new JdbcHaSettings(dataSource, keys.secrets());
            if (fresh) {
                build(sim, store, settings);
            }
            sim.subscribe(event -> {
                if (event instanceof HypervisorEvent.DomainEvent domain
                        && domain.kind() == HypervisorEvent.DomainEventKind.STARTED) {
                    say("EFFECT STARTED " + domain.uuid());
                }
            });
            InventoryController inventory = new InventoryController(store, sim, Duration.ofSeconds(1), change -> { },
                    settings::hostsInMaintenance);
            inventory.start();
            SimulatedFenceAgent bmcs = new SimulatedFenceAgent(sim);
            OperationRunner runner = new OperationRunner(new JdbcOperationJournal(dataSource), store, sim,
                    new DeviceFencing(settings, bmcs));
            runner.start();
            HaController ha = new HaController(new HaController.Wiring(store, inventory, runner, sim, settings,
                    bmcs, new SimulatedHeartbeats(sim, Clock.systemUTC()),
                    new Oversight(new JdbcAlarms(dataSource), JdbcAuditLog.keyed(dataSource, keys)), Notifier.NONE,
                    new HaMeters(), Clock.systemUTC()),
                    Duration.ofMillis(100), Duration.ofMillis(300));
            ha.start();
            if (crash) {
                sim.inject(new Fault.HostCrash("node-1"));
            }
            OperationJournal journal = new JdbcOperationJournal(dataSource);
            boolean announced = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                if (!announced && runner.list(0, 10).items().stream()
                        .anyMatch(op -> op.kind().equals(HaController.FAILOVER_KIND))) {
                    say("FAILOVER");
                    announced = true;
                }
                boolean recovered = ha.status().stream()
                        .anyMatch(s -> s.hostId().equals("h1") && s.health() == HostHealth.FENCED);
                if (recovered && journal.unfinished().isEmpty()) {
                    say("FINISHED");
                    break;
                }
                Thread.sleep(50);
            }
            ha.close();
            runner.close();
            inventory.close();
        }
    }

    private static void build(SimulatedHypervisor sim, JdbcInventoryStore store, HaSettings settings) {
        Resources capacity = Resources.of(16_000, 65_536, 1_000, 10_000);
        Site site = new Site("s1", "room", "");
        Cluster cluster = new Cluster("c1", site.id(), "c1", true, 1);
        List<Host> hosts = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            sim.addHost("node-" + i, capacity);
            hosts.add(new Host("h" + i, cluster.id(), "node-" + i, "sim://node-" + i, capacity, HostState.CONNECTED,
                    PowerState.ON, Set.of()));
        }
        List<Vm> vms = new ArrayList<>();
        for (int i = 1; i <= VMS; i++) {
            vms.add(new Vm("v" + i, "db-" + i, cluster.id(), Optional.of("h1"), Resources.of(2_000, 2_048, 10, 100),
                    VmState.RUNNING, VmOrigin.MANAGED, "db", 5, Set.of(), Set.of(), Set.of(), List.of(), List.of()));
        }
        Room room = new Room(List.of(site), List.of(cluster), hosts, vms, List.of(), List.of());
        for (Vm vm : vms) {
            sim.addDomain("node-1", DomainBuilder.specOf(vm, room), VmState.RUNNING);
        }
        for (CallKind kind : List.of(CallKind.DEFINE, CallKind.START)) {
            sim.inject(new Fault.SlowCalls(kind, SLOW));
        }
        store.put(site);
        store.put(cluster);
        hosts.forEach(store::put);
        store.putAll(vms);
        for (Host host : hosts) {
            settings.putFenceDevice(host.id(), SimulatedFenceAgent.deviceFor(host.name()));
            settings.putTuning(cluster.id(), new HaSettings.ClusterTuning(false, Duration.ofSeconds(1)));
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
