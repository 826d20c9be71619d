package dev.paddock.monitoring;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The usage of one host or VM over time, bounded: each point goes into every tier, and a tier keeps the average of
 * the points of each of its steps for as long as it reaches back ({@link #TIERS}: 10 s steps for an hour, 1 min for a
 * day, 10 min for a week). Older points fall off, so a series never holds more than the tiers' capacities together
 * (2,808 steps of {@value #FIELDS} floats: about 67 KB a week old), and less while it is young: a tier's arrays grow
 * as it fills.
 *
 * <p>Not thread-safe: the sampler's thread writes, readers take {@link #points} under the owner's lock.
 */
public final class Series {

    /** One tier: its step and how many steps it keeps. */
    public record Tier(Duration step, int capacity) {
        Duration reach() {
            return step.multipliedBy(capacity);
        }
    }

    /** The tiers every series keeps, finest first. */
    public static final List<Tier> TIERS = List.of(new Tier(Duration.ofSeconds(10), 360),
            new Tier(Duration.ofMinutes(1), 1440), new Tier(Duration.ofMinutes(10), 1008));

    /** One step of a series: when it starts and the averages of its points' figures (see {@link Usage#SERIES_FIELDS}). */
    public record Point(Instant at, float[] values) {}

    static final int FIELDS = 6;

    private final Ring[] rings;

    public Series() {
        this(TIERS);
    }

    public Series(List<Tier> tiers) {
        rings = tiers.stream().map(Ring::new).toArray(Ring[]::new);
    }

    public void add(Usage usage) {
        float[] values = usage.fields();
        long second = usage.at().getEpochSecond();
        for (Ring ring : rings) {
            ring.add(second, values);
        }
    }

    /**
     * The points from {@code from} to {@code to}, oldest first, each the average over {@code step}: read from the
     * finest tier that reaches back to {@code from} and whose step is no longer than {@code step} (else the coarsest
     * that reaches back that far, else the coarsest). A step shorter than that tier's is the tier's step.
     */
    public List<Point> points(Instant from, Instant to, Duration step, Instant now) {
        Ring ring = choose(from, step, now);
        long stepSeconds = Math.max(ring.step, step.toSeconds());
        long first = Math.floorDiv(from.getEpochSecond(), stepSeconds) * stepSeconds;
        List<Point> points = new ArrayList<>();
        long current = Long.MIN_VALUE;
        float[] sums = new float[FIELDS];
        int count = 0;
        for (int i = 0; i < ring.size; i++) {
            int at = ring.index(i);
            long start = ring.starts[at];
            if (start < first || start > to.getEpochSecond()) {
                continue;
            }
            long bucket = Math.floorDiv(start, stepSeconds) * stepSeconds;
            if (bucket != current && count > 0) {
                points.add(point(current, sums, count));
                sums = new float[FIELDS];
                count = 0;
            }
            current = bucket;
            for (int f = 0; f < FIELDS; f++) {
                sums[f] += ring.sums[at * FIELDS + f];
            }
            count += ring.counts[at];
        }
        if (count > 0) {
            points.add(point(current, sums, count));
        }
        return points;
    }

    private static Point point(long start, float[] sums, int count) {
        float[] averages = new float[FIELDS];
        for (int f = 0; f < FIELDS; f++) {
            averages[f] = sums[f] / count;
        }
        return new Point(Instant.ofEpochSecond(start), averages);
    }

    private Ring choose(Instant from, Duration step, Instant now) {
        Duration back = Duration.between(from, now);
        Ring reaching = null;
        for (Ring ring : rings) {
            if (ring.tier.reach().compareTo(back) >= 0) {
                if (ring.step <= Math.max(step.toSeconds(), rings[0].step)) {
                    return ring;
                }
                if (reaching == null) {
                    reaching = ring;
                }
            }
        }
        return reaching != null ? reaching : rings[rings.length - 1];
    }

    /** How many steps the tiers hold now, finest first: what a series costs. */
    public int[] sizes() {
        return Arrays.stream(rings).mapToInt(ring -> ring.size).toArray();
    }

    /**
     * One tier's steps in a ring: sums and counts of the points of each step, so that a step's average is exact
     * however many points fell in it. The arrays double as they fill, up to the tier's capacity, then the ring wraps.
     */
    private static final class Ring {
        private static final int FIRST_SIZE = 8;

        final Tier tier;
        final long step;
        long[] starts;
        float[] sums;
        int[] counts;
        /** Where the oldest step is once the ring wrapped (0 before), and how many steps it holds. */
        int head;
        int size;

        Ring(Tier tier) {
            this.tier = tier;
            this.step = tier.step().toSeconds();
            int first = Math.min(FIRST_SIZE, tier.capacity());
            starts = new long[first];
            sums = new float[first * FIELDS];
            counts = new int[first];
        }

        int index(int i) {
            return (head + i) % starts.length;
        }

        void add(long second, float[] values) {
            long start = Math.floorDiv(second, step) * step;
            if (size > 0) {
                int newest = index(size - 1);
                if (starts[newest] == start) {
                    accumulate(newest, values);
                    return;
                }
                if (starts[newest] > start) {
                    return; // a point older than the newest step: the sampler's clock went back; dropped
                }
            }
            int slot;
            if (size < starts.length) {
                slot = index(size++);
            } else if (starts.length < tier.capacity()) {
                grow();
                slot = index(size++);
            } else {
                slot = head;
                head = (head + 1) % starts.length;
            }
            starts[slot] = start;
            counts[slot] = 0;
            Arrays.fill(sums, slot * FIELDS, slot * FIELDS + FIELDS, 0f);
            accumulate(slot, values);
        }

        private void accumulate(int slot, float[] values) {
            for (int f = 0; f < FIELDS; f++) {
                sums[slot * FIELDS + f] += values[f];
            }
            counts[slot]++;
        }

        /** Only while the ring has not wrapped: its steps are in order from 0. */
        private void grow() {
            int length = Math.min(tier.capacity(), starts.length * 2);
            starts = Arrays.copyOf(starts, length);
            sums = Arrays.copyOf(sums, length * FIELDS);
            counts = Arrays.copyOf(counts, length);
        }
    }
}
