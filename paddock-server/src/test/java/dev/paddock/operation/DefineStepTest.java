package dev.paddock.operation;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.model.Resources;
import dev.paddock.model.Watchdog;
import dev.paddock.operation.plan.Step;
import dev.paddock.sim.ManualClock;
import dev.paddock.sim.SimulatedHypervisor;
import dev.paddock.store.JdbcInventoryStore;
import dev.paddock.store.TestDatabases;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The define step's idempotence: it leaves a domain alone only when the host holds the whole wanted definition,
 * and defines it again when any field the domain builder sets differs.
 */
class DefineStepTest {

    static final Watchdog WATCHDOG = new Watchdog(Watchdog.Model.I6300ESB, Watchdog.Action.RESET);
    static final DomainSpec WANTED = DomainSpec.of("v1", "web-1", 2, 1_024)
            .withDisks(List.of(new DomainSpec.DiskSpec("vda", "/var/lib/paddock/ds-1/web-1-root.qcow2", "qcow2", 8)))
            .withNics(List.of(new DomainSpec.NicSpec("52:54:00:00:00:01", "prod", Optional.of(120))))
            .withWatchdog(WATCHDOG);

    @TempDir
    Path directory;

    private final SimulatedHypervisor sim = SimulatedHypervisor.create(ManualClock.atEpochOf2030(), 7);
    private HikariDataSource dataSource;
    private StepExecutor executor;
    private final List<String> log = new ArrayList<>();

    @BeforeEach
    void open() {
        sim.attach("h1", sim.addHost("node-1", Resources.of(16_000, 65_536, 1_000, 10_000)));
        dataSource = TestDatabases.h2(directory);
        executor = new StepExecutor(sim, new JdbcInventoryStore(dataSource), () -> false);
    }

    @AfterEach
    void close() {
        sim.close();
        dataSource.close();
    }

    static Stream<Arguments> oneFieldDiffers() {
        return Stream.of(
                held("no watchdog", s -> s.withWatchdog(Optional.empty())),
                held("another watchdog action", s -> s.withWatchdog(new Watchdog(Watchdog.Model.I6300ESB,
                        Watchdog.Action.PAUSE))),
                held("no disk", s -> s.withDisks(List.of())),
                held("no NIC", s -> s.withNics(List.of())),
                held("an untagged NIC", s -> s.withNics(List.of(new DomainSpec.NicSpec("52:54:00:00:00:01",
                        "prod", Optional.empty())))),
                held("one vCPU", s -> new DomainSpec(s.uuid(), s.name(), 1, s.memoryMib(), s.disks(), s.nics(),
                        s.directBoot(), s.watchdog())),
                held("half the memory", s -> new DomainSpec(s.uuid(), s.name(), s.vcpus(), 512, s.disks(),
                        s.nics(), s.directBoot(), s.watchdog())));
    }

    private static Arguments held(String difference, UnaryOperator<DomainSpec> change) {
        return Arguments.of(difference, change.apply(WANTED));
    }

    @ParameterizedTest(name = "a domain held with {0} is defined again as wanted")
    @MethodSource("oneFieldDiffers")
    void redefinesADifferentDomain(String difference, DomainSpec held) {
        sim.define("h1", held);

        executor.execute(new Step.DefineVm("h1", WANTED), log::add);

        assertThat(log).containsExactly("defined domain v1 on h1");
        assertThat(sim.definition("h1", "v1")).hasValue(WANTED);
        assertThat(sim.effects("v1").defined()).isEqualTo(2);
    }

    @Test
    @DisplayName("a domain held as wanted is left alone")
    void leavesTheSameDomainAlone() {
        sim.define("h1", WANTED);

        executor.execute(new Step.DefineVm("h1", WANTED), log::add);

        assertThat(log).containsExactly("domain v1 already defined on h1");
        assertThat(sim.effects("v1").defined()).isEqualTo(1);
    }
}
