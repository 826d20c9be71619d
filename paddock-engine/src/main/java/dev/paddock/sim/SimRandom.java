package dev.paddock.sim;

/**
 * SplitMix64: a seeded generator whose whole state is one {@code long}, so the sim can write it to its state
 * file and a reloaded room draws the same numbers the original would have.
 */
final class SimRandom {

    private long state;

    SimRandom(long state) {
        this.state = state;
    }

    long state() {
        return state;
    }

    long nextLong() {
        state += 0x9E3779B97F4A7C15L;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A number in {@code [0, bound)}. */
    int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive");
        }
        return (int) Math.floorMod(nextLong(), (long) bound);
    }

    /** A number in {@code [from, to]}. */
    long between(long from, long to) {
        return from + Math.floorMod(nextLong(), to - from + 1);
    }

    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** A random (version 4) UUID drawn from this generator. */
    java.util.UUID nextUuid() {
        long most = (nextLong() & ~0xF000L) | 0x4000L;
        long least = (nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new java.util.UUID(most, least);
    }
}
