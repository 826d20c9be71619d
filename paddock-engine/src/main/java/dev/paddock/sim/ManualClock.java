package dev.paddock.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A clock that moves only when {@link #advance} or {@link #sleep} is called. Due tasks run on the thread that
 * moves it, in order of due time and then of scheduling, with {@link #now()} set to their due time, so runs
 * are repeatable. Sleeping moves the clock for everyone: two threads sleeping one second each move it by two.
 */
public final class ManualClock implements SimClock {

    private record Timer(Instant at, long order, Runnable task) {}

    private final Object lock = new Object();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(
            (a, b) -> a.at.equals(b.at) ? Long.compare(a.order, b.order) : a.at.compareTo(b.at));
    private Instant now;
    private long scheduled;

    public ManualClock(Instant start) {
        this.now = Objects.requireNonNull(start, "start");
    }

    /** A clock at a fixed, round instant, for tests. */
    public static ManualClock atEpochOf2030() {
        return new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    }

    @Override
    public Instant now() {
        synchronized (lock) {
            return now;
        }
    }

    @Override
    public void sleep(Duration duration) {
        advance(duration);
    }

    @Override
    public void schedule(Instant at, Runnable task) {
        Objects.requireNonNull(task, "task");
        synchronized (lock) {
            timers.add(new Timer(at.isBefore(now) ? now : at, scheduled++, task));
        }
    }

    /** Moves the clock forward, running every task that falls due on the way. */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a clock cannot go back: " + duration);
        }
        Instant target;
        synchronized (lock) {
            target = now.plus(duration);
        }
        for (Timer due = nextDue(target); due != null; due = nextDue(target)) {
            due.task.run();
        }
        synchronized (lock) {
            if (now.isBefore(target)) {
                now = target;
            }
        }
    }

    /** Tasks scheduled and not yet run. */
    public int pendingTasks() {
        synchronized (lock) {
            return timers.size();
        }
    }

    private Timer nextDue(Instant target) {
        synchronized (lock) {
            Timer head = timers.peek();
            if (head == null || head.at.isAfter(target)) {
                return null;
            }
            timers.poll();
            if (now.isBefore(head.at)) {
                now = head.at;
            }
            return head;
        }
    }
}
