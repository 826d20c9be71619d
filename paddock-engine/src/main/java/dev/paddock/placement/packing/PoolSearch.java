package dev.paddock.placement.packing;

import dev.paddock.model.Resources;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Consistent neighbourhood search (after Buljubasic and Vasquez, 2016): from a packing in {@code m} bins, three bins
 * are taken away and their items wait in a pool; a tabu search then trades items between the pool and the bins,
 * every bin always within capacity, until the pool packs into two new bins: a packing in {@code m - 1} bins. Then
 * again, from that one.
 *
 * <p>A move puts one pool item into a bin, taking out the one or two items that make it fit, or two pool items in
 * place of one (among at most 300 bins, consecutive from a random one); the search takes the move that leaves the pool lightest (an item weighs its size, the sum of its
 * shares of a bin, so the pool's weight is the volume still to place), an item fitting as it is goes in at once. An
 * item just taken out of a bin may not go back into it, and an item just put in may not leave it, for a few moves
 * (the tabu tenure). When the pool stops getting lighter, items move between bins (shifts and swaps that keep both
 * within capacity) to reshape their free room, then each bin is refilled with the heaviest subset of its items and
 * the pool's that fits (a bounded depth-first search), what is left over going to the pool.
 *
 * <p>Seeded; stops at the time budget, at the move budget (then a function of its seed), or at the volume bound.
 * The time is the caller's ({@code nanoTime}, e.g. {@code System::nanoTime}): the engine reads no clock of its own,
 * so a test or a replay can hand it one that stands still.
 */
public final class PoolSearch {
    private static final int NONE = -1;
    /** The pool is done when it packs into this many new bins (the search runs with one bin more taken away). */
    private static final int SPARE = 2;
    private static final int TENURE = 5;
    private static final int NODES = 2_000;
    /** A move looks at this many bins at most, consecutive from a random one. */
    private static final int SCAN = 300;

    private final PackingProblem problem;
    private final SplittableRandom random;
    private final int dims = Resources.DIMENSIONS;
    private final long[] capacity;
    private final long[][] demand;
    private final double[] weight;

    private int bins;
    private final int[] binOf;
    private int[][] content;
    private int[] count;
    private long[][] load;

    private final int[] pool;
    private int poolSize;
    private double poolWeight;

    private final int[] tabuBin;
    private final long[] tabuUntil;
    private final long[] lockedUntil;
    private final LongSupplier nanoTime;
    private long moves;
    private int spare;

    private int[] candidates = new int[64];
    private int[] chosen = new int[64];
    private int[] bestChosen = new int[64];
    private int bestChosenCount;
    private double bestFill;
    private int nodes;
    /** Marks the items a refill keeps: {@code keptIn[item] == refills} for the refill under way. */
    private final long[] keptIn;
    private long refills;

    private PoolSearch(PackingProblem problem, Packing start, long seed, LongSupplier nanoTime) {
        this.problem = problem;
        this.nanoTime = nanoTime;
        this.random = new SplittableRandom(seed);
        int n = problem.items().size();
        this.capacity = problem.binCapacity().toArray();
        this.demand = new long[n][];
        this.weight = new double[n];
        for (int i = 0; i < n; i++) {
            demand[i] = problem.items().get(i).toArray();
            weight[i] = problem.size(i);
        }
        this.binOf = new int[n];
        this.pool = new int[n];
        this.tabuBin = new int[n];
        this.tabuUntil = new long[n];
        this.lockedUntil = new long[n];
        this.keptIn = new long[n];
        Arrays.fill(tabuBin, NONE);
        this.bins = start.bins();
        this.content = new int[bins][8];
        this.count = new int[bins];
        this.load = new long[bins][dims];
        for (int i = 0; i < n; i++) {
            add(i, start.binOf(i));
        }
    }

    /**
     * @param nanoTime the time source of the budget, read as {@link System#nanoTime()} is (only differences count)
     */
    public static Packing improve(PackingProblem problem, Packing start, Duration budget, LongSupplier nanoTime,
            long seed, long maxMoves) {
        return new PoolSearch(problem, start, seed, nanoTime).run(nanoTime.getAsLong() + budget.toNanos(), maxMoves);
    }

    private Packing run(long deadline, long maxMoves) {
        int[] best = binOf.clone();
        int bound = problem.lowerBound();
        while (bins > bound && bins > 1) {
            spare = bins > 2 ? Math.min(SPARE, bins - 2) : 1;
            for (int k = 0; k <= spare; k++) {
                dropLightestBin();
            }
            if (!emptyThePool(deadline, maxMoves)) {
                break;
            }
            best = binOf.clone();
        }
        return new Packing(best);
    }

    /** Puts the items of the least filled bin into the pool and removes the bin. */
    private void dropLightestBin() {
        int lightest = 0;
        double least = Double.MAX_VALUE;
        for (int b = 0; b < bins; b++) {
            double f = fill(b);
            if (f < least) {
                least = f;
                lightest = b;
            }
        }
        while (count[lightest] > 0) {
            toPool(content[lightest][count[lightest] - 1]);
        }
        int last = bins - 1;
        if (lightest != last) {
            int[] moved = content[last];
            content[last] = content[lightest];
            content[lightest] = moved;
            count[lightest] = count[last];
            count[last] = 0;
            long[] l = load[last];
            load[last] = load[lightest];
            load[lightest] = l;
            for (int k = 0; k < count[lightest]; k++) {
                binOf[content[lightest][k]] = lightest;
            }
        }
        bins = last;
        Arrays.fill(tabuBin, NONE);
    }

    private boolean emptyThePool(long deadline, long maxMoves) {
        double bestWeight = Double.MAX_VALUE;
        long sinceBest = 0;
        if (bins == 0) {
            return poolFitsInSpareBins();
        }
        while (poolSize > 0) {
            if (moves >= maxMoves || nanoTime.getAsLong() > deadline) {
                return false;
            }
            moves++;
            insertWhereverFits();
            if (poolFitsInSpareBins()) {
                return true;
            }
            tabuMove();
            if (poolWeight < bestWeight - 1e-12) {
                bestWeight = poolWeight;
                sinceBest = 0;
            } else if (++sinceBest % 50 == 0) {
                reshape(bins * 4L);
                descend();
            }
        }
        return true;
    }

    /**
     * True, and the pool emptied into new bins, when first fit (by decreasing size, then in a few random orders)
     * packs it into the spare bins; tried only when the pool's volume fits in them.
     */
    private boolean poolFitsInSpareBins() {
        long[] total = new long[dims];
        for (int p = 0; p < poolSize; p++) {
            for (int d = 0; d < dims; d++) {
                total[d] += demand[pool[p]][d];
            }
        }
        for (int d = 0; d < dims; d++) {
            if (total[d] > spare * capacity[d]) {
                return false;
            }
        }
        int[] order = Arrays.copyOf(pool, poolSize);
        for (int attempt = 0; attempt < 8; attempt++) {
            if (attempt == 0) {
                sortBySizeDecreasing(order);
            } else {
                shuffle(order);
            }
            long[][] room = new long[spare][];
            for (int t = 0; t < spare; t++) {
                room[t] = capacity.clone();
            }
            int[] target = new int[order.length];
            int opened = 0;
            boolean packed = true;
            for (int k = 0; k < order.length && packed; k++) {
                target[k] = NONE;
                for (int t = 0; t < spare && target[k] == NONE; t++) {
                    if (fitsIn(order[k], room[t])) {
                        target[k] = t;
                        opened = Math.max(opened, t + 1);
                        for (int d = 0; d < dims; d++) {
                            room[t][d] -= demand[order[k]][d];
                        }
                    }
                }
                packed = target[k] != NONE;
            }
            if (packed) {
                int first = bins;
                for (int t = 0; t < opened; t++) {
                    openBin();
                }
                for (int k = 0; k < order.length; k++) {
                    fromPool(order[k], first + target[k]);
                }
                return true;
            }
        }
        return false;
    }

    private void sortBySizeDecreasing(int[] items) {
        Integer[] boxed = Arrays.stream(items).boxed().toArray(Integer[]::new);
        Arrays.sort(boxed, (a, b) -> Double.compare(weight[b], weight[a]));
        for (int k = 0; k < items.length; k++) {
            items[k] = boxed[k];
        }
    }

    private void shuffle(int[] items) {
        for (int k = items.length - 1; k > 0; k--) {
            int r = random.nextInt(k + 1);
            int t = items[k];
            items[k] = items[r];
            items[r] = t;
        }
    }

    private boolean fitsOver(int item, long[] used) {
        for (int d = 0; d < dims; d++) {
            if (used[d] + demand[item][d] > capacity[d]) {
                return false;
            }
        }
        return true;
    }

    private boolean fitsIn(int item, long[] room) {
        for (int d = 0; d < dims; d++) {
            if (demand[item][d] > room[d]) {
                return false;
            }
        }
        return true;
    }

    /** A new empty bin numbered {@code bins}. */
    private void openBin() {
        if (bins == content.length) {
            content = Arrays.copyOf(content, bins + 1);
            count = Arrays.copyOf(count, bins + 1);
            load = Arrays.copyOf(load, bins + 1);
        }
        if (content[bins] == null) {
            content[bins] = new int[8];
        }
        if (load[bins] == null) {
            load[bins] = new long[dims];
        }
        count[bins] = 0;
        Arrays.fill(load[bins], 0);
        bins++;
    }

    /** Every pool item that fits as it is into some bin goes there. */
    private void insertWhereverFits() {
        for (int p = poolSize - 1; p >= 0 && p < poolSize; p--) {
            int item = pool[p];
            int start = random.nextInt(bins);
            for (int k = 0; k < bins; k++) {
                int b = start + k < bins ? start + k : start + k - bins;
                if (fits(item, b) && !isTabu(item, b)) {
                    fromPool(item, b);
                    break;
                }
            }
        }
    }

    /**
     * The best non-tabu trade between the pool and one bin for a pool item drawn at random: the item in place of one
     * or two of the bin's items, or the item and another pool item in place of one.
     */
    private void tabuMove() {
        int in = pool[random.nextInt(poolSize)];
        double bestDelta = Double.MAX_VALUE;
        int bestBin = NONE;
        int bestIn2 = NONE;
        int bestOut1 = NONE;
        int bestOut2 = NONE;
        int ties = 0;
        long[] need = new long[dims];
        long[] need2 = new long[dims];
        long[] largest = new long[dims];
        long[] second = new long[dims];
        int scan = Math.min(bins, SCAN);
        int from = random.nextInt(bins);
        for (int s = 0; s < scan; s++) {
            int b = from + s < bins ? from + s : from + s - bins;
            if (isTabu(in, b)) {
                continue;
            }
            for (int d = 0; d < dims; d++) {
                need[d] = load[b][d] + demand[in][d] - capacity[d];
            }
            int[] items = content[b];
            int c = count[b];
            Arrays.fill(largest, 0);
            Arrays.fill(second, 0);
            for (int x = 0; x < c; x++) {
                for (int d = 0; d < dims; d++) {
                    long v = demand[items[x]][d];
                    if (v > largest[d]) {
                        second[d] = largest[d];
                        largest[d] = v;
                    } else if (v > second[d]) {
                        second[d] = v;
                    }
                }
            }
            boolean pairsMayCover = true;
            for (int d = 0; d < dims; d++) {
                pairsMayCover &= largest[d] + second[d] >= need[d];
            }
            for (int x = 0; x < c && pairsMayCover; x++) {
                int j = items[x];
                if (lockedUntil[j] > moves) {
                    continue;
                }
                if (covers(j, need)) {
                    double delta = weight[j] - weight[in];
                    if (delta < bestDelta - 1e-12) {
                        bestDelta = delta;
                        bestBin = b;
                        bestIn2 = NONE;
                        bestOut1 = j;
                        bestOut2 = NONE;
                        ties = 1;
                    } else if (delta < bestDelta + 1e-12 && random.nextInt(++ties) == 0) {
                        bestBin = b;
                        bestIn2 = NONE;
                        bestOut1 = j;
                        bestOut2 = NONE;
                    }
                    continue;
                }
                for (int y = x + 1; y < c; y++) {
                    int k = items[y];
                    if (lockedUntil[k] > moves || !coversPair(j, k, need)) {
                        continue;
                    }
                    double delta = weight[j] + weight[k] - weight[in];
                    if (delta < bestDelta - 1e-12) {
                        bestDelta = delta;
                        bestBin = b;
                        bestIn2 = NONE;
                        bestOut1 = j;
                        bestOut2 = k;
                        ties = 1;
                    } else if (delta < bestDelta + 1e-12 && random.nextInt(++ties) == 0) {
                        bestBin = b;
                        bestIn2 = NONE;
                        bestOut1 = j;
                        bestOut2 = k;
                    }
                }
            }
            for (int p = 0; p < poolSize; p++) {
                int in2 = pool[p];
                if (in2 == in || isTabu(in2, b)) {
                    continue;
                }
                boolean mayCover = true;
                for (int d = 0; d < dims; d++) {
                    need2[d] = need[d] + demand[in2][d];
                    mayCover &= need2[d] <= largest[d];
                }
                if (!mayCover) {
                    continue;
                }
                for (int x = 0; x < c; x++) {
                    int j = items[x];
                    if (lockedUntil[j] > moves || !covers(j, need2)) {
                        continue;
                    }
                    double delta = weight[j] - weight[in] - weight[in2];
                    if (delta < bestDelta - 1e-12) {
                        bestDelta = delta;
                        bestBin = b;
                        bestIn2 = in2;
                        bestOut1 = j;
                        bestOut2 = NONE;
                        ties = 1;
                    } else if (delta < bestDelta + 1e-12 && random.nextInt(++ties) == 0) {
                        bestBin = b;
                        bestIn2 = in2;
                        bestOut1 = j;
                        bestOut2 = NONE;
                    }
                }
            }
        }
        if (bestBin == NONE) {
            return;
        }
        long tenure = TENURE + random.nextInt(2 * TENURE);
        tabuOut(bestOut1, bestBin, tenure);
        if (bestOut2 != NONE) {
            tabuOut(bestOut2, bestBin, tenure);
        }
        fromPool(in, bestBin);
        lockedUntil[in] = moves + tenure;
        if (bestIn2 != NONE) {
            fromPool(bestIn2, bestBin);
            lockedUntil[bestIn2] = moves + tenure;
        }
    }

    /** Refills every bin, in random order, with its best subset of its own items and the pool's. */
    private void descend() {
        int start = random.nextInt(bins);
        for (int k = 0; k < bins && poolSize > 0; k++) {
            int b = start + k < bins ? start + k : start + k - bins;
            refill(b);
        }
    }

    /**
     * The bin's items and the pool's, the heaviest subset that fits (a depth-first search, bounded in nodes), into
     * the bin; the rest into the pool. Only when that subset is heavier than what the bin holds.
     */
    private void refill(int b) {
        int total = count[b] + poolSize;
        if (candidates.length < total) {
            candidates = new int[total * 2];
            chosen = new int[total * 2];
            bestChosen = new int[total * 2];
        }
        int c = 0;
        double current = 0;
        for (int k = 0; k < count[b]; k++) {
            candidates[c++] = content[b][k];
            current += weight[content[b][k]];
        }
        for (int p = 0; p < poolSize; p++) {
            if (!isTabu(pool[p], b)) {
                candidates[c++] = pool[p];
            }
        }
        int[] sorted = Arrays.stream(candidates, 0, c).boxed()
                .sorted((x, y) -> Double.compare(weight[y], weight[x])).mapToInt(Integer::intValue).toArray();
        double[] suffix = new double[c + 1];
        for (int k = c - 1; k >= 0; k--) {
            suffix[k] = suffix[k + 1] + weight[sorted[k]];
        }
        bestFill = current + 1e-9;
        bestChosenCount = NONE;
        nodes = 0;
        search(sorted, suffix, 0, 0, 0, new long[dims]);
        if (bestChosenCount == NONE) {
            return;
        }
        refills++;
        for (int k = 0; k < bestChosenCount; k++) {
            keptIn[bestChosen[k]] = refills;
        }
        for (int k = count[b] - 1; k >= 0; k--) {
            int item = content[b][k];
            if (keptIn[item] != refills) {
                tabuOut(item, b, TENURE + random.nextInt(2 * TENURE));
            }
        }
        for (int k = 0; k < bestChosenCount; k++) {
            if (binOf[bestChosen[k]] == NONE) {
                fromPool(bestChosen[k], b);
            }
        }
    }

    private void search(int[] sorted, double[] suffix, int from, int depth, double fill, long[] used) {
        if (fill > bestFill) {
            bestFill = fill;
            bestChosenCount = depth;
            System.arraycopy(chosen, 0, bestChosen, 0, depth);
        }
        for (int k = from; k < sorted.length && nodes < NODES; k++) {
            if (fill + suffix[k] <= bestFill) {
                return;
            }
            int item = sorted[k];
            if (!fitsOver(item, used)) {
                continue;
            }
            nodes++;
            for (int d = 0; d < dims; d++) {
                used[d] += demand[item][d];
            }
            chosen[depth] = item;
            search(sorted, suffix, k + 1, depth + 1, fill + weight[item], used);
            for (int d = 0; d < dims; d++) {
                used[d] -= demand[item][d];
            }
        }
    }

    /**
     * Moves between bins that change nothing in the pool but the shape of the free room: an item shifted to another
     * bin where it fits, or two items of two bins swapped where both fit, preferring moves that fill full bins more.
     */
    private void reshape(long attempts) {
        for (long a = 0; a < attempts; a++) {
            int b1 = random.nextInt(bins);
            int b2 = random.nextInt(bins);
            if (b1 == b2 || count[b1] == 0) {
                continue;
            }
            int j = content[b1][random.nextInt(count[b1])];
            if (fits(j, b2)) {
                if (count[b1] > 1 && fill(b2) >= fill(b1)) {
                    remove(j);
                    add(j, b2);
                }
                continue;
            }
            if (count[b2] == 0) {
                continue;
            }
            int k = content[b2][random.nextInt(count[b2])];
            if (fitsSwapped(j, k, b2) && fitsSwapped(k, j, b1)) {
                remove(j);
                remove(k);
                add(j, b2);
                add(k, b1);
            }
        }
    }

    private boolean isTabu(int item, int bin) {
        return tabuBin[item] == bin && tabuUntil[item] > moves;
    }

    private void tabuOut(int item, int bin, long tenure) {
        toPool(item);
        tabuBin[item] = bin;
        tabuUntil[item] = moves + tenure;
    }

    private boolean covers(int item, long[] need) {
        for (int d = 0; d < dims; d++) {
            if (demand[item][d] < need[d]) {
                return false;
            }
        }
        return true;
    }

    private boolean coversPair(int a, int b, long[] need) {
        for (int d = 0; d < dims; d++) {
            if (demand[a][d] + demand[b][d] < need[d]) {
                return false;
            }
        }
        return true;
    }

    private boolean fits(int item, int bin) {
        for (int d = 0; d < dims; d++) {
            if (load[bin][d] + demand[item][d] > capacity[d]) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code item} fits in {@code bin} once {@code leaving} is out of it. */
    private boolean fitsSwapped(int item, int leaving, int bin) {
        for (int d = 0; d < dims; d++) {
            if (load[bin][d] + demand[item][d] - demand[leaving][d] > capacity[d]) {
                return false;
            }
        }
        return true;
    }

    private double fill(int b) {
        double f = 0;
        for (int d = 0; d < dims; d++) {
            if (capacity[d] > 0) {
                f += (double) load[b][d] / capacity[d];
            }
        }
        return f;
    }

    private void toPool(int item) {
        remove(item);
        binOf[item] = NONE;
        pool[poolSize++] = item;
        poolWeight += weight[item];
    }

    private void fromPool(int item, int bin) {
        for (int p = 0; p < poolSize; p++) {
            if (pool[p] == item) {
                pool[p] = pool[--poolSize];
                break;
            }
        }
        poolWeight -= weight[item];
        if (poolSize == 0) {
            poolWeight = 0;
        }
        add(item, bin);
    }

    private void add(int item, int bin) {
        if (count[bin] == content[bin].length) {
            content[bin] = Arrays.copyOf(content[bin], count[bin] * 2);
        }
        content[bin][count[bin]++] = item;
        binOf[item] = bin;
        for (int d = 0; d < dims; d++) {
            load[bin][d] += demand[item][d];
        }
    }

    private void remove(int item) {
        int bin = binOf[item];
        int[] items = content[bin];
        for (int k = 0; k < count[bin]; k++) {
            if (items[k] == item) {
                items[k] = items[--count[bin]];
                break;
            }
        }
        for (int d = 0; d < dims; d++) {
            load[bin][d] -= demand[item][d];
        }
    }
}
