package dev.paddock.placement.roadef;

/**
 * Scores an assignment exactly as the challenge did, from scratch, in 64-bit arithmetic.
 *
 * <p>The solver keeps its own incremental copy of these sums; this class is the reference it is tested against.
 */
public final class RoadefScorer {
    private RoadefScorer() {}

    public static Cost score(MachineReassignment instance, Assignment initial, Assignment solution) {
        long[][] usage = usage(instance, solution);
        long load = 0;
        for (int r = 0; r < instance.resources(); r++) {
            long over = 0;
            for (int m = 0; m < instance.machines(); m++) {
                over += Math.max(0, usage[m][r] - instance.safetyCapacity[m][r]);
            }
            load = Math.addExact(load, Math.multiplyExact(instance.loadCostWeight[r], over));
        }
        long balance = 0;
        for (MachineReassignment.Balance b : instance.balances) {
            long excess = 0;
            for (int m = 0; m < instance.machines(); m++) {
                long available1 = instance.capacity[m][b.resource1()] - usage[m][b.resource1()];
                long available2 = instance.capacity[m][b.resource2()] - usage[m][b.resource2()];
                excess += Math.max(0, b.target() * available1 - available2);
            }
            balance = Math.addExact(balance, Math.multiplyExact(b.weight(), excess));
        }
        long processMove = 0;
        long machineMove = 0;
        int[] movedInService = new int[instance.services()];
        for (int p = 0; p < instance.processes(); p++) {
            int from = initial.machineOf(p);
            int to = solution.machineOf(p);
            if (from != to) {
                processMove += instance.processMoveCost[p];
                movedInService[instance.serviceOf[p]]++;
            }
            machineMove += instance.machineMoveCost[from][to];
        }
        long mostMoved = 0;
        for (int moved : movedInService) {
            mostMoved = Math.max(mostMoved, moved);
        }
        return new Cost(load, balance,
                Math.multiplyExact(instance.processMoveWeight, processMove),
                Math.multiplyExact(instance.serviceMoveWeight, mostMoved),
                Math.multiplyExact(instance.machineMoveWeight, machineMove));
    }

    static long[][] usage(MachineReassignment instance, Assignment solution) {
        long[][] usage = new long[instance.machines()][instance.resources()];
        for (int p = 0; p < instance.processes(); p++) {
            long[] on = usage[solution.machineOf(p)];
            for (int r = 0; r < instance.resources(); r++) {
                on[r] += instance.requirement[p][r];
            }
        }
        return usage;
    }
}
