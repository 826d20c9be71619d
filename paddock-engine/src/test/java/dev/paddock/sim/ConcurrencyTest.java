package dev.paddock.sim;

import static dev.paddock.sim.SimulatedHypervisorTest.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.hypervisor.HypervisorEvent.DomainEvent;
import dev.paddock.hypervisor.HypervisorEvent.DomainEventKind;
import dev.paddock.hypervisor.HypervisorEvent;
import dev.paddock.model.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {

    @Test
    @DisplayName("under concurrent calls each domain's events come in the order of its changes, one per effect")
    void eventsFollowChangesUnderConcurrency() throws Exception {
        // No slow call and no delayed shutdown here: the clock only stamps events, so a manual one serves.
        SimulatedHypervisor sim = SimulatedHypervisor.create(ManualClock.atEpochOf2030(), 3);
        sim.addHost("a", Resources.of(64_000, 131_072, 100, 1_000));
        sim.attach("A", "sim://a");
        Map<String, List<DomainEventKind>> seen = new ConcurrentHashMap<>();
        sim.subscribe(event -> {
            if (event instanceof DomainEvent e) {
                // Delivery is one thread at a time, so a plain list per domain is safe here.
                seen.computeIfAbsent(e.uuid(), u -> new ArrayList<>()).add(e.kind());
            }
        });
        int threads = 4;
        int rounds = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String uuid = "vm-" + t;
            sim.define("A", spec(uuid, 1, 1_024));
            work.add(pool.submit(() -> {
                for (int r = 0; r < rounds; r++) {
                    sim.start("A", uuid);
                    sim.destroy("A", uuid);
                }
            }));
        }
        for (Future<?> future : work) {
            future.get();
        }
        pool.shutdown();

        for (int t = 0; t < threads; t++) {
            String uuid = "vm-" + t;
            List<DomainEventKind> kinds = seen.get(uuid);
            assertThat(kinds).hasSize(1 + 2 * rounds).startsWith(DomainEventKind.DEFINED);
            for (int i = 1; i < kinds.size(); i++) {
                assertThat(kinds.get(i)).isEqualTo(i % 2 == 1 ? DomainEventKind.STARTED : DomainEventKind.STOPPED);
            }
            assertThat(sim.effects(uuid)).isEqualTo(new Effects(1, rounds, 0, rounds, 0, 0));
        }
    }
}
