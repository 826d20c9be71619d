package dev.paddock.monitoring;

import dev.paddock.hypervisor.DomainStats;
import dev.paddock.hypervisor.HostStats;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Turns two reads of a domain's or a host's cumulative counters into {@link Usage}. A counter that went down was
 * restarted (the domain's process started again, the room was loaded again): its whole new value is what was counted
 * since, as Prometheus's {@code rate()} takes it.
 */
public final class Rates {

    private static final double NANOS = 1e9;

    private Rates() {}

    /** A domain's usage between two reads; empty when no time passed between them. */
    public static Optional<Usage> of(DomainStats before, Instant beforeAt, DomainStats after, Instant afterAt) {
        double seconds = seconds(beforeAt, afterAt);
        if (seconds <= 0) {
            return Optional.empty();
        }
        double cpu = delta(before.cpuTimeNanos(), after.cpuTimeNanos()) / (seconds * NANOS * Math.max(1, after.vcpus()));
        return Optional.of(new Usage(afterAt, clamp(cpu), after.memoryUsedBytes(), after.memoryBytes(),
                delta(before.diskReadBytes(), after.diskReadBytes()) / seconds,
                delta(before.diskWriteBytes(), after.diskWriteBytes()) / seconds,
                delta(before.networkReceiveBytes(), after.networkReceiveBytes()) / seconds,
                delta(before.networkTransmitBytes(), after.networkTransmitBytes()) / seconds));
    }

    /**
     * A host's usage between two reads, its disk and network rates those of its guests ({@code guests}, added up by
     * the caller); empty when the host's clock of CPU time did not move.
     */
    public static Optional<Usage> of(HostStats before, HostStats after, Instant at, Usage guests) {
        long total = delta(before.cpuTotalNanos(), after.cpuTotalNanos());
        if (total <= 0) {
            return Optional.empty();
        }
        double busy = delta(before.cpuBusyNanos(), after.cpuBusyNanos());
        return Optional.of(new Usage(at, clamp(busy / total), after.memoryTotalBytes() - after.memoryFreeBytes(),
                after.memoryTotalBytes(), guests.diskReadRate(), guests.diskWriteRate(), guests.networkReceiveRate(),
                guests.networkTransmitRate()));
    }

    /** What a counter counted between two reads: the difference, or the new value after a restart. */
    public static long delta(long before, long after) {
        return after >= before ? after - before : after;
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / NANOS;
    }

    /** Rounding of two clocks read apart may take a share a hair past its bounds. */
    private static double clamp(double share) {
        return Math.max(0, Math.min(1, share));
    }
}
