package dev.paddock.bench.placement;

import com.google.ortools.Loader;
import com.google.ortools.sat.BoolVar;
import com.google.ortools.sat.CpModel;
import com.google.ortools.sat.CpSolver;
import com.google.ortools.sat.CpSolverStatus;
import com.google.ortools.sat.LinearExpr;
import com.google.ortools.sat.LinearExprBuilder;
import com.google.ortools.sat.Literal;
import dev.paddock.model.Resources;
import dev.paddock.placement.packing.Packing;
import dev.paddock.placement.packing.PackingProblem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The OR-Tools CP-SAT baseline of the packing benchmark: the textbook bin packing model. A boolean "used" per bin,
 * a boolean per item and candidate bin with exactly one true per item, per bin and resource the items' demand within
 * capacity times "used", minimise the bins used (at least the volume bound), every variable hinted with a greedy
 * packing (whose bins are the candidates).
 *
 * <p>When every item may go to every bin in at most {@code maxBooleans} booleans, the model is complete and its
 * symmetry is broken by using bins in order (used[b] >= used[b + 1]). Beyond that (5,000 VMs x 653 bins is 3.3
 * million booleans) each item may only go to a window of bins around its bin in the hint, as wide as the boolean
 * budget allows; the model is then a neighbourhood of the hint, not the whole problem, and {@link Result#model} says
 * so. The solver's time limit is the budget; building the model is not counted in it. Presolve is off: with it, on
 * these models CP-SAT spends most of a minute presolving (probing alone adds millions of clauses on 1,000 VMs) before
 * it reads the hint, and has no packing at all after ten seconds.
 */
final class CpSatPacking {
    /** What CP-SAT did: its packing and how the model was built, or why it could not run. */
    sealed interface Result {
        /** @param model how the model was reduced, for the benchmark's output */
        record Solved(Packing packing, String status, long bound, String model) implements Result {}

        record Failed(String reason) implements Result {}
    }

    private CpSatPacking() {}

    static Result solve(PackingProblem problem, Packing hint, Duration budget, int workers, long seed, long maxBooleans) {
        try {
            Loader.loadNativeLibraries();
        } catch (RuntimeException | LinkageError e) {
            return new Result.Failed("the OR-Tools native library did not load: " + e);
        }
        int n = problem.items().size();
        int bins = hint.bins();
        boolean complete = (long) n * bins <= maxBooleans;
        int half = complete ? bins : (int) Math.max(1, (maxBooleans / n - 1) / 2);

        CpModel model = new CpModel();
        BoolVar[] used = new BoolVar[bins];
        for (int b = 0; b < bins; b++) {
            used[b] = model.newBoolVar("used" + b);
            model.addHint(used[b], true);
        }
        List<List<Integer>> itemsOf = new ArrayList<>(bins);
        List<List<BoolVar>> varsOf = new ArrayList<>(bins);
        for (int b = 0; b < bins; b++) {
            itemsOf.add(new ArrayList<>());
            varsOf.add(new ArrayList<>());
        }
        BoolVar[][] in = new BoolVar[n][];
        int[] first = new int[n];
        long booleans = 0;
        for (int i = 0; i < n; i++) {
            int home = hint.binOf(i);
            first[i] = Math.max(0, home - half);
            int last = Math.min(bins - 1, home + half);
            in[i] = new BoolVar[last - first[i] + 1];
            for (int b = first[i]; b <= last; b++) {
                BoolVar x = model.newBoolVar("x" + i + "_" + b);
                in[i][b - first[i]] = x;
                model.addHint(x, b == home);
                itemsOf.get(b).add(i);
                varsOf.get(b).add(x);
            }
            booleans += in[i].length;
            model.addExactlyOne((Literal[]) in[i]);
        }
        for (int b = 0; b < bins; b++) {
            for (int d = 0; d < Resources.DIMENSIONS; d++) {
                LinearExprBuilder load = LinearExpr.newBuilder();
                for (int k = 0; k < itemsOf.get(b).size(); k++) {
                    long demand = problem.items().get(itemsOf.get(b).get(k)).get(d);
                    if (demand > 0) {
                        load.addTerm(varsOf.get(b).get(k), demand);
                    }
                }
                load.addTerm(used[b], -problem.binCapacity().get(d));
                model.addLessOrEqual(load, 0);
            }
            if (complete && b + 1 < bins) {
                model.addGreaterOrEqual(used[b], used[b + 1]);
            }
        }
        model.addGreaterOrEqual(LinearExpr.sum(used), problem.lowerBound());
        model.minimize(LinearExpr.sum(used));

        CpSolver solver = new CpSolver();
        solver.getParameters().setMaxTimeInSeconds(budget.toMillis() / 1000.0).setNumWorkers(workers)
                .setCpModelPresolve(false).setRandomSeed((int) seed);
        CpSolverStatus status = solver.solve(model);
        String description = complete
                ? "complete: %,d items x %,d bins = %,d booleans, used bins in order".formatted(n, bins, booleans)
                : ("window: each item only in the %d bins around its bin in the greedy hint (%,d booleans, "
                        + "not the %,d of the complete model)").formatted(2 * half + 1, booleans, (long) n * bins);
        if (status != CpSolverStatus.OPTIMAL && status != CpSolverStatus.FEASIBLE) {
            return new Result.Failed("CP-SAT found no packing (" + status + ") with the model " + description);
        }
        int[] binOf = new int[n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < in[i].length; k++) {
                if (solver.booleanValue(in[i][k])) {
                    binOf[i] = first[i] + k;
                }
            }
        }
        return new Result.Solved(Packing.of(binOf), status.name(), (long) Math.ceil(solver.bestObjectiveBound() - 1e-9),
                description);
    }
}
