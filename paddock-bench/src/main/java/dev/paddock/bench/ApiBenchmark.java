package dev.paddock.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.json.Json;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.server.PaddockServer;
import dev.paddock.server.ServerConfig;
import dev.paddock.server.sim.RoomFile;
import dev.paddock.sim.ManualClock;
import dev.paddock.sim.ScaleRoom;
import dev.paddock.sim.SimulatedRoom;
import dev.paddock.store.Database;
import dev.paddock.store.InventoryStore;
import dev.paddock.store.JdbcInventoryStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ./paddock bench api}: what token authentication adds to a read of the API, {@code GET /api/v1/vms}.
 *
 * <p>One run starts the same server twice in this process, on loopback, each on its own H2 store seeded with the
 * same simulated room ({@code --vms} VMs on {@code --hosts} hosts, seed {@value #SEED}): one with authentication as
 * shipped (the request's bearer token is checked), one with authentication switched off
 * ({@link ServerConfig#withoutAuthenticationOnLoopback()}: every request served as the administrator's token). Both
 * get the same request, bearer header included, so the difference is the server's work alone.
 *
 * <p>The client is sequential, one kept-alive connection per server: the question is the latency one request pays,
 * and on a machine of two cores several client threads would measure the queue behind the cores (and the client's
 * own share of them) more than the server. After a warm-up of both (JIT, H2's caches), rounds of {@code --requests}
 * requests go to one server and then the other, the first alternating from round to round. The rounds are short
 * (20 requests, a few tens of milliseconds) so that whatever else the machine does, which on a shared machine comes
 * and goes over seconds, falls on both alike: with rounds of 500 requests, a first run's p99 moved with the load of
 * other processes more than with authentication. Percentiles are over every measured request of a server.
 */
final class ApiBenchmark implements BenchMain.Benchmark {

    private static final long SEED = 2015;
    private static final String PATH = "/api/v1/vms";
    static final double GOAL_P99_RATIO = 1.05;

    @Override
    public int run(String[] options) throws Exception {
        Options o = Options.parse(options);
        Path dir = Files.createTempDirectory("paddock-bench-api");
        double loadBefore = loadAverage();
        Latencies token;
        Latencies none;
        try (PaddockServer withToken = start(dir.resolve("token"), o, true);
                PaddockServer without = start(dir.resolve("none"), o, false)) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            Target a = new Target(client, withToken.url());
            Target b = new Target(client, without.url());
            int listed = a.listed();
            if (listed != b.listed()) {
                throw new IllegalStateException("the two servers list different VMs: " + listed + " and " + b.listed());
            }
            System.out.printf("both servers list %d VMs on the first page; warm-up of %d requests each%n", listed,
                    o.warmup);
            for (int i = 0; i < o.warmup; i++) {
                a.time();
                b.time();
            }
            double[] tokenMillis = new double[o.rounds * o.requests];
            double[] noneMillis = new double[o.rounds * o.requests];
            for (int round = 0; round < o.rounds; round++) {
                boolean tokenFirst = tokenFirst(round);
                measure(tokenFirst ? a : b, tokenFirst ? tokenMillis : noneMillis, round, o.requests);
                measure(tokenFirst ? b : a, tokenFirst ? noneMillis : tokenMillis, round, o.requests);
                if ((round + 1) % Math.max(1, o.rounds / 10) == 0) {
                    int done = (round + 1) * o.requests;
                    System.out.printf("round %d/%d: so far token p50 %.3f ms p99 %.3f ms, none p50 %.3f ms p99 %.3f"
                            + " ms%n", round + 1, o.rounds,
                            Latencies.of(Arrays.copyOf(tokenMillis, done)).percentile(50),
                            Latencies.of(Arrays.copyOf(tokenMillis, done)).percentile(99),
                            Latencies.of(Arrays.copyOf(noneMillis, done)).percentile(50),
                            Latencies.of(Arrays.copyOf(noneMillis, done)).percentile(99));
                }
            }
            token = Latencies.of(tokenMillis);
            none = Latencies.of(noneMillis);
        } finally {
            deleteTree(dir);
        }
        BenchResult result = BenchResult.of("api", metrics(o, token, none, loadBefore, loadAverage()),
                new BenchResult.Goal("p99_ratio", "<=", GOAL_P99_RATIO));
        Path file = result.write(BenchMain.RESULTS);
        System.out.println("wrote " + file + (result.met() ? " (goal met)" : " (goal NOT met)"));
        result.metrics().forEach((k, v) -> System.out.println("  " + k + " = " + v));
        return 0;
    }

    /** Whether the server with authentication goes first in {@code round}: every other round, from the first. */
    static boolean tokenFirst(int round) {
        return round % 2 == 0;
    }

    /** What the result file says of a run. */
    static Map<String, Object> metrics(Options o, Latencies token, Latencies none, double loadBefore,
            double loadAfter) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("vms", o.vms);
        metrics.put("hosts", o.hosts);
        metrics.put("rounds", o.rounds);
        metrics.put("requests_per_round", o.requests);
        metrics.put("requests_each", token.count());
        metrics.put("token_p50_ms", round3(token.percentile(50)));
        metrics.put("token_p99_ms", round3(token.percentile(99)));
        metrics.put("none_p50_ms", round3(none.percentile(50)));
        metrics.put("none_p99_ms", round3(none.percentile(99)));
        metrics.put("p50_ratio", round3(ratio(token.percentile(50), none.percentile(50))));
        metrics.put("p99_ratio", round3(ratio(token.percentile(99), none.percentile(99))));
        metrics.put("load_average_before", loadBefore);
        metrics.put("load_average_after", loadAfter);
        return metrics;
    }

    static double ratio(double token, double none) {
        if (none <= 0) {
            throw new IllegalArgumentException("a latency of " + none + " ms cannot be compared with");
        }
        return token / none;
    }

    private static double round3(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private static void measure(Target target, double[] into, int round, int requests) throws Exception {
        for (int i = 0; i < requests; i++) {
            into[round * requests + i] = target.time();
        }
    }

    /**
     * A server on {@code dir}'s own H2 store and simulated room, both seeded with the benchmark's room before it
     * starts, so that its first resync finds them in step.
     */
    private static PaddockServer start(Path dir, Options o, boolean authenticate) throws IOException {
        Files.createDirectories(dir);
        ServerConfig config = ServerConfig.inDirectory(dir, "127.0.0.1", 0, ServerConfig.Room.EMPTY)
                .withAdministratorToken(LabApi.TOKEN);
        SimulatedRoom simulated = ScaleRoom.build(o.hosts, o.vms, SEED, ManualClock.atEpochOf2030());
        RoomFile.keep(simulated.hypervisor(), dir.resolve("sim-room.json"));
        try (HikariDataSource dataSource = Database.open(config.jdbcUrl())) {
            seed(new JdbcInventoryStore(dataSource), simulated.room());
        }
        return PaddockServer.start(authenticate ? config : config.withoutAuthenticationOnLoopback());
    }

    private static void seed(InventoryStore store, Room room) {
        room.sites().forEach(store::put);
        room.clusters().forEach(store::put);
        room.networks().forEach(store::put);
        room.datastores().forEach(store::put);
        room.hosts().forEach(store::put);
        store.putAll(room.vms());
    }

    /** One server and the one request the benchmark sends it. */
    private record Target(HttpClient client, HttpRequest request) {
        Target(HttpClient client, URI base) {
            this(client, LabApi.authorized(HttpRequest.newBuilder(base.resolve(PATH)))
                    .timeout(Duration.ofSeconds(30)).GET().build());
        }

        /** The request's time in milliseconds, from sending to the whole answer read. */
        double time() throws Exception {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            double millis = (System.nanoTime() - t0) / 1e6;
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + PATH + " answered " + response.statusCode() + ": "
                        + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
            }
            return millis;
        }

        /** How many VMs the first page lists. */
        int listed() throws Exception {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + PATH + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            return Json.mapper().readTree(response.body()).path("items").size();
        }
    }

    /** Measured latencies in milliseconds; percentiles by the nearest-rank rule. */
    record Latencies(double[] sorted) {
        static Latencies of(double[] millis) {
            if (millis.length == 0) {
                throw new IllegalArgumentException("no latencies measured");
            }
            double[] sorted = millis.clone();
            Arrays.sort(sorted);
            return new Latencies(sorted);
        }

        /** The smallest latency that at least {@code p} percent of the requests took no longer than. */
        double percentile(double p) {
            if (p <= 0 || p > 100) {
                throw new IllegalArgumentException("a percentile is in (0, 100], not " + p);
            }
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return sorted[Math.max(1, rank) - 1];
        }

        int count() {
            return sorted.length;
        }
    }

    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    record Options(int hosts, int vms, int rounds, int requests, int warmup) {
        static Options parse(String[] args) {
            int hosts = 16;
            int vms = 200;
            int rounds = 500;
            int requests = 20;
            int warmup = 3_000;
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : "";
                switch (args[i]) {
                    case "--hosts" -> { hosts = BenchOptions.positive(args[i], value); i++; }
                    case "--vms" -> { vms = BenchOptions.positive(args[i], value); i++; }
                    case "--rounds" -> { rounds = BenchOptions.positive(args[i], value); i++; }
                    case "--requests" -> { requests = BenchOptions.positive(args[i], value); i++; }
                    case "--warmup" -> { warmup = BenchOptions.positive(args[i], value); i++; }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (known: --hosts N --vms N --rounds N --requests N --warmup N)");
                }
            }
            return new Options(hosts, vms, rounds, requests, warmup);
        }
    }
}
