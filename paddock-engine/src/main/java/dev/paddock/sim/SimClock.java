package dev.paddock.sim;

import java.time.Duration;
import java.time.Instant;

/**
 * The time of the simulated room. Everything the sim does later (a guest that finishes shutting down, a slow
 * call) goes through its clock, so a test drives time by hand and the demo lets it run.
 *
 * <p>{@link ManualClock} moves only when told to and runs due tasks on the thread that moves it: with it, the
 * same seed and the same calls give the same events. The server's {@code RealTimeClock} follows the wall clock
 * (it owns a thread, so it lives in the server, not here).
 */
public interface SimClock {

    Instant now();

    /** Lets {@code duration} pass for the caller: a real sleep, or a move of a manual clock. */
    void sleep(Duration duration);

    /** Runs {@code task} once at {@code at} (at once when {@code at} is past). Tasks due together run in order. */
    void schedule(Instant at, Runnable task);
}
