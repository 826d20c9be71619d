package dev.paddock.placement.packing;

import dev.paddock.model.Resources;
import java.util.Arrays;

/** A packing: the bin of every item, bins numbered from 0 without gaps. */
public final class Packing {
    private final int[] binOf;
    private final int bins;

    Packing(int[] binOf) {
        this.binOf = binOf.clone();
        this.bins = Arrays.stream(binOf).max().orElse(-1) + 1;
    }

    /** A packing from any bin numbers (non-negative), renumbered from 0 without gaps in order of first use. */
    public static Packing of(int[] binOf) {
        java.util.Map<Integer, Integer> renumbered = new java.util.HashMap<>();
        int[] compact = new int[binOf.length];
        for (int i = 0; i < binOf.length; i++) {
            if (binOf[i] < 0) {
                throw new IllegalArgumentException("item " + i + " has no bin");
            }
            compact[i] = renumbered.computeIfAbsent(binOf[i], b -> renumbered.size());
        }
        return new Packing(compact);
    }

    public int bins() {
        return bins;
    }

    public int binOf(int item) {
        return binOf[item];
    }

    /** True when every item has a bin and no bin is over capacity in any dimension. */
    public boolean isValidFor(PackingProblem problem) {
        if (binOf.length != problem.items().size()) {
            return false;
        }
        long[][] load = new long[bins][Resources.DIMENSIONS];
        for (int i = 0; i < binOf.length; i++) {
            for (int d = 0; d < Resources.DIMENSIONS; d++) {
                load[binOf[i]][d] += problem.items().get(i).get(d);
            }
        }
        for (long[] bin : load) {
            if (!Resources.ofArray(bin).fitsIn(problem.binCapacity())) {
                return false;
            }
        }
        return true;
    }
}
