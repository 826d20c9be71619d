package dev.paddock.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.audit.Oversight;
import dev.paddock.inventory.InventoryController;
import dev.paddock.inventory.InventoryReconciler;
import dev.paddock.model.Cluster;
import dev.paddock.model.Datastore;
import dev.paddock.model.Host;
import dev.paddock.model.Network;
import dev.paddock.model.Room;
import dev.paddock.model.Site;
import dev.paddock.model.Vm;
import dev.paddock.operation.OperationRunner;
import dev.paddock.server.PaddockServer;
import dev.paddock.sim.ManualClock;
import dev.paddock.sim.ScaleRoom;
import dev.paddock.sim.SimulatedRoom;
import dev.paddock.store.Database;
import dev.paddock.store.InventoryStore;
import dev.paddock.store.JdbcAlarms;
import dev.paddock.security.ServerKeys;
import dev.paddock.store.JdbcAuditLog;
import dev.paddock.store.JdbcInventoryStore;
import dev.paddock.store.JdbcOperationJournal;
import dev.paddock.store.KeyUses;
import dev.paddock.store.StoreConfig;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code ./paddock bench inventory}: a simulated room of 10,000 hosts and 100,000 VMs behind the real
 * store (H2, the default) and the real REST API.
 *
 * <p>Measures, in one run: the full resync (host by host: each host's domains against one indexed read
 * of the VMs placed there) against the obvious design that loads the whole inventory and diffs it (the
 * baseline); a resync after 1% of the VMs changed state behind Paddock's back;
 * {@code GET /api/v1/vms?offset&limit} latency percentiles; and the heap held per VM.
 */
final class InventoryBenchmark implements BenchMain.Benchmark {

    private static final long SEED = 2012;

    @Override
    public int run(String[] options) throws Exception {
        Options o = Options.parse(options);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("hosts", o.hosts);
        metrics.put("vms", o.vms);

        long heapBase = usedHeapAfterGc();
        SimulatedRoom simulated = ScaleRoom.build(o.hosts, o.vms, SEED, ManualClock.atEpochOf2030());
        long heapSim = usedHeapAfterGc();
        Room room = simulated.room();
        Path dir = Files.createTempDirectory("paddock-bench-inventory");
        try (HikariDataSource dataSource = Database.open(StoreConfig.h2In(dir))) {
            InventoryStore store = new JdbcInventoryStore(dataSource);
            long t0 = System.nanoTime();
            seed(store, room);
            metrics.put("seed_seconds", seconds(System.nanoTime() - t0));
            System.out.printf("seeded %,d hosts and %,d VMs in %.1f s%n", o.hosts, o.vms, seconds(System.nanoTime() - t0));
            for (Host host : room.hosts()) {
                simulated.hypervisor().attach(host.id(), host.uri());
            }
            try (InventoryController controller = new InventoryController(store, simulated.hypervisor(),
                    Duration.ofHours(1), change -> {})) {
                measureResync(controller, store, simulated, metrics, o);
            }
            long heapServer = usedHeapAfterGc();
            metrics.put("heap_bytes_per_vm_manager", (heapServer - heapSim) / Math.max(1, o.vms));
            metrics.put("heap_bytes_per_vm_simulator", (heapSim - heapBase) / Math.max(1, o.vms));
            try (OperationRunner runner = new OperationRunner(new JdbcOperationJournal(dataSource), store, simulated.hypervisor());
                    PaddockServer server = PaddockServer.start(
                            new PaddockServer.Parts(store, runner, simulated.hypervisor(),
                                    new Oversight(new JdbcAlarms(dataSource), JdbcAuditLog.keyed(dataSource,
                                            ServerKeys.open(dir.resolve("keys"), KeyUses.of(dataSource)))),
                                    PaddockServer.Security.open(dataSource, java.util.Optional.of(LabApi.TOKEN))
                                            .accounts(), List.of()), "127.0.0.1", 0)) {
                measurePages(server.url(), o, metrics);
            }
        } finally {
            deleteTree(dir);
        }
        BenchResult result = BenchResult.of("inventory", metrics,
                new BenchResult.Goal("resync_full_seconds", "<=", 10.0));
        Path file = result.write(BenchMain.RESULTS);
        System.out.println("wrote " + file + (result.met() ? " (goal met)" : " (goal NOT met)"));
        metrics.forEach((k, v) -> System.out.println("  " + k + " = " + v));
        return 0;
    }

    /** Writes a room into a store, its VMs in batches of 5,000. */
    static void seed(InventoryStore store, Room room) {
        room.sites().forEach(store::put);
        room.clusters().forEach(store::put);
        room.networks().forEach(store::put);
        room.datastores().forEach(store::put);
        room.hosts().forEach(store::put);
        List<Vm> batch = new ArrayList<>();
        for (Vm vm : room.vms()) {
            batch.add(vm);
            if (batch.size() == 5_000) {
                store.putAll(batch);
                batch.clear();
            }
        }
        store.putAll(batch);
    }

    private static void measureResync(InventoryController controller, InventoryStore store, SimulatedRoom simulated,
            Map<String, Object> metrics, Options o) {
        controller.resyncAll(); // warm-up: JIT and H2 caches
        double[] full = new double[o.repeats];
        for (int i = 0; i < o.repeats; i++) {
            InventoryController.ResyncReport report = controller.resyncAll();
            full[i] = seconds(report.took().toNanos());
            System.out.printf("full resync %d: %.2f s, %d changes%n", i + 1, full[i], report.changes());
        }
        long t0 = System.nanoTime();
        int baselineChanges = roomDiffResync(store, simulated.hypervisor());
        double baseline = seconds(System.nanoTime() - t0);
        if (baselineChanges != 0) {
            throw new IllegalStateException("the baseline found " + baselineChanges + " changes in a room in step");
        }
        System.out.printf("room-diff resync (baseline): %.2f s%n", baseline);

        // 1% of the VMs stop behind Paddock's back: the resync must find and record each of them.
        SplittableRandom random = new SplittableRandom(SEED);
        List<Vm> vms = new ArrayList<>(simulated.room().vms());
        int drift = Math.max(1, vms.size() / 100);
        for (int i = 0; i < drift; i++) {
            Vm vm = vms.get(random.nextInt(vms.size()));
            simulated.hypervisor().destroy(vm.hostId().orElseThrow(), vm.id());
        }
        InventoryController.ResyncReport drifted = controller.resyncAll();
        System.out.printf("resync after %d VMs stopped: %.2f s, %d changes%n", drift, seconds(drifted.took().toNanos()),
                drifted.changes());

        double median = median(full);
        metrics.put("resync_full_seconds", median);
        metrics.put("resync_room_diff_baseline_seconds", baseline);
        metrics.put("resync_speedup_vs_room_diff", baseline / median);
        metrics.put("resync_drift_seconds", seconds(drifted.took().toNanos()));
        metrics.put("resync_drift_changes", drifted.changes());
    }

    /**
     * The baseline: the obvious design, which loads the whole inventory through the paged listing, indexes
     * it, then compares every host's report with it. Returns the number of changes it would make (none,
     * in a room in step, so it writes nothing and its time is all reading and comparing).
     */
    private static int roomDiffResync(InventoryStore store, dev.paddock.hypervisor.Hypervisor hypervisor) {
        Map<String, List<Vm>> byHost = new java.util.HashMap<>();
        Map<String, Vm> byId = new java.util.HashMap<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int offset = 0; ; offset += 5_000) {
            List<Vm> page = store.vms(offset, 5_000).items();
            for (Vm vm : page) {
                byId.put(vm.id(), vm);
                names.add(vm.clusterId() + '/' + vm.name());
                vm.hostId().ifPresent(h -> byHost.computeIfAbsent(h, k -> new ArrayList<>()).add(vm));
            }
            if (page.size() < 5_000) {
                break;
            }
        }
        int changes = 0;
        for (Host host : store.hosts()) {
            changes += InventoryReconciler.reconcile(host, hypervisor.domains(host.id()),
                    byHost.getOrDefault(host.id(), List.of()), id -> java.util.Optional.ofNullable(byId.get(id)),
                    name -> names.contains(host.clusterId() + '/' + name)).size();
        }
        return changes;
    }

    private static void measurePages(URI base, Options o, Map<String, Object> metrics) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        SplittableRandom random = new SplittableRandom(SEED);
        int pages = Math.max(1, o.vms / o.pageSize);
        for (int i = 0; i < o.requests / 10; i++) {
            get(client, base, random.nextInt(pages) * o.pageSize, o.pageSize);
        }
        double[] millis = new double[o.requests];
        for (int i = 0; i < o.requests; i++) {
            long t0 = System.nanoTime();
            get(client, base, random.nextInt(pages) * o.pageSize, o.pageSize);
            millis[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(millis);
        metrics.put("vms_page_size", o.pageSize);
        metrics.put("vms_page_requests", o.requests);
        metrics.put("vms_page_p50_ms", percentile(millis, 50));
        metrics.put("vms_page_p99_ms", percentile(millis, 99));
        System.out.printf("GET /api/v1/vms?limit=%d: p50 %.2f ms, p99 %.2f ms over %d requests%n", o.pageSize,
                percentile(millis, 50), percentile(millis, 99), o.requests);
    }

    private static void get(HttpClient client, URI base, int offset, int limit) throws Exception {
        HttpRequest request = LabApi.authorized(HttpRequest.newBuilder(base.resolve("/api/v1/vms?offset=" + offset
                        + "&limit=" + limit)))
                .timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /api/v1/vms answered " + response.statusCode());
        }
    }

    private static double percentile(double[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double median(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy[copy.length / 2];
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private record Options(int hosts, int vms, int requests, int pageSize, int repeats) {
        static Options parse(String[] args) {
            int hosts = 10_000;
            int vms = 100_000;
            int requests = 2_000;
            int pageSize = 100;
            int repeats = 3;
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : "";
                switch (args[i]) {
                    case "--hosts" -> { hosts = BenchOptions.positive(args[i], value); i++; }
                    case "--vms" -> { vms = BenchOptions.positive(args[i], value); i++; }
                    case "--requests" -> { requests = BenchOptions.positive(args[i], value); i++; }
                    case "--page-size" -> { pageSize = BenchOptions.positive(args[i], value); i++; }
                    case "--repeats" -> { repeats = BenchOptions.positive(args[i], value); i++; }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (known: --hosts N --vms N --requests N --page-size N --repeats N)");
                }
            }
            return new Options(hosts, vms, requests, pageSize, repeats);
        }
    }
}
