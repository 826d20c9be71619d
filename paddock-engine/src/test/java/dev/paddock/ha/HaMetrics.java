package dev.paddock.ha;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Time to detect (keepalive lost to fence decided), to fence (decided to confirmed), to recover (confirmed to done). */
final class HaMetrics {

    final List<Duration> detect = new ArrayList<>();
    final List<Duration> fence = new ArrayList<>();
    final List<Duration> recover = new ArrayList<>();
    private final Map<String, Instant> decided = new HashMap<>();
    private final Map<String, Instant> confirmed = new HashMap<>();
    private long waitingTicks;

    void detected(String host, Instant lost, Instant now) {
        detect.add(Duration.between(lost, now));
        decided.put(host, now);
    }

    void fenced(String host, Instant now) {
        Instant since = decided.remove(host);
        if (since != null) {
            fence.add(Duration.between(since, now));
        }
        confirmed.put(host, now);
    }

    void recovered(String host, Instant now) {
        Instant since = confirmed.remove(host);
        if (since != null) {
            recover.add(Duration.between(since, now));
        }
    }

    void waiting() {
        waitingTicks++;
    }

    long waitingTicks() {
        return waitingTicks;
    }

    void addAll(HaMetrics other) {
        detect.addAll(other.detect);
        fence.addAll(other.fence);
        recover.addAll(other.recover);
        waitingTicks += other.waitingTicks;
    }

    static String summary(String name, List<Duration> values) {
        if (values.isEmpty()) {
            return name + ": none";
        }
        List<Long> seconds = values.stream().map(Duration::toSeconds).sorted().toList();
        return name + ": n=" + seconds.size() + " p50=" + seconds.get(seconds.size() / 2) + " s p99="
                + seconds.get(Math.min(seconds.size() - 1, seconds.size() * 99 / 100)) + " s max="
                + seconds.get(seconds.size() - 1) + " s";
    }
}
