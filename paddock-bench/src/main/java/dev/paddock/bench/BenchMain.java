package dev.paddock.bench;

import dev.paddock.bench.placement.PackingBench;
import dev.paddock.bench.placement.PlacementBench;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Entry point of {@code ./paddock bench NAME [options]}: runs one benchmark, or {@code report}. */
public final class BenchMain {

    /** A runnable benchmark: takes its options, writes its result under bench/results, returns an exit code. */
    interface Benchmark {
        int run(String[] options) throws Exception;
    }

    static final Path RESULTS = Path.of("bench", "results");

    private BenchMain() {}

    private static Map<String, Benchmark> benchmarks() {
        Map<String, Benchmark> all = new LinkedHashMap<>();
        all.put("inventory", new InventoryBenchmark());
        all.put("api", new ApiBenchmark());
        all.put("placement", options -> {
            PlacementBench.main(options);
            return 0;
        });
        all.put("migration", new MigrationBenchmark());
        all.put("failover", new FailoverBenchmark());
        all.put("evacuation", new EvacuationBenchmark());
        all.put("provision", new ProvisionBenchmark());
        all.put("backup", new BackupBenchmark());
        all.put("monitoring", new MonitoringBenchmark());
        all.put("balancing", new BalancingBenchmark());
        all.put("packing", options -> {
            PackingBench.main(options);
            return 0;
        });
        all.put("report", options -> {
            ReadmeTable.update(Path.of("README.md"), RESULTS);
            System.out.println("README.md benchmark table regenerated from " + RESULTS);
            return 0;
        });
        return all;
    }

    public static void main(String[] args) {
        Map<String, Benchmark> all = benchmarks();
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println("Usage: paddock bench NAME [OPTIONS]   (benchmarks: " + String.join(", ", all.keySet())
                    + ")\nEach writes bench/results/NAME.json; 'paddock bench report' regenerates the README table."
                    + "\nThe lab benchmarks (migration, failover, evacuation, provision, monitoring) need root; see paddock-bench/README.md for options.");
            System.exit(0);
        }
        if (args.length == 0 || !all.containsKey(args[0])) {
            System.err.println((args.length == 0 ? "paddock bench: name a benchmark" : "paddock bench: no benchmark named "
                    + args[0]) + "; known: " + String.join(", ", all.keySet()));
            System.exit(2);
        }
        try {
            System.exit(all.get(args[0]).run(Arrays.copyOfRange(args, 1, args.length)));
        } catch (IllegalArgumentException e) {
            System.err.println("paddock bench " + args[0] + ": " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            System.err.println("paddock bench " + args[0] + ": " + e.getMessage());
            System.exit(1);
        }
    }
}
