package dev.paddock.placement.packing;

import dev.paddock.model.Resources;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Generates vector bin packing instances whose optimum is known by construction: each of {@code bins} bins is
 * cut, in every dimension, into the same number of positive parts that sum exactly to its capacity. The items fill
 * {@code bins} bins to the brim, so the volume bound equals {@code bins} and no packing can use fewer.
 */
public final class PerfectPacking {
    private PerfectPacking() {}

    /**
     * @param items how many items in total (at least 2 per bin)
     * @param bins the optimum
     */
    public static PackingProblem generate(int items, int bins, Resources capacity, long seed) {
        if (bins < 1 || items < 2 * bins) {
            throw new IllegalArgumentException("need at least one bin and two items per bin");
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] perBin = new int[bins];
        java.util.Arrays.fill(perBin, 2);
        for (int left = items - 2 * bins; left > 0; left--) {
            perBin[random.nextInt(bins)]++;
        }
        List<Resources> all = new ArrayList<>(items);
        for (int b = 0; b < bins; b++) {
            long[][] parts = new long[Resources.DIMENSIONS][];
            for (int d = 0; d < Resources.DIMENSIONS; d++) {
                parts[d] = cut(capacity.get(d), perBin[b], random);
            }
            for (int k = 0; k < perBin[b]; k++) {
                long[] item = new long[Resources.DIMENSIONS];
                for (int d = 0; d < Resources.DIMENSIONS; d++) {
                    item[d] = parts[d][k];
                }
                all.add(Resources.ofArray(item));
            }
        }
        Collections.shuffle(all, new Random(random.nextLong()));
        return new PackingProblem(capacity, all, bins);
    }

    /** {@code total} cut into {@code parts} positive amounts at random points, in random order. */
    private static long[] cut(long total, int parts, SplittableRandom random) {
        if (total < parts) {
            throw new IllegalArgumentException("capacity " + total + " cannot be cut into " + parts + " parts");
        }
        java.util.TreeSet<Long> points = new java.util.TreeSet<>();
        while (points.size() < parts - 1) {
            points.add(1 + random.nextLong(total - 1));
        }
        long[] amounts = new long[parts];
        long previous = 0;
        int i = 0;
        for (long point : points) {
            amounts[i++] = point - previous;
            previous = point;
        }
        amounts[i] = total - previous;
        return amounts;
    }
}
