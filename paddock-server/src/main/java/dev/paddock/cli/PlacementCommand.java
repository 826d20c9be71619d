package dev.paddock.cli;

import dev.paddock.json.Json;
import dev.paddock.placement.roadef.Assignment;
import dev.paddock.placement.roadef.MachineReassignment;
import dev.paddock.placement.roadef.ReassignmentSolver;
import dev.paddock.placement.roadef.RoadefChecker;
import dev.paddock.placement.roadef.RoadefFormatException;
import dev.paddock.placement.roadef.RoadefScorer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code paddock placement solve}: the placement engine on a ROADEF/EURO 2012 machine-reassignment instance. */
@Command(name = "placement", description = "Run the placement engine on its own, without a server.",
        subcommands = PlacementCommand.Solve.class)
final class PlacementCommand implements Runnable {

    @Override
    public void run() {
        throw new CliException(ExitCode.USAGE, "Name a placement verb: paddock placement solve MODEL ASSIGNMENT.");
    }

    @Command(name = "solve", description = "Improve an assignment of a ROADEF/EURO 2012 instance and write the"
            + " solution in the challenge's format.")
    static final class Solve implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "MODEL", description = "The instance (model_*.txt).")
        private Path model;

        @Parameters(index = "1", paramLabel = "ASSIGNMENT", description = "The initial assignment (assignment_*.txt).")
        private Path assignment;

        @Option(names = "--seconds", defaultValue = "60", description = "Time budget (default ${DEFAULT-VALUE}).")
        private int seconds;

        @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
        private long seed;

        @Option(names = "--threads", defaultValue = "1", description = "Search threads, each with its own seed.")
        private int threads;

        @picocli.CommandLine.Spec
        private picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--out", paramLabel = "FILE",
                description = "Where to write the solution (default: solution_<instance>.txt beside the model).")
        private Path out;

        @Override
        public Integer call() {
            if (seconds < 1 || seconds > 86_400) {
                throw new CliException(ExitCode.USAGE, "--seconds must be between 1 and 86400.");
            }
            if (threads < 1 || threads > 64) {
                throw new CliException(ExitCode.USAGE, "--threads must be between 1 and 64.");
            }
            try {
                MachineReassignment instance = RoadefFiles.readModel(model);
                Assignment initial = RoadefFiles.readAssignment(assignment, instance);
                long before = RoadefScorer.score(instance, initial, initial).total();
                ReassignmentSolver.Solution solution;
                try (ExecutorService searches = Executors.newFixedThreadPool(threads)) {
                    solution = ReassignmentSolver.solve(instance, initial, new ReassignmentSolver.Options(
                            Duration.ofSeconds(seconds), seed, threads, Long.MAX_VALUE), System::nanoTime, searches);
                }
                if (!RoadefChecker.check(instance, initial, solution.assignment()).isEmpty()) {
                    throw new IllegalStateException("the solver returned an infeasible assignment");
                }
                Path target = out != null ? out : defaultOut();
                RoadefFiles.writeAssignment(target, solution.assignment());
                print(before, solution.cost().total(), target);
                return 0;
            } catch (RoadefFormatException e) {
                throw new CliException(ExitCode.REJECTED, e.getMessage());
            }
        }

        /** The costs and where the solution went: a sentence, or with {@code -o json} the same as an object. */
        private void print(long before, long after, Path target) {
            PaddockCommand root = PaddockCommand.of(spec);
            if (root.json()) {
                root.printJson(Json.mapper().valueToTree(new Result(model.toString(), before, after, seconds, seed,
                        threads, target.toString())));
                return;
            }
            root.out().printf("cost %,d -> %,d (%.2f%% lower) in %d s, seed %d; solution written to %s%n", before,
                    after, 100.0 * (before - after) / before, seconds, seed, target);
            root.out().flush();
        }

        /** What {@code placement solve -o json} prints. */
        record Result(String model, long costBefore, long costAfter, int seconds, long seed, int threads,
                String solution) {}

        private Path defaultOut() {
            String name = model.getFileName().toString().replaceFirst("^model_", "").replaceFirst("\\.txt$", "");
            Path dir = model.toAbsolutePath().getParent();
            return dir.resolve("solution_" + name + ".txt");
        }
    }
}
