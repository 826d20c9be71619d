package dev.paddock.placement.roadef;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes the challenge's files: {@code model_*.txt} (the instance), {@code assignment_*.txt} (the
 * initial assignment) and solutions, which have the assignment's format. Text in, values out: the files themselves
 * are read and written by the callers (the CLI's {@code RoadefFiles}, the benchmarks, the tests).
 *
 * <p>The model is a stream of whitespace-separated integers, in this order: resources (transient flag, load cost
 * weight), machines (neighborhood, location, capacities, safety capacities, move cost to every machine), services
 * (spread min, dependency count, dependencies), processes (service, requirements, process move cost), balance
 * objectives (r1, r2, target, weight) and the three move weights (process, service, machine).
 */
public final class RoadefFormat {
    private RoadefFormat() {}

    /** A solution in the challenge's format: the assignment's machine indices on one line. */
    public static String formatAssignment(Assignment solution) {
        return solution + "\n";
    }

    /** @param source names the text in error messages (the file it came from) */
    public static MachineReassignment parseModel(String text, String source) {
        Tokens in = new Tokens(text, source);
        int resources = in.count("resources");
        boolean[] transientResource = new boolean[resources];
        long[] loadCostWeight = new long[resources];
        for (int r = 0; r < resources; r++) {
            transientResource[r] = in.flag("transient flag of resource " + r);
            loadCostWeight[r] = in.nonNegative("load cost weight of resource " + r);
        }
        int machines = in.count("machines");
        int[] neighborhood = new int[machines];
        int[] location = new int[machines];
        long[][] capacity = new long[machines][resources];
        long[][] safety = new long[machines][resources];
        long[][] moveCost = new long[machines][machines];
        for (int m = 0; m < machines; m++) {
            neighborhood[m] = (int) in.index("neighborhood of machine " + m, Integer.MAX_VALUE);
            location[m] = (int) in.index("location of machine " + m, Integer.MAX_VALUE);
            for (int r = 0; r < resources; r++) {
                capacity[m][r] = in.nonNegative("capacity of machine " + m);
            }
            for (int r = 0; r < resources; r++) {
                safety[m][r] = in.nonNegative("safety capacity of machine " + m);
            }
            for (int to = 0; to < machines; to++) {
                moveCost[m][to] = in.nonNegative("move cost of machine " + m);
            }
        }
        int services = in.count("services");
        int[] spreadMin = new int[services];
        int[][] dependencies = new int[services][];
        for (int s = 0; s < services; s++) {
            spreadMin[s] = (int) in.nonNegative("spread min of service " + s);
            dependencies[s] = new int[in.count("dependencies of service " + s)];
            for (int d = 0; d < dependencies[s].length; d++) {
                dependencies[s][d] = (int) in.index("dependency of service " + s, services);
            }
        }
        int processes = in.count("processes");
        int[] serviceOf = new int[processes];
        long[][] requirement = new long[processes][resources];
        long[] processMoveCost = new long[processes];
        for (int p = 0; p < processes; p++) {
            serviceOf[p] = (int) in.index("service of process " + p, services);
            for (int r = 0; r < resources; r++) {
                requirement[p][r] = in.nonNegative("requirement of process " + p);
            }
            processMoveCost[p] = in.nonNegative("move cost of process " + p);
        }
        int balanceCount = in.count("balance objectives");
        List<MachineReassignment.Balance> balances = new ArrayList<>(balanceCount);
        for (int b = 0; b < balanceCount; b++) {
            int r1 = (int) in.index("resource 1 of balance " + b, resources);
            int r2 = (int) in.index("resource 2 of balance " + b, resources);
            long target = in.nonNegative("target of balance " + b);
            long weight = in.nonNegative("weight of balance " + b);
            balances.add(new MachineReassignment.Balance(r1, r2, target, weight));
        }
        long processMoveWeight = in.nonNegative("process move weight");
        long serviceMoveWeight = in.nonNegative("service move weight");
        long machineMoveWeight = in.nonNegative("machine move weight");
        in.end();
        return new MachineReassignment(transientResource, loadCostWeight, neighborhood, location, capacity, safety,
                moveCost, spreadMin, dependencies, serviceOf, requirement, processMoveCost, balances,
                processMoveWeight, serviceMoveWeight, machineMoveWeight);
    }

    public static Assignment parseAssignment(String text, String source, MachineReassignment instance) {
        Tokens in = new Tokens(text, source);
        int[] machines = new int[instance.processes()];
        for (int p = 0; p < machines.length; p++) {
            machines[p] = (int) in.index("machine of process " + p, instance.machines());
        }
        in.end();
        return Assignment.of(machines);
    }

    /** A cursor over the integers of a file, failing with the name of the value it expected. */
    private static final class Tokens {
        private final String text;
        private final String source;
        private int at;
        private int read;

        Tokens(String text, String source) {
            this.text = text;
            this.source = source;
        }

        long next(String what) {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
            int start = at;
            while (at < text.length() && !Character.isWhitespace(text.charAt(at))) {
                at++;
            }
            if (start == at) {
                throw new RoadefFormatException(source + ": ended before the " + what);
            }
            read++;
            String token = text.substring(start, at);
            try {
                return Long.parseLong(token);
            } catch (NumberFormatException e) {
                throw new RoadefFormatException(source + ": value " + read + " (" + what + ") is '" + token
                        + "', not an integer");
            }
        }

        long nonNegative(String what) {
            long value = next(what);
            if (value < 0) {
                throw new RoadefFormatException(source + ": value " + read + " (" + what + ") is negative");
            }
            return value;
        }

        int count(String what) {
            return (int) index("number of " + what, Integer.MAX_VALUE);
        }

        long index(String what, long bound) {
            long value = nonNegative(what);
            if (value >= bound) {
                throw new RoadefFormatException(source + ": value " + read + " (" + what + ") is " + value
                        + ", must be below " + bound);
            }
            return value;
        }

        boolean flag(String what) {
            long value = next(what);
            if (value != 0 && value != 1) {
                throw new RoadefFormatException(source + ": value " + read + " (" + what + ") must be 0 or 1");
            }
            return value == 1;
        }

        void end() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
            if (at < text.length()) {
                throw new RoadefFormatException(source + ": unexpected data after value " + read);
            }
        }
    }
}
