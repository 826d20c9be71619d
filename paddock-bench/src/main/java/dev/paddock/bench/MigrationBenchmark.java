package dev.paddock.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.hypervisor.DomainBuilder;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.libvirt.LibvirtHypervisor;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import dev.paddock.operation.OperationRunner;
import dev.paddock.operation.OperationView;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import dev.paddock.store.Database;
import dev.paddock.store.InventoryStore;
import dev.paddock.store.JdbcInventoryStore;
import dev.paddock.store.JdbcOperationJournal;
import dev.paddock.store.StoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code paddock bench migration [--runs N]}: one small guest live-migrated back and forth between lab hosts h1 and
 * h2, N times by raw libvirt ({@code virsh migrate --live --p2p}) and N times by Paddock (an Operation with a
 * MigrateVm step, journaled by the operation runner, over the libvirt adapter), interleaved A B B A so that each
 * side gets both directions and the same drift. Downtime comes from the same source for both, the destination's
 * completed-job statistics: read by {@code virsh domjobinfo --completed} after a raw migration, and by the adapter
 * itself (which consumes them) after Paddock's, as its step log reports. Uses the lab that is up, or brings a 2-host lab up and down itself.
 *
 * <p>Goal: Paddock's median wall time at most 1.10 times raw libvirt's.
 */
final class MigrationBenchmark implements BenchMain.Benchmark {

    private static final Path OWNER = Path.of("/run/paddock-lab.owner");
    private static final Path OWN_LAB = Path.of("/var/tmp/paddock-lab-bench");
    private static final String NET = "10.77.0.";
    private static final Pattern DOWNTIME = Pattern.compile("Total downtime:\\s+(\\d+)\\s+ms");
    private static final Pattern STEP_DOWNTIME = Pattern.compile("downtime (\\d+) ms");
    private static final String NAME = "bench-migration";

    private enum Side { RAW, PADDOCK }

    private record Run(Side side, int from, int to, double wallMs, long downtimeMs) {}

    private record Measured(double wallMs, long downtimeMs) {}

    @Override
    public int run(String[] options) throws Exception {
        int runs = 10;
        for (int i = 0; i < options.length; i++) {
            if (options[i].equals("--runs") && i + 1 < options.length) {
                runs = Integer.parseInt(options[++i]);
            } else {
                throw new IllegalArgumentException("unknown option " + options[i] + " (known: --runs N)");
            }
        }
        Optional<Path> running = runningLab();
        Path labDir = running.orElse(OWN_LAB);
        if (running.isEmpty()) {
            LabShell.lab(labDir, "up", "2");
        }
        try {
            return measure(labDir.resolve("shared"), runs);
        } finally {
            if (running.isEmpty()) {
                LabShell.lab(labDir, "down");
            }
        }
    }

    private int measure(Path shared, int runs) throws Exception {
        Path dir = Files.createTempDirectory("paddock-bench-migration");
        String uuid = UUID.randomUUID().toString();
        LibvirtHypervisor.Settings settings = LibvirtHypervisor.Settings.lab(shared.toString());
        try (LibvirtHypervisor libvirt = new LibvirtHypervisor(settings);
                HikariDataSource dataSource = Database.open(StoreConfig.h2In(dir))) {
            libvirt.attach("h1", uri(1));
            libvirt.attach("h2", uri(2));
            InventoryStore store = new JdbcInventoryStore(dataSource);
            Vm vm = new Vm(uuid, NAME, "bench", Optional.of("h1"), Resources.of(1000, 128, 0, 0), VmState.RUNNING,
                    VmOrigin.MANAGED, "", 0, Set.of(), Set.of(), Set.of(), List.of(), List.of());
            DomainSpec guest = DomainBuilder.specOf(vm, Room.EMPTY).withDirectBoot(new DomainSpec.DirectBoot(
                    shared.resolve("vmlinuz").toString(), shared.resolve("initrd.img").toString(), "console=ttyS0 quiet"));
            store.put(vm);
            libvirt.define("h1", guest);
            libvirt.start("h1", uuid);
            Thread.sleep(5_000); // the guest is up and dirtying memory (its heartbeat) before the first move
            List<Run> results = new ArrayList<>();
            try (OperationRunner runner = new OperationRunner(new JdbcOperationJournal(dataSource), store, libvirt)) {
                runner.start();
                int at = 1;
                for (int i = 0; i < 2 * runs; i++) {
                    int to = at == 1 ? 2 : 1;
                    Side side = ((i / 2) % 2 == 0) == (i % 2 == 0) ? Side.RAW : Side.PADDOCK;
                    Measured measured = side == Side.RAW ? rawMigrate(at, to) : paddockMigrate(runner, uuid, at, to);
                    results.add(new Run(side, at, to, measured.wallMs(), measured.downtimeMs()));
                    System.out.printf("%2d %-7s h%d -> h%d  %7.1f ms  downtime %4d ms%n", i + 1, side, at, to,
                            measured.wallMs(), measured.downtimeMs());
                    at = to;
                }
                if (libvirt.domain("h" + at, uuid).map(d -> d.state() != VmState.RUNNING).orElse(true)) {
                    throw new IllegalStateException("the guest is not running on h" + at + " after the last migration");
                }
            } finally {
                for (String host : List.of("h1", "h2")) {
                    if (libvirt.domain(host, uuid).isPresent()) {
                        libvirt.destroy(host, uuid);
                        libvirt.undefine(host, uuid);
                    }
                }
            }
            return report(results, runs);
        }
    }

    private static int report(List<Run> results, int runs) throws IOException {
        double raw = median(results, Side.RAW, Run::wallMs);
        double paddock = median(results, Side.PADDOCK, Run::wallMs);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("runs_each", runs);
        metrics.put("raw_median_wall_ms", round(raw));
        metrics.put("paddock_median_wall_ms", round(paddock));
        metrics.put("wall_ratio", round(paddock / raw, 3));
        metrics.put("raw_median_downtime_ms", median(results, Side.RAW, r -> (double) r.downtimeMs()));
        metrics.put("paddock_median_downtime_ms", median(results, Side.PADDOCK, r -> (double) r.downtimeMs()));
        metrics.put("raw_max_wall_ms", round(max(results, Side.RAW)));
        metrics.put("paddock_max_wall_ms", round(max(results, Side.PADDOCK)));
        BenchResult result = BenchResult.of("migration", metrics, new BenchResult.Goal("wall_ratio", "<=", 1.10));
        Path written = result.write(BenchMain.RESULTS);
        System.out.printf("raw median %.0f ms, Paddock median %.0f ms: ratio %.3f (goal <= 1.10, %s); written to %s%n",
                raw, paddock, paddock / raw, result.met() ? "met" : "not met", written);
        return 0;
    }

    /** The baseline: what an administrator types. */
    private static Measured rawMigrate(int from, int to) throws IOException, InterruptedException {
        long started = System.nanoTime();
        LabShell.Output out = LabShell.command(List.of("virsh", "-c", uri(from), "migrate", "--live", "--p2p",
                "--unsafe", "--persistent",
                "--undefinesource", NAME, uri(to)));
        double wall = (System.nanoTime() - started) / 1e6;
        if (out.code() != 0) {
            throw new IllegalStateException("virsh migrate h" + from + " -> h" + to + ": " + out.text());
        }
        return new Measured(wall, downtime(to));
    }

    /** Paddock: a journaled operation of one MigrateVm step, from submit until the runner reports it final. */
    private static Measured paddockMigrate(OperationRunner runner, String uuid, int from, int to)
            throws InterruptedException {
        long started = System.nanoTime();
        OperationView submitted = runner.submit(new OperationPlan("vm.migrate", uuid, "bench",
                List.of(new Step.MigrateVm(uuid, "h" + from, "h" + to))));
        OperationView view = submitted;
        while (!view.state().isFinal()) {
            Thread.sleep(5);
            view = runner.get(submitted.id()).orElseThrow();
        }
        double wall = (System.nanoTime() - started) / 1e6;
        if (!view.state().name().equals("DONE")) {
            throw new IllegalStateException("Paddock migration h" + from + " -> h" + to + " ended " + view.state()
                    + ": " + view.error().orElse(""));
        }
        String log = view.steps().getFirst().log();
        Matcher matcher = STEP_DOWNTIME.matcher(log);
        if (!matcher.find()) {
            throw new IllegalStateException("no downtime in the migration step's log: " + log);
        }
        return new Measured(wall, Long.parseLong(matcher.group(1)));
    }

    private static long downtime(int host) throws IOException, InterruptedException {
        LabShell.Output out = LabShell.command(List.of("virsh", "-c", uri(host), "domjobinfo", NAME, "--completed"));
        Matcher matcher = DOWNTIME.matcher(out.text());
        if (!matcher.find()) {
            throw new IllegalStateException("no downtime in domjobinfo on h" + host + ": " + out.text());
        }
        return Long.parseLong(matcher.group(1));
    }

    private static String uri(int host) {
        return "qemu+tcp://" + NET + host + "/system";
    }

    /** The directory of the lab that is up, if one is. */
    private static Optional<Path> runningLab() throws IOException {
        if (!Files.exists(OWNER)) {
            return Optional.empty();
        }
        return Optional.of(Path.of(Files.readString(OWNER).strip()));
    }

    private interface Measure {
        double of(Run run);
    }

    private static double median(List<Run> runs, Side side, Measure measure) {
        double[] values = runs.stream().filter(r -> r.side() == side).mapToDouble(measure::of).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    private static double max(List<Run> runs, Side side) {
        return runs.stream().filter(r -> r.side() == side).mapToDouble(Run::wallMs).max().orElse(0);
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }
}
