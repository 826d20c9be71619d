package dev.paddock.ha.control;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;

/**
 * HA's metrics: time to detect (keepalive lost to fence decided), to fence (decided to confirmed), to restart
 * (confirmed to every protected VM settled), failovers by outcome, fence failures. Kept in a composite registry
 * so the controller can count before the server's Prometheus registry is {@linkplain #bindTo bound}.
 */
public final class HaMeters {

    /** A composite without a registry counts nothing: a simple one keeps the counts until Prometheus is bound. */
    private final CompositeMeterRegistry registry = new CompositeMeterRegistry().add(new SimpleMeterRegistry());
    private final Timer detect = timer("paddock.ha.detect", "Keepalive lost to host judged dead");
    private final Timer fence = timer("paddock.ha.fence", "Fence decided to fence confirmed");
    private final Timer restart = timer("paddock.ha.restart", "Fence confirmed to every protected VM settled");
    private final Counter fenceFailures = Counter.builder("paddock.ha.fence.failures")
            .description("Fence attempts that did not confirm the host off").register(registry);

    public void bindTo(MeterRegistry target) {
        registry.add(target);
    }

    public MeterRegistry registry() {
        return registry;
    }

    void detected(Duration took) {
        detect.record(took);
    }

    void fenced(Duration took) {
        fence.record(took);
    }

    void restarted(Duration took) {
        restart.record(took);
    }

    void fenceFailed() {
        fenceFailures.increment();
    }

    /** A failover operation ended: {@code outcome} is its final state, for example DONE or FAILED. */
    void failover(String outcome) {
        Counter.builder("paddock.ha.failovers").description("Failover operations by outcome")
                .tag("outcome", outcome).register(registry).increment();
    }

    /** A guest watchdog fired; {@code action} is what the hypervisor did (reset, poweroff, pause, none). */
    void watchdogFired(String action) {
        Counter.builder("paddock.ha.watchdog.fires").description("Guest watchdog fires by the hypervisor's action")
                .tag("action", action).register(registry).increment();
    }

    /** What came of a watchdog fire: running, restarted, gave-up, gone or unchecked. */
    void watchdogOutcome(String outcome) {
        Counter.builder("paddock.ha.watchdog.outcomes").description("What Paddock found and did after a watchdog fire")
                .tag("outcome", outcome).register(registry).increment();
    }

    private Timer timer(String name, String description) {
        return Timer.builder(name).description(description).register(registry);
    }
}
