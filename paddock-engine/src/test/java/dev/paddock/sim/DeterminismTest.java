package dev.paddock.sim;

import static dev.paddock.sim.SimulatedHypervisorTest.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.hypervisor.MigrationOptions;
import dev.paddock.model.Resources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DeterminismTest {

    /** A scenario with everything random in it: shutdown delays, migration figures, faults. */
    private static List<Object> run(long seed) {
        ManualClock clock = ManualClock.atEpochOf2030();
        SimulatedHypervisor sim = SimulatedHypervisor.create(clock, seed);
        List<Object> trace = new ArrayList<>();
        sim.subscribe(trace::add);
        for (String host : List.of("a", "b", "c")) {
            sim.addHost(host, Resources.of(16_000, 32_768, 100, 1_000));
            sim.attach(host.toUpperCase(), "sim://" + host);
        }
        for (int i = 0; i < 6; i++) {
            String uuid = "vm-" + i;
            sim.define("A", spec(uuid, 1, 1_024 * (i + 1)));
            sim.start("A", uuid);
        }
        for (int i = 0; i < 3; i++) {
            sim.shutdown("A", "vm-" + i);
        }
        trace.add(sim.migrate("vm-3", "A", "B", MigrationOptions.DEFAULTS, p -> {}));
        trace.add(sim.migrate("vm-4", "A", "C", MigrationOptions.DEFAULTS, p -> {}));
        sim.inject(new Fault.HostCrash("b"));
        clock.advance(Duration.ofSeconds(10));
        sim.inject(new Fault.HostPowerOn("b"));
        return trace;
    }

    @Test
    @DisplayName("the same seed and the same calls give the same events and migration figures")
    void sameSeedSameRun() {
        List<Object> first = run(2030);
        List<Object> second = run(2030);

        assertThat(first).hasSizeGreaterThan(20).isEqualTo(second);
    }

    @Test
    @DisplayName("another seed gives another run (the seed is really used)")
    void otherSeedOtherRun() {
        assertThat(run(1)).isNotEqualTo(run(2));
    }
}
