package dev.paddock.bench.placement;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paddock.cli.RoadefFiles;
import dev.paddock.json.Json;
import dev.paddock.placement.roadef.Assignment;
import dev.paddock.placement.roadef.BestKnown;
import dev.paddock.placement.roadef.MachineReassignment;
import dev.paddock.placement.roadef.ReassignmentSolver;
import dev.paddock.placement.roadef.RoadefChecker;
import dev.paddock.placement.roadef.RoadefScorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code ./paddock bench placement [--seconds 60] [--instances a1_1,a2_3] [--data DIR] [--threads 1] [--seed 1]
 * [--no-timefold] [--out bench/results/placement.json]}: our solver and Timefold, same budget, one after the other
 * on every instance of ROADEF/EURO 2012 set A, against the original and best-known costs. Our solutions are written
 * in the challenge's format beside the results file (see {@link #solutionFile}).
 */
public final class PlacementBench {
    static final double GOAL_RATIO = 1.01;

    private PlacementBench() {}

    record Settings(Duration budget, List<String> instances, Path data, int threads, long seed, boolean timefold,
            Path out) {}

    public static void main(String[] args) throws IOException {
        Settings settings = parse(args);
        quietSolverLogs();
        ObjectNode metrics = Json.mapper().createObjectNode();
        ArrayNode rows = metrics.putArray("instances");
        double worstRatio = 0;
        boolean beatsTimefold = true;
        Files.createDirectories(solutionsDirectory(settings));
        for (String name : settings.instances()) {
            ObjectNode row = run(name, settings);
            rows.add(row);
            worstRatio = Math.max(worstRatio, row.get("ours_over_best_known").asDouble());
            if (settings.timefold()) {
                beatsTimefold &= row.get("ours").asLong() < row.get("timefold").asLong();
            }
        }
        metrics.put("seconds_per_run", settings.budget().toSeconds());
        metrics.put("threads", settings.threads());
        metrics.put("seed", settings.seed());
        metrics.put("worst_ratio_to_best_known", worstRatio);
        if (settings.timefold()) {
            metrics.put("lower_than_timefold_on_every_instance", beatsTimefold);
        }
        ObjectNode result = Json.mapper().createObjectNode();
        result.put("benchmark", "placement");
        result.put("date", Instant.now().toString());
        result.put("machine", machine());
        result.set("metrics", metrics);
        ObjectNode goal = result.putObject("goal");
        goal.put("metric", "worst_ratio_to_best_known");
        goal.put("op", "<=");
        goal.put("value", GOAL_RATIO);
        result.put("met", worstRatio <= GOAL_RATIO && beatsTimefold && settings.timefold());
        Files.createDirectories(settings.out().toAbsolutePath().getParent());
        Json.mapper().writerWithDefaultPrettyPrinter().writeValue(settings.out().toFile(), result);
        System.out.println("paddock bench placement: wrote " + settings.out());
    }

    private static ObjectNode run(String name, Settings settings) {
        MachineReassignment instance = RoadefFiles.readModel(settings.data().resolve("model_" + name + ".txt"));
        Assignment initial = RoadefFiles.readAssignment(
                settings.data().resolve("assignment_" + name + ".txt"), instance);
        long original = RoadefScorer.score(instance, initial, initial).total();
        long best = BestKnown.SET_A.get(name);
        ReassignmentSolver.Solution ours;
        try (ExecutorService threads = Executors.newFixedThreadPool(settings.threads())) {
            ours = ReassignmentSolver.solve(instance, initial, new ReassignmentSolver.Options(settings.budget(),
                    settings.seed(), settings.threads(), Long.MAX_VALUE), System::nanoTime, threads);
        }
        requireFeasible(name, "ours", instance, initial, ours.assignment());
        RoadefFiles.writeAssignment(solutionFile(settings, name), ours.assignment());
        long oursCost = ours.cost().total();
        ObjectNode row = Json.mapper().createObjectNode();
        row.put("instance", name);
        row.put("original", original);
        row.put("best_known", best);
        row.put("ours", oursCost);
        row.put("ours_over_best_known", over(oursCost, best));
        long qualification = BestKnown.QUALIFICATION_BEST.get(name);
        row.put("challenge_qualification_best", qualification);
        row.put("ours_over_challenge_qualification_best", over(oursCost, qualification));
        long winner = BestKnown.WINNER_300_S.get(name);
        row.put("challenge_winner_at_300_s", winner);
        row.put("ours_over_challenge_winner_at_300_s", over(oursCost, winner));
        row.put("ours_moves_tried", ours.movesTried());
        String line = String.format("%s original %,d best-known %,d ours %,d (%.4f×)", name, original, best,
                oursCost, over(oursCost, best));
        if (settings.timefold()) {
            Assignment timefold = TimefoldReassignment.solve(instance, initial, settings.budget(), settings.seed());
            boolean feasible = RoadefChecker.check(instance, initial, timefold).isEmpty();
            // An infeasible answer has no cost in the challenge; its start (feasible) is what it could hand back.
            long cost = feasible ? RoadefScorer.score(instance, initial, timefold).total() : original;
            row.put("timefold", cost);
            row.put("timefold_feasible", feasible);
            row.put("timefold_over_best_known", over(cost, best));
            line += String.format(" timefold %,d%s", cost, feasible ? "" : " (infeasible, start kept)");
        }
        System.out.println(line);
        return row;
    }

    /** A cost as a multiple of a yardstick, a yardstick of 0 counting as 1. */
    private static double over(long cost, long yardstick) {
        return (double) cost / Math.max(1, yardstick);
    }

    /**
     * Where our solution of {@code name} goes, in the challenge's format, next to the results file: anyone can check
     * its cost with the challenge's own checker.
     */
    static Path solutionFile(Settings settings, String name) {
        return solutionsDirectory(settings).resolve("solution_" + name + ".txt");
    }

    private static Path solutionsDirectory(Settings settings) {
        return settings.out().toAbsolutePath().resolveSibling("placement-solutions");
    }

    private static void requireFeasible(String name, String who, MachineReassignment instance, Assignment initial,
            Assignment solution) {
        var violations = RoadefChecker.check(instance, initial, solution);
        if (!violations.isEmpty()) {
            throw new IllegalStateException(who + " returned an infeasible solution on " + name + ": " + violations);
        }
    }

    static Settings parse(String[] args) {
        Duration budget = Duration.ofSeconds(60);
        List<String> instances = List.of("a1_1", "a1_2", "a1_3", "a1_4", "a1_5",
                "a2_1", "a2_2", "a2_3", "a2_4", "a2_5");
        String data = null;
        int threads = 1;
        long seed = 1;
        boolean timefold = true;
        Path out = Path.of("bench/results/placement.json");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> budget = Duration.ofSeconds(Long.parseLong(value(args, ++i)));
                case "--instances" -> instances = List.of(value(args, ++i).split(","));
                case "--data" -> data = value(args, ++i);
                case "--threads" -> threads = Integer.parseInt(value(args, ++i));
                case "--seed" -> seed = Long.parseLong(value(args, ++i));
                case "--no-timefold" -> timefold = false;
                case "--out" -> out = Path.of(value(args, ++i));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        for (String name : instances) {
            if (!BestKnown.SET_A.containsKey(name)) {
                throw new IllegalArgumentException("no set A instance named " + name);
            }
        }
        return new Settings(budget, new ArrayList<>(instances), setA(data), threads, seed, timefold, out);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    /** The directory of set A: {@code --data}, else {@code PADDOCK_ROADEF_DIR}, else the repository's data/. */
    static Path setA(String override) {
        if (override != null) {
            return Path.of(override);
        }
        String env = System.getenv("PADDOCK_ROADEF_DIR");
        if (env != null) {
            return Path.of(env);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("data/roadef2012/A");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("set A of ROADEF 2012 not found; pass --data DIR or set PADDOCK_ROADEF_DIR");
    }

    /** Timefold logs every step at debug level; the benchmark prints its own one line per instance. */
    private static void quietSolverLogs() {
        if (org.slf4j.LoggerFactory.getLogger("ai.timefold") instanceof ch.qos.logback.classic.Logger logger) {
            logger.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    static String machine() {
        return dev.paddock.bench.BenchResult.machineDescription();
    }
}
