package dev.paddock.ha.control;

import dev.paddock.notification.Notifier;
import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.audit.Oversight;
import dev.paddock.ha.FenceAction;
import dev.paddock.ha.FenceAgent;
import dev.paddock.ha.FenceDevice;
import dev.paddock.ha.FenceOutcome;
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
import dev.paddock.hypervisor.DomainBuilder;
import dev.paddock.operation.OperationRunner;
import dev.paddock.sim.CallKind;
import dev.paddock.sim.Fault;
import dev.paddock.sim.SimHostStatus;
import dev.paddock.sim.SimulatedHypervisor;
import dev.paddock.sim.SimulatedFenceAgent;
import dev.paddock.server.sim.RealTimeClock;
import dev.paddock.server.sim.RoomFile;
import dev.paddock.server.sim.SimulatedHeartbeats;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The server {@code HaStepCrashTest} kills in the middle of one of HA's own steps: the parts of a server (H2 store,
 * inventory, runner, HA controller) over a simulated room kept in a state file, in a JVM of its own. Three hosts,
 * {@link #VMS} protected VMs on node-1.
 *
 * <ul>
 *   <li>{@code fence}: node-1 hangs (cut from the network, no datastore heartbeat, its BMC still says on), so HA
 *       fences it after the window. Its BMC is slow: it prints {@code FENCE BEGIN}, waits {@link #SLOW}, powers
 *       the host off (printing {@code EFFECT POWERED OFF node-1} when it was on), and waits {@link #SLOW} again
 *       before it answers.</li>
 *   <li>{@code stale}: node-1 loses its power; once HA has recovered it, undefines are made slow and node-1 is
 *       powered on again, so HA removes its stale definitions ({@code CLEAN-STALE} once that operation is
 *       journaled; {@code EFFECT UNDEFINED uuid} per removal).</li>
 *   <li>{@code resume-fence}, {@code resume-stale}: only start the parts again; print {@code FINISHED} once the
 *       journal has nothing unfinished and the scenario's end holds.</li>
 * </ul>
 *
 * <p>Arguments: database directory, state file, mode.
 */
public final class HaStepCrashChild {

    static final int VMS = 2;
    static final Duration SLOW = Duration.ofMillis(900);
    private static final Duration WINDOW = Duration.ofSeconds(1);

    private HaStepCrashChild() {}

    public static void main(String[] args) throws Exception {
        Path database = Path.of(args[0]);
        Path stateFile = Path.of(args[1]);
        String mode = args[2];
        boolean fenceScenario = mode.endsWith("fence");
        boolean fresh = !Files.exists(stateFile);
        try (RealTimeClock clock = new RealTimeClock();
                SimulatedHypervisor sim = RoomFile.open(stateFile, clock, 23);
                HikariDataSource dataSource = Database.open(StoreConfig.h2In(database))) {
            JdbcInventoryStore store = new JdbcInventoryStore(dataSource);
            ServerKeys keys = TestKeys.in(database, dataSource);
            HaSettings settings = new JdbcHaSettings(dataSource, keys.secrets());
            if (fresh) {
                build(sim, store, settings);
            }
            sim.subscribe(event -> {
                if (event instanceof HypervisorEvent.DomainEvent domain
                        && domain.kind() == HypervisorEvent.DomainEventKind.UNDEFINED) {
                    say("EFFECT UNDEFINED " + domain.uuid());
                }
            });
            FenceAgent bmcs = fenceScenario ? new SlowBmc(sim) : new SimulatedFenceAgent(sim);
            SimulatedHeartbeats beats = new SimulatedHeartbeats(sim, Clock.systemUTC());
            // a hung node-1 writes no datastore heartbeat, though its power is on
            Function<Host, Optional<Instant>> heartbeats = fenceScenario
                    ? host -> host.id().equals("h1") ? Optional.empty() : beats.apply(host)
                    : beats;
            InventoryController inventory = new InventoryController(store, sim, Duration.ofSeconds(1), change -> { },
                    settings::hostsInMaintenance);
            inventory.start();
            OperationRunner runner = new OperationRunner(new JdbcOperationJournal(dataSource), store, sim,
                    new DeviceFencing(settings, bmcs));
            runner.start();
            HaController ha = new HaController(new HaController.Wiring(store, inventory, runner, sim, settings, bmcs,
                    heartbeats, new Oversight(new JdbcAlarms(dataSource), JdbcAuditLog.keyed(dataSource, keys)), Notifier.NONE, new HaMeters(), Clock.systemUTC()),
                    Duration.ofMillis(100), Duration.ofMillis(300));
            ha.start();
            OperationJournal journal = new JdbcOperationJournal(dataSource);
            BooleanSupplier recovered = () -> ha.status().stream()
                    .anyMatch(s -> s.hostId().equals("h1") && s.health() == HostHealth.FENCED);
            switch (mode) {
                case "fence" -> sim.inject(new Fault.HostIsolation("node-1"));
                case "stale" -> {
                    sim.inject(new Fault.HostCrash("node-1"));
                    awaitTrue(() -> recovered.getAsBoolean() && journal.unfinished().isEmpty());
                    sim.inject(new Fault.SlowCalls(CallKind.UNDEFINE, SLOW));
                    sim.inject(new Fault.HostPowerOn("node-1"));
                    awaitTrue(() -> runner.list(0, 20).items().stream()
                            .anyMatch(op -> op.kind().equals(HaController.CLEAN_STALE_KIND)));
                    say("CLEAN-STALE");
                }
                default -> { }
            }
            BooleanSupplier end = fenceScenario ? recovered
                    : () -> sim.domainsOn("node-1").stream().noneMatch(d -> d.uuid().startsWith("v"));
            if (mode.startsWith("resume")) {
                awaitTrue(() -> end.getAsBoolean() && journal.unfinished().isEmpty());
                say("FINISHED");
            } else {
                Thread.sleep(60_000); // killed before
            }
            ha.close();
            runner.close();
            inventory.close();
        }
    }

    /** A BMC that takes its time around the power-off, so that a kill lands inside the fence step. */
    private static final class SlowBmc implements FenceAgent {
        private final SimulatedHypervisor sim;
        private final SimulatedFenceAgent bmcs;

        SlowBmc(SimulatedHypervisor sim) {
            this.sim = sim;
            this.bmcs = new SimulatedFenceAgent(sim);
        }

        @Override
        public FenceOutcome run(FenceDevice device, FenceAction action) {
            if (action != FenceAction.OFF) {
                return bmcs.run(device, action);
            }
            String plug = device.options().get("plug");
            say("FENCE BEGIN " + plug);
            pause();
            boolean wasOn = sim.hosts().stream().anyMatch(h -> h.hostname().equals(plug) && h.poweredOn());
            FenceOutcome outcome = bmcs.run(device, action);
            if (wasOn && sim.hosts().stream().filter(h -> h.hostname().equals(plug))
                    .noneMatch(SimHostStatus::poweredOn)) {
                say("EFFECT POWERED OFF " + plug);
            }
            pause();
            return outcome;
        }

        private static void pause() {
            try {
                Thread.sleep(SLOW);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                say("TIMED OUT");
                System.exit(2);
            }
            Thread.sleep(50);
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
        store.put(site);
        store.put(cluster);
        hosts.forEach(store::put);
        store.putAll(vms);
        for (Host host : hosts) {
            settings.putFenceDevice(host.id(), SimulatedFenceAgent.deviceFor(host.name()));
        }
        settings.putTuning(cluster.id(), new HaSettings.ClusterTuning(false, WINDOW));
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
