package dev.paddock.placement.roadef;

import java.util.List;

/**
 * An instance of the ROADEF/EURO 2012 machine reassignment problem (Google): machines with capacities, services
 * made of processes, and the costs of the reassignment.
 *
 * <p>Held as flat arrays indexed by the challenge's 0-based ids rather than as one record per machine or process:
 * the solver evaluates millions of moves and reads these in its inner loops. The arrays never escape; accessors
 * return single values.
 */
public final class MachineReassignment {

    /** A balance objective: on every machine, {@code target × available(r1) − available(r2)} beyond 0 costs. */
    public record Balance(int resource1, int resource2, long target, long weight) {}

    final boolean[] transientResource;
    final long[] loadCostWeight;
    final int[] neighborhood;
    final int[] location;
    final long[][] capacity;
    final long[][] safetyCapacity;
    final long[][] machineMoveCost;
    final int[] spreadMin;
    final int[][] dependencies;
    final int[][] dependents;
    final int[] serviceOf;
    final long[][] requirement;
    final long[] processMoveCost;
    final List<Balance> balances;
    final long processMoveWeight;
    final long serviceMoveWeight;
    final long machineMoveWeight;
    final int[][] processesOf;
    final int neighborhoods;
    final int locations;

    MachineReassignment(boolean[] transientResource, long[] loadCostWeight, int[] neighborhood, int[] location,
            long[][] capacity, long[][] safetyCapacity, long[][] machineMoveCost, int[] spreadMin,
            int[][] dependencies, int[] serviceOf, long[][] requirement, long[] processMoveCost,
            List<Balance> balances, long processMoveWeight, long serviceMoveWeight, long machineMoveWeight) {
        this.transientResource = transientResource;
        this.loadCostWeight = loadCostWeight;
        this.neighborhood = neighborhood;
        this.location = location;
        this.capacity = capacity;
        this.safetyCapacity = safetyCapacity;
        this.machineMoveCost = machineMoveCost;
        this.spreadMin = spreadMin;
        this.dependencies = dependencies;
        this.serviceOf = serviceOf;
        this.requirement = requirement;
        this.processMoveCost = processMoveCost;
        this.balances = List.copyOf(balances);
        this.processMoveWeight = processMoveWeight;
        this.serviceMoveWeight = serviceMoveWeight;
        this.machineMoveWeight = machineMoveWeight;
        this.dependents = invert(dependencies);
        this.processesOf = groupByService(serviceOf, spreadMin.length);
        this.neighborhoods = 1 + max(neighborhood);
        this.locations = 1 + max(location);
    }

    private static int max(int[] values) {
        int max = -1;
        for (int v : values) {
            max = Math.max(max, v);
        }
        return max;
    }

    private static int[][] invert(int[][] dependencies) {
        int[] counts = new int[dependencies.length];
        for (int[] deps : dependencies) {
            for (int d : deps) {
                counts[d]++;
            }
        }
        int[][] inverse = new int[dependencies.length][];
        for (int s = 0; s < inverse.length; s++) {
            inverse[s] = new int[counts[s]];
            counts[s] = 0;
        }
        for (int s = 0; s < dependencies.length; s++) {
            for (int d : dependencies[s]) {
                inverse[d][counts[d]++] = s;
            }
        }
        return inverse;
    }

    private static int[][] groupByService(int[] serviceOf, int services) {
        int[] counts = new int[services];
        for (int s : serviceOf) {
            counts[s]++;
        }
        int[][] groups = new int[services][];
        for (int s = 0; s < services; s++) {
            groups[s] = new int[counts[s]];
            counts[s] = 0;
        }
        for (int p = 0; p < serviceOf.length; p++) {
            groups[serviceOf[p]][counts[serviceOf[p]]++] = p;
        }
        return groups;
    }

    public int resources() {
        return loadCostWeight.length;
    }

    public int machines() {
        return neighborhood.length;
    }

    public int services() {
        return spreadMin.length;
    }

    public int processes() {
        return serviceOf.length;
    }

    public List<Balance> balances() {
        return balances;
    }

    public boolean isTransient(int resource) {
        return transientResource[resource];
    }

    public long loadCostWeight(int resource) {
        return loadCostWeight[resource];
    }

    public int neighborhood(int machine) {
        return neighborhood[machine];
    }

    public int location(int machine) {
        return location[machine];
    }

    public long capacity(int machine, int resource) {
        return capacity[machine][resource];
    }

    public long safetyCapacity(int machine, int resource) {
        return safetyCapacity[machine][resource];
    }

    public long machineMoveCost(int from, int to) {
        return machineMoveCost[from][to];
    }

    public int spreadMin(int service) {
        return spreadMin[service];
    }

    /** The services that {@code service} depends on. */
    public List<Integer> dependencies(int service) {
        return java.util.Arrays.stream(dependencies[service]).boxed().toList();
    }

    public int serviceOf(int process) {
        return serviceOf[process];
    }

    public long requirement(int process, int resource) {
        return requirement[process][resource];
    }

    public long processMoveCost(int process) {
        return processMoveCost[process];
    }

    public long processMoveWeight() {
        return processMoveWeight;
    }

    public long serviceMoveWeight() {
        return serviceMoveWeight;
    }

    public long machineMoveWeight() {
        return machineMoveWeight;
    }

    @Override
    public String toString() {
        return "MachineReassignment[resources=" + resources() + ", machines=" + machines() + ", services="
                + services() + ", processes=" + processes() + ", balances=" + balances.size() + "]";
    }
}
