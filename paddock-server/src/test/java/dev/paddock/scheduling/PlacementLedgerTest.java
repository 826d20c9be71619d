package dev.paddock.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.api.TestServer;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.model.Host;
import dev.paddock.model.HostState;
import dev.paddock.model.PowerState;
import dev.paddock.model.Resources;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import dev.paddock.store.JdbcOperationJournal;
import dev.paddock.operation.OperationRunner;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import dev.paddock.placement.Claims;
import dev.paddock.sim.ManualClock;
import dev.paddock.sim.SimulatedHypervisor;
import dev.paddock.store.Database;
import dev.paddock.store.JdbcInventoryStore;
import dev.paddock.store.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger holds an operation's claims as long as the operation, across a restart of the server. */
class PlacementLedgerTest {

    static final Host HOST = new Host("host-1", TestServer.CLUSTER.id(), "h1", "sim://h1",
            Resources.of(8_000, 16_384, 500, 10_000), HostState.CONNECTED, PowerState.ON, Set.of());

    @TempDir
    Path directory;

    HikariDataSource dataSource;
    JdbcInventoryStore store;
    SimulatedHypervisor sim;

    @BeforeEach
    void open() {
        dataSource = Database.open(StoreConfig.h2In(directory));
        store = new JdbcInventoryStore(dataSource);
        store.put(TestServer.SITE);
        store.put(TestServer.CLUSTER);
        store.put(HOST);
        sim = SimulatedHypervisor.create(ManualClock.atEpochOf2030(), 1);
        sim.addHost(HOST.name(), HOST.capacity());
        sim.attach(HOST.id(), HOST.uri());
    }

    @AfterEach
    void close() {
        dataSource.close();
    }

    @Test
    void aServerRestartedMidOperationRebuildsItsClaimAndDropsItWhenTheOperationEnds() throws Exception {
        Vm vm = new Vm("vm-1", "web", TestServer.CLUSTER.id(), Optional.of(HOST.id()), Resources.of(2_000, 1_024, 0, 0),
                VmState.STOPPED, VmOrigin.MANAGED, "", 0, Set.of(), Set.of(), Set.of(), List.of(), List.of());
        // the journal of a server that stopped before running the operation it had accepted
        String id = new JdbcOperationJournal(dataSource).create(new OperationPlan("vm.create", vm.id(), "api", List.of(
                new Step.RecordVm(vm), new Step.DefineVm(HOST.id(), spec(vm)), new Step.StartVm(HOST.id(), vm.id()))),
                Instant.now());

        try (OperationRunner runner = new OperationRunner(new JdbcOperationJournal(dataSource), store, sim)) {
            PlacementLedger ledger = new PlacementLedger(store, runner);
            assertThat(ledger.claims().claims()).containsExactly(new Claims.Claim(id, vm, HOST.id()));

            runner.start();

            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> runner.get(id).orElseThrow().state().isFinal());
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> ledger.claims().claims().isEmpty());
            assertThat(store.vm(vm.id()).orElseThrow().state()).as("the room holds what the claim held")
                    .isEqualTo(VmState.RUNNING);
        }
    }

    @Test
    void aRefusedDecisionSubmitsNothingAndClaimsNothing() {
        try (OperationRunner runner = new OperationRunner(new JdbcOperationJournal(dataSource), store, sim)) {
            runner.start();
            PlacementLedger ledger = new PlacementLedger(store, runner);

            assertThatThrownBy(() -> ledger.submit((room, claims) -> {
                throw new IllegalStateException("no room");
            })).hasMessage("no room");

            assertThat(runner.list(0, 10).items()).isEmpty();
            assertThat(ledger.claims().claims()).isEmpty();
        }
    }

    private static DomainSpec spec(Vm vm) {
        return new DomainSpec(vm.id(), vm.name(), 2, 1_024, List.of(), List.of(), Optional.empty(), Optional.empty());
    }
}
