package dev.paddock.placement.packing;

import dev.paddock.model.Resources;
import java.util.List;

/**
 * Vector bin packing: items (VM demands) into as few identical bins (hosts) as possible, no dimension overcommitted.
 *
 * @param optimum the number of bins of an optimal packing when known by construction, else 0
 */
public record PackingProblem(Resources binCapacity, List<Resources> items, int optimum) {
    public PackingProblem {
        items = List.copyOf(items);
        for (Resources item : items) {
            if (!item.isNonNegative() || !item.fitsIn(binCapacity)) {
                throw new IllegalArgumentException("every item must fit in an empty bin: " + item);
            }
        }
    }

    /** The volume bound: no packing uses fewer bins than the largest ceil(Σ demand / capacity) over dimensions. */
    public int lowerBound() {
        long bound = 0;
        for (int d = 0; d < Resources.DIMENSIONS; d++) {
            long total = 0;
            for (Resources item : items) {
                total += item.get(d);
            }
            long capacity = binCapacity.get(d);
            if (capacity > 0) {
                bound = Math.max(bound, (total + capacity - 1) / capacity);
            }
        }
        return (int) bound;
    }

    /** Size of an item for ordering: the sum over dimensions of its share of a bin. */
    double size(int item) {
        double size = 0;
        for (int d = 0; d < Resources.DIMENSIONS; d++) {
            long capacity = binCapacity.get(d);
            if (capacity > 0) {
                size += (double) items.get(item).get(d) / capacity;
            }
        }
        return size;
    }
}
