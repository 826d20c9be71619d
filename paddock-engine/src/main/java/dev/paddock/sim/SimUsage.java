package dev.paddock.sim;

import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.DomainStats;
import dev.paddock.hypervisor.HostStats;
import java.time.Instant;

/**
 * What a simulated domain or host uses: counters that are pure functions of the domain's UUID (or the host's name)
 * and the room's time, so that reading them draws nothing from the room's random generator, costs no state, and the
 * same room at the same time always reports the same figures.
 *
 * <p>Counters count from the time the simulated room was made in this process ({@code origin}), as libvirt's count
 * from the start of a domain's process: a room loaded again starts them at 0, which a sampler takes as the restart it
 * is.
 *
 * <p>Each domain has a load of its own, drawn from its UUID: a base share of its vCPUs between 5 % and 65 % with a
 * daily-ish wave over it (a period between 20 minutes and 4 hours), so that a chart of it looks like a working
 * machine and thresholds have something to cross. The counters are the load's integral, in closed form: they only
 * grow, as libvirt's do.
 */
final class SimUsage {

    private static final double NANOS = 1e9;
    private static final double TWO_PI = 2 * Math.PI;

    private SimUsage() {}

    /** The domain's counters at {@code now}. */
    static DomainStats domain(DomainSpec spec, Instant origin, Instant now) {
        long seed = mix(spec.uuid().hashCode() * 0x9E3779B97F4A7C15L + spec.name().hashCode());
        double t = seconds(origin, now);
        double base = 0.05 + 0.6 * unit(seed, 1);
        double amplitude = Math.min(base, 1 - base) * unit(seed, 2);
        double period = 1200 + 13_200 * unit(seed, 3);
        double phase = TWO_PI * unit(seed, 4);
        long cpu = (long) (spec.vcpus() * NANOS * integral(t, base, amplitude, period, phase));
        long memory = spec.memoryMib() << 20;
        double used = 0.3 + 0.6 * unit(seed, 5) + 0.05 * Math.sin(TWO_PI * t / period + phase);
        long memoryUsed = (long) (memory * Math.max(0.05, Math.min(1, used)));
        double diskRate = 200_000 + 20_000_000 * unit(seed, 6);
        double netRate = 50_000 + 10_000_000 * unit(seed, 7);
        double wave = integral(t, 1, 0.5, period, phase);
        return new DomainStats(spec.uuid(), cpu, spec.vcpus(), memory, memoryUsed, (long) (diskRate * 0.7 * wave),
                (long) (diskRate * 0.3 * wave), (long) (netRate * wave), (long) (netRate * 0.6 * wave));
    }

    /**
     * The host's counters at {@code now}: busy CPU time is what its running domains used plus a small share of its
     * own, so the host's CPU usage follows its guests.
     *
     * @param guestCpuNanos the CPU time its domains report now, added up
     */
    static HostStats host(String hostname, int cpus, long memoryMib, long guestUsedBytes, long guestCpuNanos,
            Instant origin, Instant now) {
        double t = seconds(origin, now);
        long total = (long) (cpus * NANOS * t);
        long own = (long) (cpus * NANOS * 0.02 * t);
        long busy = Math.min(total, guestCpuNanos + own);
        long memory = memoryMib << 20;
        long hostOwn = Math.min(memory / 20, 2L << 30) + (Math.floorMod(mix(hostname.hashCode()), 256L) << 20);
        return new HostStats(busy, total, cpus, memory, Math.max(0, memory - guestUsedBytes - hostOwn));
    }

    /** The integral from 0 to {@code t} of {@code base + amplitude sin(2 pi s / period + phase)} ds. */
    private static double integral(double t, double base, double amplitude, double period, double phase) {
        return base * t - amplitude * period / TWO_PI * (Math.cos(TWO_PI * t / period + phase) - Math.cos(phase));
    }

    private static double seconds(Instant origin, Instant now) {
        return Math.max(0, java.time.Duration.between(origin, now).toNanos() / NANOS);
    }

    /** A number in [0, 1) drawn from {@code seed} for draw {@code n}. */
    private static double unit(long seed, int n) {
        return (mix(seed + n * 0x632BE59BD9B4E019L) >>> 11) * 0x1.0p-53;
    }

    /** SplitMix64's finaliser: spreads a seed's bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
