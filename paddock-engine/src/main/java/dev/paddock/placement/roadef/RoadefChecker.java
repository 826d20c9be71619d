package dev.paddock.placement.roadef;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Checks every hard constraint of the challenge and names each one an assignment breaks. */
public final class RoadefChecker {
    private RoadefChecker() {}

    public static List<Violation> check(MachineReassignment instance, Assignment initial, Assignment solution) {
        if (solution.processes() != instance.processes() || initial.processes() != instance.processes()) {
            throw new IllegalArgumentException("the assignment has " + solution.processes() + " processes, the"
                    + " instance " + instance.processes());
        }
        List<Violation> violations = new ArrayList<>();
        capacity(instance, initial, solution, violations);
        conflict(instance, solution, violations);
        spread(instance, solution, violations);
        dependency(instance, solution, violations);
        return violations;
    }

    private static void capacity(MachineReassignment instance, Assignment initial, Assignment solution,
            List<Violation> violations) {
        long[][] usage = RoadefScorer.usage(instance, solution);
        for (int m = 0; m < instance.machines(); m++) {
            for (int r = 0; r < instance.resources(); r++) {
                if (usage[m][r] > instance.capacity[m][r]) {
                    violations.add(new Violation.Capacity(m, r, usage[m][r], instance.capacity[m][r]));
                }
            }
        }
        for (int r = 0; r < instance.resources(); r++) {
            if (!instance.transientResource[r]) {
                continue;
            }
            for (int m = 0; m < instance.machines(); m++) {
                long held = usage[m][r];
                List<Integer> leaving = new ArrayList<>();
                for (int p = 0; p < instance.processes(); p++) {
                    if (initial.machineOf(p) == m && solution.machineOf(p) != m) {
                        held += instance.requirement[p][r];
                        leaving.add(p);
                    }
                }
                if (held > instance.capacity[m][r] && usage[m][r] <= instance.capacity[m][r]) {
                    violations.add(new Violation.TransientUsage(m, r, held, instance.capacity[m][r], leaving));
                }
            }
        }
    }

    private static void conflict(MachineReassignment instance, Assignment solution, List<Violation> violations) {
        for (int s = 0; s < instance.services(); s++) {
            Map<Integer, Integer> firstOnMachine = new HashMap<>();
            for (int p : instance.processesOf[s]) {
                Integer other = firstOnMachine.putIfAbsent(solution.machineOf(p), p);
                if (other != null) {
                    violations.add(new Violation.Conflict(s, solution.machineOf(p), other, p));
                }
            }
        }
    }

    private static void spread(MachineReassignment instance, Assignment solution, List<Violation> violations) {
        for (int s = 0; s < instance.services(); s++) {
            BitSet locations = new BitSet();
            for (int p : instance.processesOf[s]) {
                locations.set(instance.location[solution.machineOf(p)]);
            }
            if (locations.cardinality() < instance.spreadMin[s]) {
                violations.add(new Violation.Spread(s, locations.cardinality(), instance.spreadMin[s]));
            }
        }
    }

    private static void dependency(MachineReassignment instance, Assignment solution, List<Violation> violations) {
        BitSet[] neighborhoodsOf = new BitSet[instance.services()];
        for (int s = 0; s < instance.services(); s++) {
            neighborhoodsOf[s] = new BitSet();
            for (int p : instance.processesOf[s]) {
                neighborhoodsOf[s].set(instance.neighborhood[solution.machineOf(p)]);
            }
        }
        for (int p = 0; p < instance.processes(); p++) {
            int s = instance.serviceOf[p];
            int n = instance.neighborhood[solution.machineOf(p)];
            for (int dependsOn : instance.dependencies[s]) {
                if (!neighborhoodsOf[dependsOn].get(n)) {
                    violations.add(new Violation.Dependency(p, s, dependsOn, n));
                }
            }
        }
    }
}
