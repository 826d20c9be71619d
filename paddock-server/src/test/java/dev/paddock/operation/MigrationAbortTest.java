package dev.paddock.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.model.Resources;
import dev.paddock.operation.plan.Step;
import dev.paddock.server.sim.RealTimeClock;
import dev.paddock.sim.CallKind;
import dev.paddock.sim.Fault;
import dev.paddock.sim.SimulatedHypervisor;
import dev.paddock.store.JdbcInventoryStore;
import dev.paddock.store.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cancel that arrives while a migration step is still getting ready, before the host has a migration job to abort
 * (here: the simulated host takes 600 ms to answer the migrate call), still stops the migration once it begins.
 */
class MigrationAbortTest {

    @TempDir
    Path directory;

    @Test
    void aCancelBeforeTheHostsJobBeginsStillStopsTheMigration() throws Exception {
        try (RealTimeClock clock = new RealTimeClock();
                SimulatedHypervisor sim = SimulatedHypervisor.create(clock, 7);
                HikariDataSource dataSource = TestDatabases.h2(directory)) {
            sim.attach("h1", sim.addHost("node-1", Resources.of(16_000, 65_536, 1_000, 10_000)));
            sim.attach("h2", sim.addHost("node-2", Resources.of(16_000, 65_536, 1_000, 10_000)));
            sim.define("h1", DomainSpec.of("v1", "web-1", 1, 4_096));
            sim.start("h1", "v1");
            sim.inject(new Fault.SlowCalls(CallKind.MIGRATE, Duration.ofMillis(600)));
            StepExecutor executor = new StepExecutor(sim, new JdbcInventoryStore(dataSource), () -> false);
            // 4 GiB at 1 MiB/s: an hour, unless aborted
            Step.MigrateVm step = new Step.MigrateVm("v1", "h1", "h2", 1L, List.of());

            CompletableFuture<Void> migration = CompletableFuture.runAsync(() -> executor.execute(step, line -> { }));
            Thread.sleep(150);
            executor.abort(step);

            assertThatThrownBy(() -> migration.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(HypervisorException.class).hasMessageContaining("was cancelled");
            assertThat(sim.domain("h1", "v1")).as("the domain still runs where it ran").isPresent();
        }
    }
}
