package dev.paddock.bench.placement;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paddock.json.Json;
import dev.paddock.model.Resources;
import dev.paddock.placement.packing.PoolSearch;
import dev.paddock.placement.packing.FitDecreasing;
import dev.paddock.placement.packing.Packing;
import dev.paddock.placement.packing.PackingProblem;
import dev.paddock.placement.packing.PerfectPacking;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code ./paddock bench packing [--seconds 60] [--seed 1] [--out bench/results/packing.json]}: perfect-packing
 * instances (1,000, 5,000 and 10,000 VMs, 4 resources, 8 VMs per host on average, optimum known by construction);
 * first-fit and best-fit decreasing against our bin-emptying search started from the better of the two.
 */
public final class PackingBench {
    static final Resources HOST = Resources.of(64_000, 262_144, 4_000, 20_000);
    static final int[] SIZES = {1_000, 5_000, 10_000};

    private PackingBench() {}

    public static void main(String[] args) throws IOException {
        Duration budget = Duration.ofSeconds(60);
        long seed = 1;
        Path out = Path.of("bench/results/packing.json");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> budget = Duration.ofSeconds(Long.parseLong(args[++i]));
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        ObjectNode metrics = Json.mapper().createObjectNode();
        ArrayNode rows = metrics.putArray("instances");
        double worst = 0;
        boolean beatsGreedy = true;
        for (int vms : SIZES) {
            PackingProblem problem = PerfectPacking.generate(vms, vms / 8, HOST, seed);
            Packing ffd = FitDecreasing.FIRST_FIT.pack(problem);
            Packing bfd = FitDecreasing.BEST_FIT.pack(problem);
            Packing ours = PoolSearch.improve(problem, bfd.bins() < ffd.bins() ? bfd : ffd, budget, seed,
                    Long.MAX_VALUE);
            if (!ours.isValidFor(problem)) {
                throw new IllegalStateException("invalid packing for " + vms + " VMs");
            }
            ObjectNode row = rows.addObject();
            row.put("vms", vms);
            row.put("optimum", problem.optimum());
            row.put("ffd", ffd.bins());
            row.put("bfd", bfd.bins());
            row.put("ours", ours.bins());
            row.put("ours_over_optimum", (double) ours.bins() / problem.optimum());
            worst = Math.max(worst, (double) ours.bins() / problem.optimum());
            beatsGreedy &= ours.bins() < Math.min(ffd.bins(), bfd.bins());
            System.out.printf("%,d VMs: optimum %d, FFD %d, BFD %d, ours %d%n", vms, problem.optimum(), ffd.bins(),
                    bfd.bins(), ours.bins());
        }
        metrics.put("seconds_per_run", budget.toSeconds());
        metrics.put("worst_ratio_to_optimum", worst);
        metrics.put("fewer_hosts_than_ffd_and_bfd_everywhere", beatsGreedy);
        metrics.put("cp_sat", "not run: the OR-Tools baseline is not built yet");
        ObjectNode result = Json.mapper().createObjectNode();
        result.put("benchmark", "packing");
        result.put("date", Instant.now().toString());
        result.put("machine", PlacementBench.machine());
        result.set("metrics", metrics);
        ObjectNode goal = result.putObject("goal");
        goal.put("metric", "worst_ratio_to_optimum");
        goal.put("op", "<=");
        goal.put("value", 1.01);
        result.put("met", worst <= 1.01 && beatsGreedy);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Json.mapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), result);
        System.out.println("paddock bench packing: wrote " + out);
    }
}
