package dev.paddock.placement.packing;

import dev.paddock.model.Resources;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The classic greedy baselines: items by decreasing size (sum of shares of a bin), each into the first bin where
 * it fits (first fit) or into the bin it leaves with the least room (best fit); a new bin when none fits.
 */
public enum FitDecreasing {
    FIRST_FIT,
    BEST_FIT;

    public Packing pack(PackingProblem problem) {
        int n = problem.items().size();
        int[] order = IntStream.range(0, n).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -problem.size(i)).thenComparing(i -> i))
                .mapToInt(Integer::intValue).toArray();
        List<long[]> free = new ArrayList<>();
        int[] binOf = new int[n];
        for (int item : order) {
            long[] demand = problem.items().get(item).toArray();
            int chosen = -1;
            double leastRoom = Double.MAX_VALUE;
            for (int b = 0; b < free.size(); b++) {
                if (!fits(demand, free.get(b))) {
                    continue;
                }
                if (this == FIRST_FIT) {
                    chosen = b;
                    break;
                }
                double room = roomAfter(demand, free.get(b), problem.binCapacity());
                if (room < leastRoom) {
                    leastRoom = room;
                    chosen = b;
                }
            }
            if (chosen < 0) {
                free.add(problem.binCapacity().toArray());
                chosen = free.size() - 1;
            }
            for (int d = 0; d < demand.length; d++) {
                free.get(chosen)[d] -= demand[d];
            }
            binOf[item] = chosen;
        }
        return new Packing(binOf);
    }

    static boolean fits(long[] demand, long[] free) {
        for (int d = 0; d < demand.length; d++) {
            if (demand[d] > free[d]) {
                return false;
            }
        }
        return true;
    }

    private static double roomAfter(long[] demand, long[] free, Resources capacity) {
        double room = 0;
        for (int d = 0; d < demand.length; d++) {
            if (capacity.get(d) > 0) {
                room += (double) (free[d] - demand[d]) / capacity.get(d);
            }
        }
        return room;
    }
}
