package dev.paddock.placement.roadef;

/**
 * An assignment with every sum the objective and the hard constraints need, kept up to date move by move.
 *
 * <p>{@link #move(int, int)} costs O(resources + balances + dependencies of the service) whatever the size of the
 * instance: the search applies a move, reads {@link #feasible()} and {@link #total()}, and moves back when it does
 * not keep it. Violations are counted rather than forbidden so that a swap may pass through an infeasible middle.
 */
final class SearchState {
    private final MachineReassignment in;
    private final int[] initial;
    private final int[] machineOf;
    private final long[][] usage;
    /** For transient resources: what processes that left the machine still hold on it. */
    private final long[][] held;
    private final int[] onMachine;
    private final int[] inLocation;
    private final int[] inNeighborhood;
    private final int[] distinctLocations;
    private final int[] movedInService;
    private final int[] servicesWithMoved;
    private final int machines;
    /** The processes on each machine, unordered, and where each process sits in its machine's list. */
    private final int[][] residents;
    private final int[] residentCount;
    private final int[] slot;
    /** The load and balance cost of each machine, as {@link #loadOf} and {@link #balanceOf} last found them. */
    private final long[] machineLoad;
    private final long[] machineBalance;

    private int overCapacity;
    private int conflicts;
    private int spreadDeficit;
    private int dependencyBreaks;
    private long load;
    private long balance;
    private long processMove;
    private long machineMove;
    private int mostMoved;

    SearchState(MachineReassignment in, int[] initial, int[] start) {
        this.in = in;
        this.initial = initial.clone();
        this.machines = in.machines();
        int services = in.services();
        this.machineOf = initial.clone();
        this.usage = new long[machines][in.resources()];
        this.held = new long[machines][in.resources()];
        this.onMachine = new int[services * machines];
        this.inLocation = new int[services * in.locations];
        this.inNeighborhood = new int[services * in.neighborhoods];
        this.distinctLocations = new int[services];
        this.movedInService = new int[services];
        this.servicesWithMoved = new int[in.processes() + 1];
        this.servicesWithMoved[0] = services;
        this.residentCount = new int[machines];
        for (int m : initial) {
            residentCount[m]++;
        }
        this.residents = new int[machines][];
        for (int m = 0; m < machines; m++) {
            residents[m] = new int[Math.max(4, residentCount[m])];
            residentCount[m] = 0;
        }
        this.slot = new int[in.processes()];
        this.machineLoad = new long[machines];
        this.machineBalance = new long[machines];
        for (int p = 0; p < in.processes(); p++) {
            addResident(initial[p], p);
        }
        for (int p = 0; p < in.processes(); p++) {
            int m = initial[p];
            int s = in.serviceOf[p];
            for (int r = 0; r < in.resources(); r++) {
                usage[m][r] += in.requirement[p][r];
            }
            if (onMachine[s * machines + m]++ > 0) {
                conflicts++;
            }
            if (inLocation[s * in.locations + in.location[m]]++ == 0) {
                distinctLocations[s]++;
            }
            inNeighborhood[s * in.neighborhoods + in.neighborhood[m]]++;
        }
        for (int m = 0; m < machines; m++) {
            machineLoad[m] = loadOf(m);
            machineBalance[m] = balanceOf(m);
            load += machineLoad[m];
            balance += machineBalance[m];
            for (int r = 0; r < in.resources(); r++) {
                if (isOver(m, r)) {
                    overCapacity++;
                }
            }
        }
        for (int s = 0; s < services; s++) {
            spreadDeficit += Math.max(0, in.spreadMin[s] - distinctLocations[s]);
            for (int n = 0; n < in.neighborhoods; n++) {
                if (inNeighborhood[s * in.neighborhoods + n] > 0) {
                    for (int d : in.dependencies[s]) {
                        if (inNeighborhood[d * in.neighborhoods + n] == 0) {
                            dependencyBreaks++;
                        }
                    }
                }
            }
        }
        for (int p = 0; p < start.length; p++) {
            if (start[p] != initial[p]) {
                move(p, start[p]);
            }
        }
    }

    int machineOf(int process) {
        return machineOf[process];
    }

    int[] assignment() {
        return machineOf.clone();
    }

    boolean feasible() {
        return overCapacity == 0 && conflicts == 0 && spreadDeficit == 0 && dependencyBreaks == 0;
    }

    /** The load and balance cost on one machine: where the search looks for something to improve. */
    long costOn(int m) {
        return machineLoad[m] + machineBalance[m];
    }

    long total() {
        return load + balance + in.processMoveWeight * processMove + in.serviceMoveWeight * mostMoved
                + in.machineMoveWeight * machineMove;
    }

    Cost cost() {
        return new Cost(load, balance, in.processMoveWeight * processMove, in.serviceMoveWeight * mostMoved,
                in.machineMoveWeight * machineMove);
    }

    /** Cheap necessary conditions for moving {@code p} to {@code to}: capacity and conflict on the target. */
    boolean mayMove(int p, int to) {
        if (onMachine[in.serviceOf[p] * machines + to] > 0) {
            return false;
        }
        long[] req = in.requirement[p];
        long[] cap = in.capacity[to];
        long[] use = usage[to];
        boolean home = initial[p] == to;
        for (int r = 0; r < req.length; r++) {
            long after = use[r] + req[r];
            if (in.transientResource[r]) {
                after += home ? held[to][r] - req[r] : held[to][r];
            }
            if (after > cap[r]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Cheap necessary conditions for exchanging the machines of {@code p1} and {@code p2}: conflict, and capacity of
     * the resources that are not transient (those are left to the full evaluation). Two processes of one service
     * may always trade places as far as conflict, spread and dependency go: each machine keeps one of the service.
     */
    boolean maySwap(int p1, int p2) {
        int m1 = machineOf[p1];
        int m2 = machineOf[p2];
        int s1 = in.serviceOf[p1];
        int s2 = in.serviceOf[p2];
        if (s1 != s2 && (onMachine[s1 * machines + m2] > 0 || onMachine[s2 * machines + m1] > 0)) {
            return false;
        }
        long[] req1 = in.requirement[p1];
        long[] req2 = in.requirement[p2];
        for (int r = 0; r < req1.length; r++) {
            if (in.transientResource[r]) {
                continue;
            }
            long delta = req1[r] - req2[r];
            if (delta > 0 ? usage[m2][r] + delta > in.capacity[m2][r] : usage[m1][r] - delta > in.capacity[m1][r]) {
                return false;
            }
        }
        return true;
    }

    /**
     * What {@link #total()} would become minus what it is if {@code p} moved to {@code to}, computed without moving:
     * exact, in O(resources + balances). Says nothing of the hard constraints.
     */
    long shiftDelta(int p, int to) {
        return machineOf[p] == to ? 0 : shiftDelta(p, to, leaveDelta(p));
    }

    /**
     * How the load and balance cost of {@code p}'s machine would change if {@code p} left it: the part of
     * {@link #shiftDelta(int, int)} that does not depend on the target, for a caller that tries many targets.
     */
    long leaveDelta(int p) {
        int from = machineOf[p];
        return costWith(from, null, in.requirement[p]) - machineLoad[from] - machineBalance[from];
    }

    /** {@link #shiftDelta(int, int)} to another machine, given what {@link #leaveDelta(int)} says of {@code p}. */
    long shiftDelta(int p, int to, long leave) {
        int from = machineOf[p];
        long delta = leave + costWith(to, in.requirement[p], null) - machineLoad[to] - machineBalance[to];
        int home = initial[p];
        delta += in.processMoveWeight * ((to != home ? in.processMoveCost[p] : 0)
                - (from != home ? in.processMoveCost[p] : 0));
        delta += in.machineMoveWeight * (in.machineMoveCost[home][to] - in.machineMoveCost[home][from]);
        return delta + in.serviceMoveWeight * mostMovedChange(in.serviceOf[p], leftHome(from, to, home));
    }

    /**
     * What {@link #total()} would become minus what it is if {@code p1} and {@code p2}, on different machines,
     * exchanged machines, computed without moving: exact, in O(resources + balances). Says nothing of the hard
     * constraints.
     */
    long swapDelta(int p1, int p2) {
        int m1 = machineOf[p1];
        int m2 = machineOf[p2];
        long[] req1 = in.requirement[p1];
        long[] req2 = in.requirement[p2];
        long delta = costWith(m1, req2, req1) - machineLoad[m1] - machineBalance[m1]
                + costWith(m2, req1, req2) - machineLoad[m2] - machineBalance[m2];
        int home1 = initial[p1];
        int home2 = initial[p2];
        delta += in.processMoveWeight * ((m2 != home1 ? in.processMoveCost[p1] : 0)
                - (m1 != home1 ? in.processMoveCost[p1] : 0)
                + (m1 != home2 ? in.processMoveCost[p2] : 0)
                - (m2 != home2 ? in.processMoveCost[p2] : 0));
        delta += in.machineMoveWeight * (in.machineMoveCost[home1][m2] - in.machineMoveCost[home1][m1]
                + in.machineMoveCost[home2][m1] - in.machineMoveCost[home2][m2]);
        int s1 = in.serviceOf[p1];
        int s2 = in.serviceOf[p2];
        int change = s1 == s2 ? mostMovedChange(s1, leftHome(m1, m2, home1) + leftHome(m2, m1, home2))
                : mostMovedChange(s1, leftHome(m1, m2, home1), s2, leftHome(m2, m1, home2));
        return delta + in.serviceMoveWeight * change;
    }

    /**
     * How the most processes moved in one service changes when service {@code s} gets {@code d} more moved (a shift
     * changes it by at most 1, a swap of two of its processes by at most 2).
     */
    private int mostMovedChange(int s, int d) {
        int before = movedInService[s];
        int after = before + d;
        if (after > mostMoved) {
            return after - mostMoved;
        }
        if (d >= 0 || before != mostMoved || servicesWithMoved[mostMoved] > 1) {
            return 0;
        }
        for (int k = mostMoved - 1; k > after; k--) {
            if (servicesWithMoved[k] > 0) {
                return k - mostMoved;
            }
        }
        return after - mostMoved;
    }

    /** +1 when a process leaves its home machine, -1 when it comes back to it, 0 otherwise. */
    private static int leftHome(int from, int to, int home) {
        return (from == home ? 1 : 0) - (to == home ? 1 : 0);
    }

    /**
     * How the most processes moved in one service changes when service {@code s1} gets {@code d1} more moved
     * processes and another service {@code s2} {@code d2} more, each change -1, 0 or +1.
     */
    private int mostMovedChange(int s1, int d1, int s2, int d2) {
        int v1 = movedInService[s1] + d1;
        int v2 = movedInService[s2] + d2;
        if (v1 > mostMoved || v2 > mostMoved) {
            return 1;
        }
        int stillMost = servicesWithMoved[mostMoved];
        if (d1 < 0 && movedInService[s1] == mostMoved) {
            stillMost--;
        }
        if (d2 < 0 && movedInService[s2] == mostMoved) {
            stillMost--;
        }
        if (d1 > 0 && v1 == mostMoved || d2 > 0 && v2 == mostMoved) {
            stillMost++;
        }
        return stillMost == 0 && mostMoved > 0 ? -1 : 0;
    }

    /** The load and balance cost of {@code m} were its usage raised by {@code plus} and lowered by {@code minus}. */
    private long costWith(int m, long[] plus, long[] minus) {
        long[] use = usage[m];
        long[] safety = in.safetyCapacity[m];
        long[] weight = in.loadCostWeight;
        long cost = 0;
        for (int r = 0; r < use.length; r++) {
            long over = use[r] + (plus == null ? 0 : plus[r]) - (minus == null ? 0 : minus[r]) - safety[r];
            if (over > 0) {
                cost += weight[r] * over;
            }
        }
        long[] cap = in.capacity[m];
        for (MachineReassignment.Balance b : in.balances) {
            int r1 = b.resource1();
            int r2 = b.resource2();
            long free1 = cap[r1] - use[r1] - (plus == null ? 0 : plus[r1]) + (minus == null ? 0 : minus[r1]);
            long free2 = cap[r2] - use[r2] - (plus == null ? 0 : plus[r2]) + (minus == null ? 0 : minus[r2]);
            long excess = b.target() * free1 - free2;
            if (excess > 0) {
                cost += b.weight() * excess;
            }
        }
        return cost;
    }

    /** Whether machine {@code m} is within its capacity once {@code p}, one of its processes, leaves it. */
    boolean fitsWithout(int m, int p) {
        long[] req = in.requirement[p];
        long[] cap = in.capacity[m];
        long[] use = usage[m];
        boolean home = initial[p] == m;
        for (int r = 0; r < req.length; r++) {
            long after = use[r] - req[r];
            if (in.transientResource[r]) {
                after += held[m][r] + (home ? req[r] : 0);
            }
            if (after > cap[r]) {
                return false;
            }
        }
        return true;
    }

    /** Moves {@code p} to {@code to}, whatever the constraints say, and updates every sum. */
    void move(int p, int to) {
        int from = machineOf[p];
        if (from == to) {
            return;
        }
        int s = in.serviceOf[p];
        load -= machineLoad[from] + machineLoad[to];
        balance -= machineBalance[from] + machineBalance[to];
        shiftUsage(in.requirement[p], from, to, from == initial[p], to == initial[p]);
        machineBalance[from] = balanceOf(from);
        machineBalance[to] = balanceOf(to);
        load += machineLoad[from] + machineLoad[to];
        balance += machineBalance[from] + machineBalance[to];
        if (--onMachine[s * machines + from] > 0) {
            conflicts--;
        }
        if (onMachine[s * machines + to]++ > 0) {
            conflicts++;
        }
        spreadDeficit -= Math.max(0, in.spreadMin[s] - distinctLocations[s]);
        if (--inLocation[s * in.locations + in.location[from]] == 0) {
            distinctLocations[s]--;
        }
        if (inLocation[s * in.locations + in.location[to]]++ == 0) {
            distinctLocations[s]++;
        }
        spreadDeficit += Math.max(0, in.spreadMin[s] - distinctLocations[s]);
        int nFrom = in.neighborhood[from];
        int nTo = in.neighborhood[to];
        if (nFrom != nTo) {
            leaveNeighborhood(s, nFrom);
            enterNeighborhood(s, nTo);
        }
        int home = initial[p];
        processMove += (to != home ? in.processMoveCost[p] : 0) - (from != home ? in.processMoveCost[p] : 0);
        machineMove += in.machineMoveCost[home][to] - in.machineMoveCost[home][from];
        if (from == home) {
            countMoved(s, +1);
        } else if (to == home) {
            countMoved(s, -1);
        }
        removeResident(from, p);
        addResident(to, p);
        machineOf[p] = to;
    }

    /**
     * Moves {@code req} from machine {@code from} to {@code to} in one pass over the resources: usage, what a moved
     * process holds of transient resources on its home machine, the count of resources over capacity and the load
     * cost of both machines.
     */
    private void shiftUsage(long[] req, int from, int to, boolean leavesHome, boolean comesHome) {
        long[] useFrom = usage[from];
        long[] useTo = usage[to];
        long[] heldFrom = held[from];
        long[] heldTo = held[to];
        long[] capFrom = in.capacity[from];
        long[] capTo = in.capacity[to];
        long[] safeFrom = in.safetyCapacity[from];
        long[] safeTo = in.safetyCapacity[to];
        long loadFrom = 0;
        long loadTo = 0;
        int over = 0;
        for (int r = 0; r < req.length; r++) {
            long q = req[r];
            boolean transientR = in.transientResource[r];
            long keptFrom = transientR ? heldFrom[r] : 0;
            long keptTo = transientR ? heldTo[r] : 0;
            over -= (useFrom[r] + keptFrom > capFrom[r] ? 1 : 0) + (useTo[r] + keptTo > capTo[r] ? 1 : 0);
            useFrom[r] -= q;
            useTo[r] += q;
            if (transientR) {
                if (leavesHome) {
                    heldFrom[r] += q;
                    keptFrom += q;
                }
                if (comesHome) {
                    heldTo[r] -= q;
                    keptTo -= q;
                }
            }
            over += (useFrom[r] + keptFrom > capFrom[r] ? 1 : 0) + (useTo[r] + keptTo > capTo[r] ? 1 : 0);
            long w = in.loadCostWeight[r];
            if (useFrom[r] > safeFrom[r]) {
                loadFrom += w * (useFrom[r] - safeFrom[r]);
            }
            if (useTo[r] > safeTo[r]) {
                loadTo += w * (useTo[r] - safeTo[r]);
            }
        }
        overCapacity += over;
        machineLoad[from] = loadFrom;
        machineLoad[to] = loadTo;
    }

    private void addResident(int m, int p) {
        if (residentCount[m] == residents[m].length) {
            residents[m] = java.util.Arrays.copyOf(residents[m], residents[m].length * 2);
        }
        slot[p] = residentCount[m];
        residents[m][residentCount[m]++] = p;
    }

    private void removeResident(int m, int p) {
        int last = residents[m][--residentCount[m]];
        residents[m][slot[p]] = last;
        slot[last] = slot[p];
    }

    int residentCount(int m) {
        return residentCount[m];
    }

    /** The {@code i}-th process on machine {@code m}, in no particular order. */
    int resident(int m, int i) {
        return residents[m][i];
    }

    private void countMoved(int s, int delta) {
        servicesWithMoved[movedInService[s]]--;
        movedInService[s] += delta;
        servicesWithMoved[movedInService[s]]++;
        if (movedInService[s] > mostMoved) {
            mostMoved = movedInService[s];
        }
        while (mostMoved > 0 && servicesWithMoved[mostMoved] == 0) {
            mostMoved--;
        }
    }

    private void leaveNeighborhood(int s, int n) {
        int nbs = in.neighborhoods;
        if (--inNeighborhood[s * nbs + n] == 0) {
            for (int d : in.dependencies[s]) {
                if (inNeighborhood[d * nbs + n] == 0) {
                    dependencyBreaks--;
                }
            }
            for (int t : in.dependents[s]) {
                if (inNeighborhood[t * nbs + n] > 0) {
                    dependencyBreaks++;
                }
            }
        }
    }

    private void enterNeighborhood(int s, int n) {
        int nbs = in.neighborhoods;
        if (inNeighborhood[s * nbs + n]++ == 0) {
            for (int d : in.dependencies[s]) {
                if (inNeighborhood[d * nbs + n] == 0) {
                    dependencyBreaks++;
                }
            }
            for (int t : in.dependents[s]) {
                if (inNeighborhood[t * nbs + n] > 0) {
                    dependencyBreaks--;
                }
            }
        }
    }

    private boolean isOver(int m, int r) {
        long used = usage[m][r] + (in.transientResource[r] ? held[m][r] : 0);
        return used > in.capacity[m][r];
    }

    private long loadOf(int m) {
        long cost = 0;
        long[] use = usage[m];
        long[] safety = in.safetyCapacity[m];
        for (int r = 0; r < use.length; r++) {
            long over = use[r] - safety[r];
            if (over > 0) {
                cost += in.loadCostWeight[r] * over;
            }
        }
        return cost;
    }

    private long balanceOf(int m) {
        long cost = 0;
        long[] use = usage[m];
        long[] cap = in.capacity[m];
        for (MachineReassignment.Balance b : in.balances) {
            long excess = b.target() * (cap[b.resource1()] - use[b.resource1()])
                    - (cap[b.resource2()] - use[b.resource2()]);
            if (excess > 0) {
                cost += b.weight() * excess;
            }
        }
        return cost;
    }
}
