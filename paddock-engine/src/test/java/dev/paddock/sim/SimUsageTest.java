package dev.paddock.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.DomainStats;
import dev.paddock.hypervisor.HostStats;
import dev.paddock.model.Resources;
import dev.paddock.model.VmState;
import dev.paddock.monitoring.Rates;
import dev.paddock.monitoring.Usage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The simulated room's usage: counters that only grow, shares within bounds, the same at the same time. */
class SimUsageTest {

    private final ManualClock clock = ManualClock.atEpochOf2030();
    private final SimulatedHypervisor sim = SimulatedHypervisor.create(clock, 7);

    private SimulatedHypervisor room() {
        sim.addHost("a", Resources.of(64_000, 65_536, 100, 1_000));
        for (int i = 0; i < 20; i++) {
            sim.addDomain("a", DomainSpec.of("00000000-0000-4000-8000-0000000000" + (10 + i), "vm-" + i, 2, 2048),
                    i == 0 ? VmState.PAUSED : VmState.RUNNING);
        }
        sim.attach("a", "sim://a");
        return sim;
    }

    @Test
    void everyRunningDomainHasCountersThatGrowAndSharesOfItsVcpusBetweenNoneAndAll() {
        room();
        List<DomainStats> before = sim.domainStats("a");
        clock.advance(Duration.ofSeconds(10));
        List<DomainStats> after = sim.domainStats("a");

        assertThat(after).as("the paused one has no counters").hasSize(19);
        for (int i = 0; i < after.size(); i++) {
            Usage usage = Rates.of(before.get(i), clock.now().minusSeconds(10), after.get(i), clock.now()).orElseThrow();
            assertThat(after.get(i).cpuTimeNanos()).isGreaterThan(before.get(i).cpuTimeNanos());
            assertThat(usage.cpu()).isBetween(0.0, 1.0);
            assertThat(usage.memoryShare()).isBetween(0.05, 1.0);
            assertThat(usage.diskReadRate()).isPositive();
            assertThat(usage.networkTransmitRate()).isPositive();
        }
        assertThat(after).extracting(DomainStats::cpuTimeNanos).doesNotHaveDuplicates();
    }

    @Test
    void theSameRoomAtTheSameTimeReportsTheSameFiguresAndDrawsNothingFromItsGenerator() {
        room();
        clock.advance(Duration.ofMinutes(3));
        List<DomainStats> first = sim.domainStats("a");
        HostStats host = sim.hostStats("a");

        assertThat(sim.domainStats("a")).isEqualTo(first);
        assertThat(sim.hostStats("a")).isEqualTo(host);
        assertThat(host.cpuBusyNanos()).isBetween(1L, host.cpuTotalNanos());
        assertThat(host.memoryFreeBytes()).isBetween(0L, host.memoryTotalBytes());
        assertThat(host.cpus()).isEqualTo(64);
    }
}
