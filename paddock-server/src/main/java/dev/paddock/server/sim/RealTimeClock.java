package dev.paddock.server.sim;

import dev.paddock.sim.SimClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The wall clock, for the demo. Scheduled tasks run on one daemon thread, in due order; {@link #sleep} really
 * sleeps. Close it to stop that thread.
 */
public final class RealTimeClock implements SimClock, AutoCloseable {

    private final Clock clock;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "paddock-sim-clock");
        thread.setDaemon(true);
        return thread;
    });

    public RealTimeClock() {
        this(Clock.systemUTC());
    }

    public RealTimeClock(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a simulated call was taking its time", e);
        }
    }

    @Override
    public void schedule(Instant at, Runnable task) {
        long delayNanos = Math.max(0, Duration.between(now(), at).toNanos());
        timers.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        timers.shutdownNow();
    }
}
