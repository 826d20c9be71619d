package dev.paddock.placement.packing;

import dev.paddock.model.Resources;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Improves a packing by emptying bins: take the items of a lightly filled bin, put each back into another bin
 * where it fits, or in place of a smaller item that then needs a home in turn (an ejection chain, bounded). A bin
 * is saved when the chain ends with every item home; otherwise the packing is restored and another bin tried.
 *
 * <p>Seeded; stops at the time budget, at the move budget, or at the volume bound (nothing better exists).
 */
public final class BinEmptyingSearch {
    private static final int CHAIN = 200;
    private static final int DRAIN = 200;

    private final PackingProblem problem;
    private final SplittableRandom random;
    private final double[] size;
    private final long[][] demand;
    private int[] binOf;
    private long[][] load;
    private List<List<Integer>> contents;

    private BinEmptyingSearch(PackingProblem problem, Packing start, long seed) {
        this.problem = problem;
        this.random = new SplittableRandom(seed);
        int n = problem.items().size();
        this.size = new double[n];
        this.demand = new long[n][];
        for (int i = 0; i < n; i++) {
            size[i] = problem.size(i);
            demand[i] = problem.items().get(i).toArray();
        }
        this.binOf = new int[n];
        for (int i = 0; i < n; i++) {
            binOf[i] = start.binOf(i);
        }
        rebuild(start.bins());
    }

    public static Packing improve(PackingProblem problem, Packing start, Duration budget, long seed, long maxTries) {
        return new BinEmptyingSearch(problem, start, seed).run(budget, maxTries);
    }

    private Packing run(Duration budget, long maxTries) {
        long deadline = System.nanoTime() + budget.toNanos();
        int bound = problem.lowerBound();
        for (long tries = 0; tries < maxTries && contents.size() > bound && System.nanoTime() < deadline; tries++) {
            int target = pickTarget();
            drain(target);
            int[] saved = binOf.clone();
            int bins = contents.size();
            if (!emptyOneBin(target)) {
                binOf = saved;
                rebuild(bins);
            }
        }
        return new Packing(binOf);
    }

    /** One of the three least filled bins, at random. */
    private int pickTarget() {
        int[] least = {-1, -1, -1};
        double[] fill = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        for (int b = 0; b < contents.size(); b++) {
            double f = fill(b);
            for (int k = 0; k < 3; k++) {
                if (f < fill[k]) {
                    for (int j = 2; j > k; j--) {
                        fill[j] = fill[j - 1];
                        least[j] = least[j - 1];
                    }
                    fill[k] = f;
                    least[k] = b;
                    break;
                }
            }
        }
        int pick = least[random.nextInt(3)];
        return pick >= 0 ? pick : least[0];
    }

    /**
     * Makes a light bin lighter without losing anything: its items trade places with smaller items of other bins
     * where both fit, which concentrates the load and leaves the light bin easier to empty.
     */
    private void drain(int target) {
        List<Integer> in = contents.get(target);
        for (int attempt = 0; attempt < DRAIN && !in.isEmpty(); attempt++) {
            int item = in.get(random.nextInt(in.size()));
            int b = random.nextInt(contents.size());
            if (b == target) {
                continue;
            }
            if (fitsWith(item, b, -1)) {
                remove(item);
                add(item, b);
                continue;
            }
            List<Integer> other = contents.get(b);
            int j = other.get(random.nextInt(other.size()));
            if (size[j] < size[item] && fitsWith(item, b, j) && fitsWith(j, target, item)) {
                remove(item);
                remove(j);
                add(item, b);
                add(j, target);
            }
        }
    }

    private boolean emptyOneBin(int target) {
        Deque<Integer> pool = new ArrayDeque<>(contents.get(target));
        for (int item : pool) {
            remove(item);
        }
        removeBin(target);
        int steps = 0;
        while (!pool.isEmpty()) {
            if (steps++ > CHAIN) {
                return false;
            }
            int item = pool.poll();
            if (placeDirectly(item)) {
                continue;
            }
            int ejected = placeByEjecting(item);
            if (ejected < 0) {
                return false;
            }
            pool.add(ejected);
        }
        return true;
    }

    private boolean placeDirectly(int item) {
        int bins = contents.size();
        int start = random.nextInt(bins);
        for (int k = 0; k < bins; k++) {
            int b = (start + k) % bins;
            if (fitsWith(item, b, -1)) {
                add(item, b);
                return true;
            }
        }
        return false;
    }

    /** Puts {@code item} in place of a smaller item of some bin; returns that item, or -1 when none works. */
    private int placeByEjecting(int item) {
        int bins = contents.size();
        int start = random.nextInt(bins);
        for (int k = 0; k < bins; k++) {
            int b = (start + k) % bins;
            List<Integer> in = contents.get(b);
            int offset = random.nextInt(in.size());
            for (int j = 0; j < in.size(); j++) {
                int other = in.get((offset + j) % in.size());
                if (size[other] < size[item] && fitsWith(item, b, other)) {
                    remove(other);
                    add(item, b);
                    return other;
                }
            }
        }
        return -1;
    }

    private boolean fitsWith(int item, int bin, int without) {
        for (int d = 0; d < Resources.DIMENSIONS; d++) {
            long after = load[bin][d] + demand[item][d] - (without >= 0 ? demand[without][d] : 0);
            if (after > problem.binCapacity().get(d)) {
                return false;
            }
        }
        return true;
    }

    private double fill(int b) {
        double f = 0;
        for (int d = 0; d < Resources.DIMENSIONS; d++) {
            long capacity = problem.binCapacity().get(d);
            if (capacity > 0) {
                f += (double) load[b][d] / capacity;
            }
        }
        return f;
    }

    private void add(int item, int bin) {
        contents.get(bin).add(item);
        binOf[item] = bin;
        for (int d = 0; d < Resources.DIMENSIONS; d++) {
            load[bin][d] += demand[item][d];
        }
    }

    private void remove(int item) {
        int bin = binOf[item];
        contents.get(bin).remove(Integer.valueOf(item));
        for (int d = 0; d < Resources.DIMENSIONS; d++) {
            load[bin][d] -= demand[item][d];
        }
    }

    /** Drops an empty bin by moving the last bin into its number. */
    private void removeBin(int bin) {
        int last = contents.size() - 1;
        if (bin != last) {
            contents.set(bin, contents.get(last));
            load[bin] = load[last];
            for (int item : contents.get(bin)) {
                binOf[item] = bin;
            }
        }
        contents.remove(last);
        load = Arrays.copyOf(load, last);
    }

    private void rebuild(int bins) {
        contents = new ArrayList<>(bins);
        load = new long[bins][Resources.DIMENSIONS];
        for (int b = 0; b < bins; b++) {
            contents.add(new ArrayList<>());
        }
        for (int i = 0; i < binOf.length; i++) {
            contents.get(binOf[i]).add(i);
            for (int d = 0; d < Resources.DIMENSIONS; d++) {
                load[binOf[i]][d] += demand[i][d];
            }
        }
    }
}
