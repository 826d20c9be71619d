package dev.paddock.bench.placement;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paddock.json.Json;
import dev.paddock.model.Resources;
import dev.paddock.placement.packing.FitDecreasing;
import dev.paddock.placement.packing.Packing;
import dev.paddock.placement.packing.PackingProblem;
import dev.paddock.placement.packing.PerfectPacking;
import dev.paddock.placement.packing.PoolSearch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code ./paddock bench packing [--seconds 60] [--seed 1] [--sizes 1000,5000,10000] [--no-cp-sat] [--out
 * bench/results/packing.json]}: perfect-packing instances (1,000, 5,000 and 10,000 VMs, 4 resources, 8 VMs per host
 * on average, optimum known by construction); first-fit and best-fit decreasing, our pool search started from the
 * better of the two, and OR-Tools CP-SAT hinted with first fit, at equal time and threads: the budget each, two
 * threads each (ours runs two seeds side by side and keeps the better, CP-SAT runs two workers).
 */
public final class PackingBench {
    static final Resources HOST = Resources.of(64_000, 262_144, 4_000, 20_000);
    static final int THREADS = 2;
    /** CP-SAT's model size: complete up to this many item-bin booleans, a window around the hint beyond. */
    static final long CP_SAT_BOOLEANS = 200_000;
    static final double GOAL_RATIO = 1.01;

    record Settings(Duration budget, long seed, List<Integer> sizes, boolean cpSat, Path out) {}

    private PackingBench() {}

    static Settings parse(String[] args) {
        Duration budget = Duration.ofSeconds(60);
        long seed = 1;
        List<Integer> sizes = List.of(1_000, 5_000, 10_000);
        boolean cpSat = true;
        Path out = Path.of("bench/results/packing.json");
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--seconds" -> budget = Duration.ofSeconds(number(args[i], value));
                case "--seed" -> seed = number(args[i], value);
                case "--sizes" -> sizes = sizes(value);
                case "--out" -> out = Path.of(required(args[i], value));
                case "--no-cp-sat" -> cpSat = false;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            if (!args[i].equals("--no-cp-sat")) {
                i++;
            }
        }
        return new Settings(budget, seed, sizes, cpSat, out);
    }

    public static void main(String[] args) throws IOException, InterruptedException, ExecutionException {
        Settings settings = parse(args);
        ObjectNode metrics = Json.mapper().createObjectNode();
        metrics.put("seconds_per_run", settings.budget().toSeconds());
        metrics.put("threads", THREADS);
        ArrayNode rows = Json.mapper().createArrayNode();
        double worst = 0;
        boolean beatsBaselines = true;
        String cpSatTrouble = settings.cpSat() ? null : "not run (--no-cp-sat)";
        for (int vms : settings.sizes()) {
            PackingProblem problem = PerfectPacking.generate(vms, vms / 8, HOST, settings.seed());
            Packing ffd = FitDecreasing.FIRST_FIT.pack(problem);
            Packing bfd = FitDecreasing.BEST_FIT.pack(problem);
            Packing ours = ours(problem, bfd.bins() < ffd.bins() ? bfd : ffd, settings);
            if (!ours.isValidFor(problem)) {
                throw new IllegalStateException("invalid packing for " + vms + " VMs");
            }
            ObjectNode row = rows.addObject();
            row.put("vms", vms);
            row.put("optimum", problem.optimum());
            row.put("ffd", ffd.bins());
            row.put("bfd", bfd.bins());
            row.put("ours", ours.bins());
            row.put("ours_over_optimum", ratio(ours.bins(), problem.optimum()));
            worst = Math.max(worst, (double) ours.bins() / problem.optimum());
            beatsBaselines &= ours.bins() < ffd.bins();
            String cpSatText = "-";
            if (settings.cpSat()) {
                CpSatPacking.Result cpSat = CpSatPacking.solve(problem, ffd, settings.budget(), THREADS,
                        settings.seed(), CP_SAT_BOOLEANS);
                switch (cpSat) {
                    case CpSatPacking.Result.Solved solved -> {
                        if (!solved.packing().isValidFor(problem)) {
                            throw new IllegalStateException("CP-SAT returned an invalid packing for " + vms + " VMs");
                        }
                        row.put("cp_sat", solved.packing().bins());
                        row.put("cp_sat_over_optimum", ratio(solved.packing().bins(), problem.optimum()));
                        row.put("cp_sat_status", solved.status());
                        row.put("cp_sat_bound", solved.bound());
                        row.put("cp_sat_model", solved.model());
                        beatsBaselines &= ours.bins() < solved.packing().bins();
                        cpSatText = solved.packing().bins() + " (" + solved.status() + ")";
                    }
                    case CpSatPacking.Result.Failed failed -> {
                        row.putNull("cp_sat");
                        row.put("cp_sat_failure", failed.reason());
                        cpSatTrouble = failed.reason();
                        beatsBaselines = false;
                        cpSatText = "failed: " + failed.reason();
                    }
                }
            }
            System.out.printf("%,d VMs: optimum %d, FFD %d, BFD %d, ours %d, CP-SAT %s%n", vms, problem.optimum(),
                    ffd.bins(), bfd.bins(), ours.bins(), cpSatText);
        }
        metrics.put("worst_ratio_to_optimum", worst);
        metrics.put("fewer_hosts_than_ffd_and_cp_sat_everywhere", beatsBaselines);
        if (cpSatTrouble != null) {
            metrics.put("cp_sat", cpSatTrouble);
        }
        metrics.set("instances", rows);
        ObjectNode result = Json.mapper().createObjectNode();
        result.put("benchmark", "packing");
        result.put("date", Instant.now().toString());
        result.put("machine", PlacementBench.machine());
        result.set("metrics", metrics);
        ObjectNode goal = result.putObject("goal");
        goal.put("metric", "worst_ratio_to_optimum");
        goal.put("op", "<=");
        goal.put("value", GOAL_RATIO);
        result.put("met", worst <= GOAL_RATIO && beatsBaselines && settings.cpSat());
        Files.createDirectories(settings.out().toAbsolutePath().getParent());
        Json.mapper().writerWithDefaultPrettyPrinter().writeValue(settings.out().toFile(), result);
        System.out.println("paddock bench packing: wrote " + settings.out());
    }

    /** Our search on {@link #THREADS} threads, one seed each, the packing with fewer bins kept. */
    static Packing ours(PackingProblem problem, Packing start, Settings settings)
            throws InterruptedException, ExecutionException {
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Packing>> runs = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                long seed = settings.seed() + t;
                runs.add(threads.submit(() -> PoolSearch.improve(problem, start, settings.budget(), System::nanoTime, seed,
                        Long.MAX_VALUE)));
            }
            Packing best = null;
            for (Future<Packing> run : runs) {
                Packing packing = run.get();
                if (best == null || packing.bins() < best.bins()) {
                    best = packing;
                }
            }
            return best;
        } finally {
            threads.shutdownNow();
        }
    }

    private static double ratio(int bins, int optimum) {
        return Math.round(10_000.0 * bins / optimum) / 10_000.0;
    }

    private static long number(String option, String value) {
        try {
            return Long.parseLong(required(option, value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a number, not " + value);
        }
    }

    private static List<Integer> sizes(String value) {
        try {
            List<Integer> sizes = Arrays.stream(required("--sizes", value).split(",")).map(String::trim)
                    .map(Integer::parseInt).toList();
            for (int size : sizes) {
                if (size < 16) {
                    throw new IllegalArgumentException("--sizes: an instance needs at least 16 VMs, not " + size);
                }
            }
            return sizes;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--sizes takes VM counts separated by commas, not " + value);
        }
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
