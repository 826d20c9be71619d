package dev.paddock.placement.roadef;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * Improves an initial assignment under a time budget: late-acceptance hill climbing over shift and swap moves
 * (swaps between two processes of one service included: where a service has a process on nearly every machine,
 * that is the only way they move), moves sent back to the initial machine (with transient resources only that
 * frees what a moved process holds), pair moves, ejection chains and ejects, evaluated incrementally by
 * {@link SearchState}, with ruin-and-recreate rounds when the search stalls.
 *
 * <p>The engine owns neither a clock nor a thread: the time budget is measured on the caller's {@code nanoTime}
 * source and the searches run on the caller's {@link Executor}. Given the same time source (one that stands still,
 * or {@link Options#maxMoves()} bounding the search instead), a run is a function of its seed; with several threads,
 * each thread runs its own search from the same start with seed + thread index and the best result wins (ties go to
 * the lowest index).
 *
 * <p>The threads form a portfolio: the even ones search patiently to the end, the odd ones start again from the
 * initial assignment when, in the first 60 % of the budget, their best has dropped by less than 1/STAGNANT over one
 * tenth of it (time, or moves when the search is bounded by moves). Where a search settles is decided early: on some
 * instances (a1_4) it settles in a poor place and only a fresh start helps, on others (a2_4) the last small gains of
 * a patient search are what count.
 *
 * <p>Where the load cost can vanish (every resource's total requirement fits under the machines' total safety
 * capacity: a1_4, a2_1), what is left once it has is the balance cost, which is then nearly fixed, and the cost of the
 * moves, so the fewer processes moved the better; and with transient resources every moved process holds room on its
 * home machine that no other process can use. A search that wanders from the initial assignment moves most processes
 * on the way (600 of a1_4's 1,000, where the best-known moves fewer than 50) and locks itself in. There every start
 * (the first and each restart) is a steepest descent over shifts instead: the best shift of all, again and again,
 * until none lowers the cost. It takes the biggest gains first and moves half as many processes on the way (a2_1: 307
 * to bring the load cost from 391 M to 21 M, where late acceptance has moved some 650 by the time it reaches zero);
 * late acceptance goes on from there. Measured at 60 s, one thread, six seeds: a2_1 ends at 184-214 (215 and 216
 * for the two seeds measured before), a1_4 at 1.052-1.069 times the best-known (1.057-1.096 before).
 */
public final class ReassignmentSolver {

    /**
     * @param budget time for the search, measured on the {@code nanoTime} source the caller passes to {@link #solve}
     * @param seed the seed of the first thread
     * @param threads independent searches run side by side
     * @param maxMoves moves tried per thread before stopping, or {@code Long.MAX_VALUE}
     */
    public record Options(Duration budget, long seed, int threads, long maxMoves) {
        public Options {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1");
            }
            if (budget.isNegative()) {
                throw new IllegalArgumentException("budget must not be negative");
            }
        }

        public static Options of(Duration budget, long seed) {
            return new Options(budget, seed, 1, Long.MAX_VALUE);
        }
    }

    /** A feasible assignment, its cost, and what the search did to find it. */
    public record Solution(Assignment assignment, Cost cost, long movesTried, long seed) {}

    private ReassignmentSolver() {}

    /**
     * Solves on the caller's time and threads.
     *
     * @param nanoTime the time source of the budget, read as {@link System#nanoTime()} is (only differences count)
     * @param threads runs the {@link Options#threads()} searches when there is more than one (each blocks its
     *        thread until its budget is spent, so an executor with that many threads runs them side by side); one
     *        search runs on the calling thread
     */
    public static Solution solve(MachineReassignment instance, Assignment initial, Options options,
            LongSupplier nanoTime, Executor threads) {
        if (options.threads() == 1) {
            return search(instance, initial, options, nanoTime, options.seed(), false);
        }
        List<CompletableFuture<Solution>> runs = new ArrayList<>();
        for (int t = 0; t < options.threads(); t++) {
            long seed = options.seed() + t;
            boolean restarting = t % 2 == 1;
            runs.add(CompletableFuture.supplyAsync(
                    () -> search(instance, initial, options, nanoTime, seed, restarting), threads));
        }
        List<Solution> done = new ArrayList<>();
        try {
            for (CompletableFuture<Solution> run : runs) {
                done.add(run.join());
            }
        } catch (CompletionException e) {
            throw new IllegalStateException("a search failed", e.getCause());
        }
        return done.stream().min(Comparator.comparingLong(s -> s.cost().total())).orElseThrow();
    }

    /** One thread's search: patient, or restarting when it stagnates early (see the class comment). */
    static Solution search(MachineReassignment instance, Assignment initial, Options options, LongSupplier nanoTime,
            long seed, boolean restarting) {
        return new LateAcceptanceSearch(instance, initial.toArray(), options, nanoTime, seed, restarting).run();
    }

    /** Whether every resource's total requirement fits under the machines' total safety capacity. */
    static boolean loadCanVanish(MachineReassignment instance) {
        for (int r = 0; r < instance.resources(); r++) {
            long required = 0;
            for (int p = 0; p < instance.processes(); p++) {
                required += instance.requirement[p][r];
            }
            long safe = 0;
            for (int m = 0; m < instance.machines(); m++) {
                safe += instance.safetyCapacity[m][r];
            }
            if (required > safe) {
                return false;
            }
        }
        return true;
    }

    /** One seeded search. */
    private static final class LateAcceptanceSearch {
        private static final int HISTORY = 20_000;
        private static final int CLOCK_EVERY = 1 << 10;
        /**
         * Ejects are costly (every process of a machine is tried on every machine) and only some instances need
         * them, so their rate adapts: one move in {@code ejectOneIn}, halved each time an eject lowers the cost by
         * more than 1/BIG_GAIN of it and raised by a twentieth each time one does not, within [MOST_EJECTS,
         * FEWEST_EJECTS]. Once the best has gone STALL moves without dropping by 1/PROGRESS, at least one move in
         * STALLED_EJECTS is an eject. An eject starts from a process on a machine drawn by cost.
         */
        private static final int FIRST_EJECTS = 1_000;
        private static final int MOST_EJECTS = 100;
        private static final int FEWEST_EJECTS = 10_000;
        private static final int STALLED_EJECTS = 300;
        private static final long STALL = 20_000;
        private static final long BIG_GAIN = 100;
        private static final long PROGRESS = 1_000;
        private static final int SAMPLE = 8;
        /**
         * One move in PAIR is the best shift or swap between two machines, one in CHAIN an ejection chain, one in
         * HOME a moved process sent back to its initial machine.
         */
        private static final int PAIR = 8;
        private static final int CHAIN = 8;
        private static final int HOME = 16;
        private static final int CHECKS = 10;
        private static final long STAGNANT = 300;
        /** Pair moves and chains look at no more than this many processes of a machine, from a random one on. */
        private static final int PAIR_RESIDENTS = 24;

        /** The steepest descent that starts a search where the load can vanish takes at most this part of the budget. */
        private static final int DESCENT_SHARE = 4;

        private final MachineReassignment in;
        private final Assignment initial;
        private final boolean descendFirst;
        private final SearchState state;
        private final Options options;
        private final LongSupplier nanoTime;
        private final SplittableRandom random;
        private final long seed;
        private final long[] history = new long[HISTORY];
        private long current;
        /** The best since the last start (the initial assignment or a restart from it), and the best of all starts. */
        private long best;
        private int[] bestAssignment;
        private long overallBest = Long.MAX_VALUE;
        private int[] overallBestAssignment;
        private final boolean restarting;
        /** Where the next stagnation check falls (nanoseconds, or moves when bounded by moves) and the best then. */
        private long nextCheck;
        private long checkMark;
        private long moves;
        private long lastImprovement;
        private long progressMark;
        private int ejectOneIn = FIRST_EJECTS;
        private long lastProgress;

        LateAcceptanceSearch(MachineReassignment in, int[] initial, Options options, LongSupplier nanoTime, long seed,
                boolean restarting) {
            this.restarting = restarting;
            this.nanoTime = nanoTime;
            this.in = in;
            this.descendFirst = loadCanVanish(in);
            this.initial = Assignment.of(initial);
            this.state = new SearchState(in, initial, initial);
            this.options = options;
            this.seed = seed;
            this.random = new SplittableRandom(seed);
            this.current = state.total();
            this.progressMark = current;
            keepCurrentAsBest();
            java.util.Arrays.fill(history, current);
        }

        Solution run() {
            long start = nanoTime.getAsLong();
            long deadline = start + options.budget().toNanos();
            boolean byMoves = options.maxMoves() != Long.MAX_VALUE;
            long window = byMoves ? options.maxMoves() / CHECKS : options.budget().toNanos() / CHECKS;
            nextCheck = (byMoves ? 0 : start) + window;
            checkMark = best;
            int processes = in.processes();
            int machines = in.machines();
            if (processes == 0 || machines < 2) {
                return solution();
            }
            if (descendFirst) {
                steepestDescent(start + options.budget().toNanos() / DESCENT_SHARE);
            }
            while (moves < options.maxMoves()) {
                if ((moves & (CLOCK_EVERY - 1)) == 0) {
                    long now = nanoTime.getAsLong();
                    if (now >= deadline) {
                        break;
                    }
                    long at = byMoves ? moves : now;
                    if (at >= nextCheck) {
                        long left = byMoves ? options.maxMoves() - moves : deadline - now;
                        if (restarting && best > checkMark - checkMark / STAGNANT && left >= 4 * window) {
                            restart();
                        }
                        checkMark = best;
                        nextCheck = at + window;
                    }
                }
                moves++;
                if (moves - lastImprovement > 200_000L * Math.max(1, processes / 1000)) {
                    ruinAndRecreate();
                    continue;
                }
                int p = random.nextBoolean() ? random.nextInt(processes) : onCostlyMachine(processes);
                if (best < progressMark - progressMark / PROGRESS) {
                    progressMark = best;
                    lastProgress = moves;
                }
                boolean stalled = moves - lastProgress > STALL;
                if (random.nextInt(stalled ? Math.min(ejectOneIn, STALLED_EJECTS) : ejectOneIn) == 0) {
                    long before = current;
                    int costly = onMachineByCost();
                    eject(costly, roomyTarget(costly));
                    ejectOneIn = (before - current) * BIG_GAIN > before ? Math.max(MOST_EJECTS, ejectOneIn / 2)
                            : Math.min(FEWEST_EJECTS, ejectOneIn + ejectOneIn / 20);
                } else if (random.nextInt(CHAIN) == 0) {
                    int costly = onMachineByCost();
                    chain(costly, roomyTarget(costly));
                } else if (random.nextInt(HOME) == 0) {
                    homecoming();
                } else if (random.nextInt(PAIR) == 0) {
                    pairMove(machineByCost(), random.nextInt(machines));
                } else if (random.nextInt(2) == 0) {
                    shift(p, SAMPLE > 1 ? bestOfSample(p) : random.nextInt(machines));
                } else if (random.nextInt(2) == 0) {
                    swap(p, sibling(p));
                } else {
                    swap(p, random.nextInt(processes));
                }
            }
            return solution();
        }

        /**
         * A process away from its initial machine goes back there, or trades places with one there: with transient
         * resources a moved process holds capacity on both machines, and only its return frees it.
         */
        private void homecoming() {
            for (int probe = 0; probe < 8; probe++) {
                int p = random.nextInt(in.processes());
                int home = initial.machineOf(p);
                if (state.machineOf(p) != home) {
                    if (random.nextBoolean()) {
                        shift(p, home);
                    } else {
                        pairMove(state.machineOf(p), home);
                    }
                    return;
                }
            }
        }

        /** The best shift or swap between machines {@code a} and {@code b}, kept under late acceptance. */
        private void pairMove(int a, int b) {
            if (a == b) {
                return;
            }
            long bestDelta = Long.MAX_VALUE;
            int first = -1;
            int second = -1;
            int inA = Math.min(PAIR_RESIDENTS, state.residentCount(a));
            int inB = Math.min(PAIR_RESIDENTS, state.residentCount(b));
            int fromA = random.nextInt(state.residentCount(a) + 1);
            int fromB = random.nextInt(state.residentCount(b) + 1);
            for (int i = 0; i < inA; i++) {
                int p = state.resident(a, (fromA + i) % state.residentCount(a));
                if (state.mayMove(p, b)) {
                    long delta = state.shiftDelta(p, b);
                    if (delta < bestDelta) {
                        bestDelta = delta;
                        first = p;
                        second = -1;
                    }
                }
            }
            for (int j = 0; j < inB; j++) {
                int q = state.resident(b, (fromB + j) % state.residentCount(b));
                if (state.mayMove(q, a)) {
                    long delta = state.shiftDelta(q, a);
                    if (delta < bestDelta) {
                        bestDelta = delta;
                        first = q;
                        second = -1;
                    }
                }
            }
            for (int i = 0; i < inA; i++) {
                int p = state.resident(a, (fromA + i) % state.residentCount(a));
                for (int j = 0; j < inB; j++) {
                    int q = state.resident(b, (fromB + j) % state.residentCount(b));
                    if (state.maySwap(p, q)) {
                        long delta = state.swapDelta(p, q);
                        if (delta < bestDelta) {
                            bestDelta = delta;
                            first = p;
                            second = q;
                        }
                    }
                }
            }
            if (first < 0) {
                return;
            }
            if (second < 0) {
                shift(first, state.machineOf(first) == a ? b : a);
            } else {
                swap(first, second);
            }
        }

        /**
         * An ejection chain of two shifts: {@code p} goes to {@code b}, with room for it or not, then the process of
         * {@code b} (among PAIR_RESIDENTS of them) whose leaving leaves room goes where it costs least; kept under
         * late acceptance. Only from a machine that costs something, like an eject.
         */
        private void chain(int p, int b) {
            int a = state.machineOf(p);
            if (a == b || state.costOn(a) == 0) {
                return;
            }
            long first = state.shiftDelta(p, b);
            state.move(p, b);
            int bestQ = -1;
            int bestTo = -1;
            long bestDelta = Long.MAX_VALUE;
            int onB = state.residentCount(b);
            int start = random.nextInt(onB);
            for (int i = 0; i < Math.min(PAIR_RESIDENTS, onB); i++) {
                int q = state.resident(b, (start + i) % onB);
                if (q == p || !state.fitsWithout(b, q)) {
                    continue;
                }
                long leave = state.leaveDelta(q);
                for (int c = 0; c < in.machines(); c++) {
                    if (c != b && state.mayMove(q, c)) {
                        long delta = state.shiftDelta(q, c, leave);
                        if (delta < bestDelta) {
                            bestDelta = delta;
                            bestQ = q;
                            bestTo = c;
                        }
                    }
                }
            }
            if (bestQ < 0 || !acceptable(current + first + bestDelta)) {
                state.move(p, a);
                refuse();
                return;
            }
            state.move(bestQ, bestTo);
            if (!decide()) {
                state.move(bestQ, b);
                state.move(p, a);
            }
        }

        /**
         * Another process of {@code p}'s service, or {@code p} when it has none: where a service has a process on
         * (nearly) every machine, trading places with a sibling is the only way its processes can move.
         */
        private int sibling(int p) {
            int[] siblings = in.processesOf[in.serviceOf[p]];
            return siblings[random.nextInt(siblings.length)];
        }

        /** A machine drawn with odds proportional to its load and balance cost; any machine when none costs. */
        private int machineByCost() {
            long sum = 0;
            for (int m = 0; m < in.machines(); m++) {
                sum += state.costOn(m);
            }
            if (sum == 0) {
                return random.nextInt(in.machines());
            }
            long draw = random.nextLong(sum);
            for (int m = 0; m < in.machines(); m++) {
                draw -= state.costOn(m);
                if (draw < 0) {
                    return m;
                }
            }
            throw new IllegalStateException("cost draw out of range");
        }

        /** A random machine whose safety capacity could hold {@code p} once emptied, after a few probes. */
        private int roomyTarget(int p) {
            int target = random.nextInt(in.machines());
            for (int probe = 0; probe < 8 && !underSafety(p, target); probe++) {
                target = random.nextInt(in.machines());
            }
            return target;
        }

        private boolean underSafety(int p, int m) {
            for (int r = 0; r < in.resources(); r++) {
                if (in.requirement[p][r] > in.safetyCapacity[m][r]) {
                    return false;
                }
            }
            return true;
        }

        /**
         * A process on a machine drawn with odds proportional to its load and balance cost, so that the one machine
         * left over its safety capacity is found however many machines there are; any process when none costs.
         */
        private int onMachineByCost() {
            long sum = 0;
            for (int m = 0; m < in.machines(); m++) {
                if (state.residentCount(m) > 0) {
                    sum += state.costOn(m);
                }
            }
            if (sum == 0) {
                return random.nextInt(in.processes());
            }
            long draw = random.nextLong(sum);
            for (int m = 0; m < in.machines(); m++) {
                if (state.residentCount(m) > 0) {
                    draw -= state.costOn(m);
                    if (draw < 0) {
                        return state.resident(m, random.nextInt(state.residentCount(m)));
                    }
                }
            }
            throw new IllegalStateException("cost draw out of range");
        }

        /** A process on a machine with load or balance cost, found by a few random probes; else any process. */
        private int onCostlyMachine(int processes) {
            for (int probe = 0; probe < 4; probe++) {
                int m = random.nextInt(in.machines());
                int count = state.residentCount(m);
                if (count > 0 && state.costOn(m) > 0) {
                    return state.resident(m, random.nextInt(count));
                }
            }
            return random.nextInt(processes);
        }

        private Solution solution() {
            Assignment found = Assignment.of(overallBestAssignment);
            return new Solution(found, RoadefScorer.score(in, initial, found), moves, seed);
        }

        /** The machine among a few random ones that {@code p} may move to at the least cost, or its own. */
        private int bestOfSample(int p) {
            int from = state.machineOf(p);
            int best = from;
            long bestDelta = Long.MAX_VALUE;
            long leave = state.leaveDelta(p);
            for (int i = 0; i < SAMPLE; i++) {
                int m = random.nextInt(in.machines());
                if (m == from || !state.mayMove(p, m)) {
                    continue;
                }
                long delta = state.shiftDelta(p, m, leave);
                if (delta < bestDelta) {
                    bestDelta = delta;
                    best = m;
                }
            }
            return best;
        }

        private void shift(int p, int to) {
            int from = state.machineOf(p);
            if (from == to || !state.mayMove(p, to)) {
                return;
            }
            if (!acceptable(current + state.shiftDelta(p, to))) {
                refuse();
                return;
            }
            state.move(p, to);
            if (!decide()) {
                state.move(p, from);
            }
        }

        private void swap(int p1, int p2) {
            int m1 = state.machineOf(p1);
            int m2 = state.machineOf(p2);
            if (m1 == m2 || !state.maySwap(p1, p2)) {
                return;
            }
            if (!acceptable(current + state.swapDelta(p1, p2))) {
                refuse();
                return;
            }
            state.move(p1, m2);
            state.move(p2, m1);
            if (!decide()) {
                state.move(p2, m2);
                state.move(p1, m1);
            }
        }

        /** Whether late acceptance would keep a move to {@code candidate}, feasibility aside. */
        private boolean acceptable(long candidate) {
            return candidate <= current || candidate < history[(int) (moves % HISTORY)];
        }

        /** What {@link #decide()} does to the history when it refuses a move. */
        private void refuse() {
            int slot = (int) (moves % HISTORY);
            if (current < history[slot]) {
                history[slot] = current;
            }
        }

        /** Late acceptance: keep a feasible move no worse than now or than the cost HISTORY moves ago. */
        private boolean decide() {
            if (!state.feasible()) {
                return false;
            }
            long candidate = state.total();
            int slot = (int) (moves % HISTORY);
            boolean accept = candidate <= current || candidate < history[slot];
            if (accept) {
                current = candidate;
                if (candidate < best) {
                    keepCurrentAsBest();
                    lastImprovement = moves;
                }
            }
            if (current < history[slot]) {
                history[slot] = current;
            }
            return accept;
        }

        /**
         * Ruin and recreate around one move: {@code p} goes to {@code target} whatever it breaks, then every other
         * process on the target is put back where it breaks least and costs least. Only worth it from a machine
         * that costs something, where a plain shift cannot make room.
         */
        private void eject(int p, int target) {
            int from = state.machineOf(p);
            if (from == target || state.costOn(from) == 0) {
                return;
            }
            int[] undoProcess = new int[state.residentCount(target) + 1];
            int[] undoMachine = new int[undoProcess.length];
            int undone = 0;
            undoProcess[undone] = p;
            undoMachine[undone++] = from;
            state.move(p, target);
            int[] evicted = new int[state.residentCount(target)];
            for (int i = 0; i < evicted.length; i++) {
                evicted[i] = state.resident(target, i);
            }
            for (int q : evicted) {
                if (q != p) {
                    undoProcess[undone] = q;
                    undoMachine[undone++] = target;
                    reinsert(q, target);
                }
            }
            if (!decide()) {
                for (int i = undone - 1; i >= 0; i--) {
                    state.move(undoProcess[i], undoMachine[i]);
                }
            }
        }

        /**
         * Puts {@code q} on the machine other than {@code avoid} with room for it where it costs least, if that
         * mends a broken constraint or costs less. When no machine has room, {@code q} stays: on any other machine it
         * would break capacity or conflict for good (nothing the eject does later leaves that machine), so the eject
         * could only be refused, while staying leaves it a chance once the processes after it have left.
         */
        private void reinsert(int q, int avoid) {
            int here = state.machineOf(q);
            int roomy = -1;
            long roomyDelta = Long.MAX_VALUE;
            long leave = state.leaveDelta(q);
            for (int m = 0; m < in.machines(); m++) {
                if (m != here && m != avoid && state.mayMove(q, m)) {
                    long delta = state.shiftDelta(q, m, leave);
                    if (delta < roomyDelta) {
                        roomyDelta = delta;
                        roomy = m;
                    }
                }
            }
            if (roomy >= 0 && (!state.feasible() || roomyDelta < 0)) {
                state.move(q, roomy);
            }
        }

        /**
         * Takes the processes of two random machines off them and puts each back on the machine where it costs
         * least, from the best assignment found so far; kept only if no worse than the best.
         */
        private void ruinAndRecreate() {
            lastImprovement = moves;
            restoreBest();
            int machines = in.machines();
            int a = random.nextInt(machines);
            int b = random.nextInt(machines);
            List<Integer> ruined = new ArrayList<>();
            for (int p = 0; p < in.processes(); p++) {
                int m = state.machineOf(p);
                if (m == a || m == b) {
                    ruined.add(p);
                }
            }
            java.util.Collections.shuffle(ruined, new java.util.Random(random.nextLong()));
            for (int p : ruined) {
                bestShift(p);
            }
            continueFromHere();
        }

        private void bestShift(int p) {
            int from = state.machineOf(p);
            int bestMachine = from;
            long bestCost = state.total();
            for (int m = 0; m < in.machines(); m++) {
                if (m == from || !state.mayMove(p, m)) {
                    continue;
                }
                state.move(p, m);
                if (state.feasible() && state.total() < bestCost) {
                    bestCost = state.total();
                    bestMachine = m;
                }
                state.move(p, from);
            }
            state.move(p, bestMachine);
        }

        /**
         * Late acceptance goes on from the state as it is, after a move of many processes (ruin and recreate, a
         * steepest descent): it becomes the current one, the best if it is, and fills the history.
         */
        private void continueFromHere() {
            current = state.total();
            if (current < best) {
                keepCurrentAsBest();
            }
            java.util.Arrays.fill(history, current);
        }

        /** The current assignment becomes the best of this start, and of all starts if it beats theirs. */
        private void keepCurrentAsBest() {
            best = current;
            bestAssignment = state.assignment();
            if (best < overallBest) {
                overallBest = best;
                overallBestAssignment = bestAssignment;
            }
        }

        /**
         * The best feasible shift of all, again and again, until none lowers the cost or the clock reaches
         * {@code until}; then late acceptance goes on from there.
         */
        private void steepestDescent(long until) {
            while (nanoTime.getAsLong() < until) {
                long bestDelta = 0;
                int bestProcess = -1;
                int bestMachine = -1;
                for (int p = 0; p < in.processes(); p++) {
                    int from = state.machineOf(p);
                    if (state.costOn(from) == 0) {
                        continue;
                    }
                    long leave = state.leaveDelta(p);
                    for (int m = 0; m < in.machines(); m++) {
                        if (m != from && state.mayMove(p, m)) {
                            long delta = state.shiftDelta(p, m, leave);
                            if (delta < bestDelta && feasibleAfter(p, m)) {
                                bestDelta = delta;
                                bestProcess = p;
                                bestMachine = m;
                            }
                        }
                    }
                }
                if (bestProcess < 0) {
                    break;
                }
                state.move(bestProcess, bestMachine);
            }
            continueFromHere();
        }

        private boolean feasibleAfter(int p, int to) {
            int from = state.machineOf(p);
            state.move(p, to);
            boolean feasible = state.feasible();
            state.move(p, from);
            return feasible;
        }

        /**
         * Starts again from the initial assignment, keeping the overall best: taken by a restarting search when a
         * check finds the best of this start lower by less than 1/STAGNANT than at the check before, with at least
         * four check windows left (a fresh start needs that long to compete).
         */
        private void restart() {
            moveAllTo(initial.toArray());
            current = state.total();
            keepCurrentAsBest();
            progressMark = current;
            lastProgress = moves;
            lastImprovement = moves;
            ejectOneIn = FIRST_EJECTS;
            if (descendFirst) {
                steepestDescent(nanoTime.getAsLong() + options.budget().toNanos() / DESCENT_SHARE);
            } else {
                java.util.Arrays.fill(history, current);
            }
        }

        private void restoreBest() {
            moveAllTo(bestAssignment);
        }

        private void moveAllTo(int[] assignment) {
            for (int p = 0; p < assignment.length; p++) {
                state.move(p, assignment[p]);
            }
        }
    }
}
