package dev.paddock.model;

import java.util.Arrays;

/**
 * A small fixed vector of resource amounts: cpu millicores, memory MiB, disk GiB, network Mbit/s.
 *
 * <p>Backed by a {@code long[]} rather than four record components so that planners can loop over
 * the dimensions without a switch; the array never escapes, which keeps the value immutable.
 */
public final class Resources {

    /** The dimensions, in the order of the backing array. */
    public enum Kind {
        CPU("cpu", "millicores"),
        MEMORY("memory", "MiB"),
        DISK("disk", "GiB"),
        NETWORK("network", "Mbit/s");

        private final String label;
        private final String unit;

        Kind(String label, String unit) {
            this.label = label;
            this.unit = unit;
        }

        public String label() {
            return label;
        }

        public String unit() {
            return unit;
        }
    }

    public static final int DIMENSIONS = Kind.values().length;
    public static final Resources ZERO = new Resources(new long[DIMENSIONS]);

    private final long[] amounts;

    private Resources(long[] amounts) {
        this.amounts = amounts;
    }

    public static Resources of(long cpuMillicores, long memoryMib, long diskGib, long networkMbps) {
        return new Resources(new long[] {cpuMillicores, memoryMib, diskGib, networkMbps});
    }

    /** A copy of {@code amounts}, which must have {@link #DIMENSIONS} entries. */
    public static Resources ofArray(long[] amounts) {
        if (amounts.length != DIMENSIONS) {
            throw new IllegalArgumentException("expected " + DIMENSIONS + " amounts, got " + amounts.length);
        }
        return new Resources(amounts.clone());
    }

    public long get(Kind kind) {
        return amounts[kind.ordinal()];
    }

    public long get(int dimension) {
        return amounts[dimension];
    }

    public long cpuMillicores() {
        return amounts[0];
    }

    /** The whole cores its CPU amounts to, at least one: how vCPU limits and per-core licences count a host. */
    public long cores() {
        return Math.max(1, cpuMillicores() / 1000);
    }

    public long memoryMib() {
        return amounts[1];
    }

    public long diskGib() {
        return amounts[2];
    }

    public long networkMbps() {
        return amounts[3];
    }

    public long[] toArray() {
        return amounts.clone();
    }

    public Resources plus(Resources other) {
        long[] sum = new long[DIMENSIONS];
        for (int i = 0; i < DIMENSIONS; i++) {
            sum[i] = Math.addExact(amounts[i], other.amounts[i]);
        }
        return new Resources(sum);
    }

    public Resources minus(Resources other) {
        long[] difference = new long[DIMENSIONS];
        for (int i = 0; i < DIMENSIONS; i++) {
            difference[i] = Math.subtractExact(amounts[i], other.amounts[i]);
        }
        return new Resources(difference);
    }

    /** True when every dimension of this demand is at most the same dimension of {@code capacity}. */
    public boolean fitsIn(Resources capacity) {
        for (int i = 0; i < DIMENSIONS; i++) {
            if (amounts[i] > capacity.amounts[i]) {
                return false;
            }
        }
        return true;
    }

    /** The first dimension in which this demand exceeds {@code capacity}, if any. */
    public java.util.Optional<Kind> firstExcess(Resources capacity) {
        for (Kind kind : Kind.values()) {
            if (amounts[kind.ordinal()] > capacity.amounts[kind.ordinal()]) {
                return java.util.Optional.of(kind);
            }
        }
        return java.util.Optional.empty();
    }

    public boolean isNonNegative() {
        for (long amount : amounts) {
            if (amount < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Resources other && Arrays.equals(amounts, other.amounts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(amounts);
    }

    @Override
    public String toString() {
        return "Resources[cpu=" + amounts[0] + "m, memory=" + amounts[1] + "MiB, disk=" + amounts[2]
                + "GiB, network=" + amounts[3] + "Mbit/s]";
    }
}
