package dev.paddock.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.libvirt.LibvirtHypervisor;
import dev.paddock.model.Host;
import dev.paddock.model.Room;
import dev.paddock.monitoring.Metric;
import dev.paddock.monitoring.Monitoring;
import dev.paddock.monitoring.Scope;
import dev.paddock.monitoring.ThresholdRule;
import dev.paddock.monitoring.UsageMeters;
import dev.paddock.notification.Notifier;
import dev.paddock.sim.ManualClock;
import dev.paddock.sim.ScaleRoom;
import dev.paddock.sim.SimulatedRoom;
import dev.paddock.store.Database;
import dev.paddock.store.InventoryStore;
import dev.paddock.store.JdbcAlarms;
import dev.paddock.store.JdbcInventoryStore;
import dev.paddock.store.JdbcThresholds;
import dev.paddock.store.StoreConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code ./paddock bench monitoring}, two figures in one result.
 *
 * <p>(1) What sampling costs the manager: 10,000 simulated VMs (on 500 simulated hosts) behind the real store (H2)
 * and the real monitoring round (bulk read of every host, rates, series, three thresholds judged), sampled every 10 s.
 * Ten minutes of it are 60 rounds; they run back to back on the simulated clock, and the process's CPU time for them
 * (every thread: JIT and GC included) is divided by the 600 s of wall time they stand for.
 *
 * <p>(2) What Paddock's libvirt calls cost beside libvirt's own client: one lab host with 20 guests, sampled every
 * second for a minute, each second once by the adapter (one bulk domain statistics call, the host's CPU and memory
 * statistics) and once by a long-lived {@code virsh} doing the same ({@code domstats}, {@code nodecpustats},
 * {@code nodememstats}), in turns; the ratio of their median times.
 */
final class MonitoringBenchmark implements BenchMain.Benchmark {

    private static final long SEED = 2017;
    private static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final String MARK = "paddock-bench-round-end";

    @Override
    public int run(String[] options) throws Exception {
        int vms = 10_000;
        int hosts = 500;
        int rounds = 60;
        int guests = 20;
        int seconds = 60;
        boolean lab = true;
        for (int i = 0; i < options.length; i++) {
            switch (options[i]) {
                case "--vms" -> vms = Integer.parseInt(options[++i]);
                case "--hosts" -> hosts = Integer.parseInt(options[++i]);
                case "--guests" -> guests = Integer.parseInt(options[++i]);
                case "--seconds" -> seconds = Integer.parseInt(options[++i]);
                case "--no-lab" -> lab = false;
                default -> throw new IllegalArgumentException("unknown option " + options[i]
                        + " (known: --vms N, --hosts N, --guests N, --seconds N, --no-lab)");
            }
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        sampling(metrics, hosts, vms, rounds);
        if (lab) {
            int guestCount = guests;
            int secondCount = seconds;
            LabShell.onLab(1, shared -> {
                againstVirsh(metrics, shared, guestCount, secondCount);
                return 0;
            });
        }
        metrics.put("definitions", Map.of(
                "sampling_core_share", "process CPU time (all threads) of " + rounds + " monitoring rounds of " + vms
                        + " simulated VMs on " + hosts + " hosts, run back to back after 5 warm-up rounds, divided by"
                        + " the " + rounds * INTERVAL.toSeconds() + " s of wall time they stand for at one round every"
                        + " " + INTERVAL.toSeconds() + " s; 0.05 is 5 % of one core",
                "libvirt_ratio", "median time of one sampling round of one lab host with its guests by Paddock's"
                        + " adapter, over the median of the same by a long-lived virsh (domstats, nodecpustats,"
                        + " nodememstats), taken in turns each second"));
        BenchResult result = BenchResult.of("monitoring", metrics,
                new BenchResult.Goal("sampling_core_share", "<=", 0.05));
        Path written = result.write(BenchMain.RESULTS);
        System.out.printf("sampling %d VMs every %d s costs %.4f of a core (goal <= 0.05, %s)%s; written to %s%n",
                vms, INTERVAL.toSeconds(), (double) metrics.get("sampling_core_share"),
                result.met() ? "met" : "not met", metrics.containsKey("libvirt_ratio")
                        ? String.format("; libvirt ratio %.3f (goal <= 1.10, %s)", metrics.get("libvirt_ratio"),
                                (boolean) metrics.get("libvirt_met") ? "met" : "not met") : "", written);
        return 0;
    }

    private static void sampling(Map<String, Object> metrics, int hosts, int vms, int rounds) throws IOException {
        ManualClock sim = ManualClock.atEpochOf2030();
        SimulatedRoom simulated = ScaleRoom.build(hosts, vms, SEED, sim);
        Room room = simulated.room();
        Path dir = Files.createTempDirectory("paddock-bench-monitoring");
        try (HikariDataSource dataSource = Database.open(StoreConfig.h2In(dir))) {
            InventoryStore store = new JdbcInventoryStore(dataSource);
            InventoryBenchmark.seed(store, room);
            for (Host host : room.hosts()) {
                simulated.hypervisor().attach(host.id(), host.uri());
            }
            Clock clock = clockOf(sim);
            JdbcThresholds thresholds = new JdbcThresholds(dataSource);
            Instant now = clock.instant();
            thresholds.put(new ThresholdRule("t1", "host-cpu", Metric.HOST_CPU, Scope.ALL,
                    ThresholdRule.Comparison.ABOVE, 90, Duration.ofMinutes(5), "bench", now));
            thresholds.put(new ThresholdRule("t2", "vm-cpu", Metric.VM_CPU, Scope.ALL,
                    ThresholdRule.Comparison.ABOVE, 95, Duration.ofMinutes(5), "bench", now));
            thresholds.put(new ThresholdRule("t3", "vm-heartbeat", Metric.VM_HEARTBEAT_AGE, Scope.ALL,
                    ThresholdRule.Comparison.ABOVE, 60, Duration.ZERO, "bench", now));
            try (Monitoring monitoring = new Monitoring(new Monitoring.Wiring(store::room, simulated.hypervisor(),
                    thresholds, new JdbcAlarms(dataSource), Notifier.NONE, clock), INTERVAL)) {
                PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                UsageMeters meters = new UsageMeters(monitoring.usage(), INTERVAL, clock, registry);
                for (int i = 0; i < 5; i++) {
                    sim.advance(INTERVAL);
                    monitoring.round();
                }
                ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                long process = processCpuNanos();
                long thread = threads.getCurrentThreadCpuTime();
                long wall = System.nanoTime();
                for (int i = 0; i < rounds; i++) {
                    sim.advance(INTERVAL);
                    monitoring.round();
                }
                long wallNanos = System.nanoTime() - wall;
                long threadNanos = threads.getCurrentThreadCpuTime() - thread;
                long processNanos = processCpuNanos() - process;
                long scrape = threads.getCurrentThreadCpuTime();
                int scrapeBytes = 0;
                for (int i = 0; i < rounds; i++) {
                    meters.refresh(store.room());
                    scrapeBytes = registry.scrape().length();
                }
                long scrapeNanos = threads.getCurrentThreadCpuTime() - scrape;
                double represented = rounds * (double) INTERVAL.toNanos();
                metrics.put("vms", vms);
                metrics.put("hosts", hosts);
                metrics.put("rounds", rounds);
                metrics.put("vms_sampled", monitoring.usage().size() - hosts);
                metrics.put("round_wall_ms", round(wallNanos / 1e6 / rounds, 1));
                metrics.put("round_cpu_ms", round(processNanos / 1e6 / rounds, 1));
                metrics.put("sampling_core_share", round(processNanos / represented, 4));
                metrics.put("sampling_thread_core_share", round(threadNanos / represented, 4));
                metrics.put("scrape_cpu_ms", round(scrapeNanos / 1e6 / rounds, 1));
                metrics.put("scrape_bytes", scrapeBytes);
                registry.close();
            }
        }
    }

    private static void againstVirsh(Map<String, Object> metrics, Path shared, int guests, int seconds)
            throws Exception {
        String uri = "qemu+tcp://10.77.0.1/system";
        List<String> uuids = new ArrayList<>();
        try (LibvirtHypervisor libvirt = new LibvirtHypervisor(LibvirtHypervisor.Settings.lab(shared.toString()))) {
            libvirt.attach("h1", uri);
            try {
                for (int i = 0; i < guests; i++) {
                    String uuid = UUID.randomUUID().toString();
                    libvirt.define("h1", DomainSpec.of(uuid, "sampled-" + i, 1, 128).withDirectBoot(
                            new DomainSpec.DirectBoot(shared.resolve("vmlinuz").toString(),
                                    shared.resolve("initrd.img").toString(), "console=ttyS0 quiet")));
                    libvirt.start("h1", uuid);
                    uuids.add(uuid);
                }
                Thread.sleep(20_000); // the guests boot (TCG) before the rounds are timed
                Process virsh = new ProcessBuilder("virsh", "-c", uri).redirectErrorStream(true).start();
                try (PrintWriter in = new PrintWriter(virsh.outputWriter(StandardCharsets.UTF_8), true);
                        BufferedReader out = new BufferedReader(new InputStreamReader(virsh.getInputStream(),
                                StandardCharsets.UTF_8))) {
                    virshRound(in, out); // connects and warms up the shell
                    libvirt.domainStats("h1");
                    double[] paddock = new double[seconds];
                    double[] raw = new double[seconds];
                    int domains = 0;
                    for (int s = 0; s < seconds; s++) {
                        long started = System.nanoTime();
                        boolean paddockFirst = s % 2 == 0;
                        if (paddockFirst) {
                            paddock[s] = paddockRound(libvirt);
                            raw[s] = virshRound(in, out);
                        } else {
                            raw[s] = virshRound(in, out);
                            paddock[s] = paddockRound(libvirt);
                        }
                        domains = libvirt.domainStats("h1").size();
                        long left = Duration.ofSeconds(1).toNanos() - (System.nanoTime() - started);
                        if (left > 0) {
                            Thread.sleep(Duration.ofNanos(left));
                        }
                    }
                    in.println("quit");
                    double paddockMedian = median(paddock);
                    double rawMedian = median(raw);
                    metrics.put("lab_guests_sampled", domains);
                    metrics.put("lab_seconds", seconds);
                    metrics.put("paddock_round_median_ms", round(paddockMedian, 2));
                    metrics.put("virsh_round_median_ms", round(rawMedian, 2));
                    metrics.put("libvirt_ratio", round(paddockMedian / rawMedian, 3));
                    metrics.put("libvirt_ratio_goal", 1.10);
                    metrics.put("libvirt_met", paddockMedian / rawMedian <= 1.10);
                } finally {
                    virsh.destroy();
                }
            } finally {
                for (String uuid : uuids) {
                    libvirt.destroy("h1", uuid);
                    libvirt.undefine("h1", uuid);
                }
            }
        }
    }

    /** One sampling round of the host as the monitoring loop does it; its time in ms. */
    private static double paddockRound(LibvirtHypervisor libvirt) {
        long started = System.nanoTime();
        libvirt.domainStats("h1");
        libvirt.hostStats("h1");
        return (System.nanoTime() - started) / 1e6;
    }

    /** The same through virsh's shell: its time in ms, to the end of the last command's output. */
    private static double virshRound(PrintWriter in, BufferedReader out) throws IOException {
        long started = System.nanoTime();
        in.println("domstats --raw");
        in.println("nodecpustats");
        in.println("nodememstats");
        in.println("echo " + MARK);
        String line;
        while ((line = out.readLine()) != null) {
            // the shell may repeat the command line it read ("virsh # echo ..."): only echo's own output ends a round
            if (line.strip().equals(MARK)) {
                return (System.nanoTime() - started) / 1e6;
            }
        }
        throw new IOException("virsh ended before the round did");
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }


    private static Clock clockOf(ManualClock sim) {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException("the simulated clock is UTC");
            }

            @Override
            public Instant instant() {
                return sim.now();
            }
        };
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
