package dev.paddock.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import dev.paddock.model.Disk;
import dev.paddock.model.Resources;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.OperationView;
import dev.paddock.operation.plan.Step;
import dev.paddock.server.PaddockServer;
import dev.paddock.server.ServerConfig;
import dev.paddock.hypervisor.DomainBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code paddock bench failover [--runs N] [--vms N]}: a real Paddock server with the default HA settings
 * (detection window 10 s) over a 3-host lab, each host fenced by fence_ipmilan against its BMC; N protected VMs
 * with qcow2 disks on the shared datastore run on h1. h1 fails in two ways, N runs each, alternating:
 * <ul>
 *   <li>power loss: its BMC powers it off (the BMC then reports it off, so HA judges it dead at once);</li>
 *   <li>hung host: every process of its namespace (libvirtd, virtlockd, QEMU) is stopped with SIGSTOP: the
 *       network goes silent while the BMC still answers "on", so HA waits out the detection window, then fences
 *       it through the BMC, whose power-off SIGKILLs the stopped processes.</li>
 * </ul>
 * Each run measures from the fault: control plane (to the failover operation's parallel start step done: every
 * protected VM's start call returned; guest boot excluded), split into detect (fault to the fence decided), fence
 * (decided to the fence step done) and restart operation (fence done to the start step done), and end to end
 * (to the last guest beating on its new host). Between runs h1 is powered on again and the VMs are live-migrated
 * back to it. Uses the lab that is up, or brings a 3-host lab up and down itself.
 *
 * <p>Goals: control plane median at most 1.5 s for a power loss (the result file's goal), and at most the
 * detection window + 3 s for a hung host (its own met flag among the metrics).
 */
final class FailoverBenchmark implements BenchMain.Benchmark {

    private static final Pattern HEARTBEAT = Pattern.compile("heartbeat (\\d+)");
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    /** The lab BMC acts before it answers, so fence_ipmilan needs no pause before its confirming status. */
    private static final Map<String, String> FENCE_OPTIONS = Map.of("username", "admin", "password", "password",
            "lanplus", "1", "power_wait", "0", "power_timeout", "5");

    /** How h1 fails, and the name its metrics carry. */
    enum Mode {
        POWER_LOSS("power_loss"),
        HUNG_HOST("hung_host");

        final String key;

        Mode(String key) {
            this.key = key;
        }
    }

    private static final int WINDOW_S = 10;
    private static final double POWER_LOSS_GOAL_MS = 1_500;
    private static final double HUNG_HOST_GOAL_MS = WINDOW_S * 1_000 + 3_000;

    /**
     * One failover, from the fault: detect = to the fence decided (HA's audit); fence = decided to the failover's
     * fence step done; operation = fence done to its start step done (every VM's start call returned, the starts
     * run in parallel); control plane = the three; end to end = to the last guest beating on its new host.
     */
    private record Run(double controlPlaneMs, double endToEndMs, double detectMs, double fenceMs,
            double operationMs, double startFloorMs) {
        Run withStartFloor(double floorMs) {
            return new Run(controlPlaneMs, endToEndMs, detectMs, fenceMs, operationMs, floorMs);
        }

        /** What Paddock adds to libvirt's own start time: detection, fencing and the operation's machinery. */
        double overheadMs() {
            return controlPlaneMs - startFloorMs;
        }
    }

    private LabApi api;

    @Override
    public int run(String[] options) throws Exception {
        LabApi.RunsAndVms asked = LabApi.RunsAndVms.parse(options, 5, 3);
        return LabShell.onLab(3, shared -> measure(shared, asked.runs(), asked.vms()));
    }

    private int measure(Path shared, int runs, int count) throws Exception {
        Path dir = Files.createTempDirectory("paddock-bench-failover");
        try (PaddockServer server = PaddockServer.start(LabApi.secured(ServerConfig.inDirectory(dir, "127.0.0.1", 0,
                ServerConfig.Room.EMPTY).withLibvirtSharedDirectory(shared)))) {
            api = new LabApi(server.url());
            LabApi.Registered lab = api.register();
            String cluster = lab.cluster();
            List<String> hosts = lab.hosts();
            String datastore = lab.datastore();
            api.send("PUT", "/api/v1/clusters/" + cluster + "/ha", "{\"enabled\":true}", 200);
            for (int n = 1; n <= 3; n++) {
                Map<String, String> fence = new LinkedHashMap<>(FENCE_OPTIONS);
                fence.put("ip", "10.78.0." + n);
                api.send("PUT", "/api/v1/hosts/" + hosts.get(n - 1) + "/fence",
                        "{\"agent\":\"fence_ipmilan\",\"options\":" + Json.mapper().writeValueAsString(fence) + "}", 200);
            }
            String h1 = hosts.getFirst();
            List<Seeded> seeded = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                seeded.add(seed(server.parts(), shared, cluster, datastore, h1, "failover-" + (i + 1), count - i));
            }
            Map<Mode, List<Run>> results = new java.util.EnumMap<>(Mode.class);
            for (int r = 1; r <= runs; r++) {
                for (Mode mode : Mode.values()) {
                    Run run = once(server, seeded, h1, mode).withStartFloor(startFloor(server, seeded, h1));
                    results.computeIfAbsent(mode, m -> new ArrayList<>()).add(run);
                    System.out.printf("%d %-10s control plane %6.0f ms (detect %6.0f, fence %5.0f, restart operation"
                            + " %5.0f)  end-to-end %7.0f ms; libvirt's own starts %5.0f ms%n", r, mode.key,
                            run.controlPlaneMs(), run.detectMs(), run.fenceMs(), run.operationMs(), run.endToEndMs(),
                            run.startFloorMs());
                    revive(server, seeded, h1);
                }
            }
            for (Seeded vm : seeded) {
                api.send("DELETE", "/api/v1/vms/" + vm.id() + "?force=true", null, 202);
            }
            LabApi.await("the VMs deleted", DEADLINE,
                    () -> seeded.stream().allMatch(vm -> api.status("/api/v1/vms/" + vm.id()) == 404));
            return report(results, count);
        }
    }

    /**
     * A protected VM, and its double: the same definition under another UUID and name with a disk of its own, never
     * recorded in Paddock, for timing libvirt's starts without Paddock.
     */
    private record Seeded(String id, Path disk, dev.paddock.hypervisor.DomainSpec twin) {}

    /**
     * The same starts without Paddock, in the same conditions: each VM's twin defined where the failover restarted
     * the VM (h1 still off, the restarted guests running), all started at once straight through libvirt; the time
     * until the last start call returns. Libvirt's start is the floor no failover can go below: on these machines
     * QEMU under TCG and libvirt's checks of the guest CPU take most of a second of CPU per domain.
     */
    private static double startFloor(PaddockServer server, List<Seeded> vms, String h1) throws Exception {
        var hypervisor = server.parts().hypervisor();
        Map<Seeded, String> placed = new LinkedHashMap<>();
        for (Seeded vm : vms) {
            String host = LabApi.runningOn(server, vm.id()).filter(h -> !h.equals(h1)).orElseThrow(
                    () -> new IllegalStateException(vm.id() + " runs on no other host after the failover"));
            hypervisor.define(host, vm.twin());
            placed.put(vm, host);
        }
        long started = System.nanoTime();
        try (var threads = java.util.concurrent.Executors.newThreadPerTaskExecutor(Thread.ofPlatform().factory())) {
            List<java.util.concurrent.Future<?>> starts = new ArrayList<>();
            placed.forEach((vm, host) -> starts.add(threads.submit(() -> hypervisor.start(host, vm.twin().uuid()))));
            for (var start : starts) {
                start.get();
            }
        }
        double floor = (System.nanoTime() - started) / 1e6;
        placed.forEach((vm, host) -> {
            hypervisor.destroy(host, vm.twin().uuid());
            hypervisor.undefine(host, vm.twin().uuid());
        });
        return floor;
    }

    /** h1 fails in {@code mode}; until every VM's guest beats on another host. */
    private Run once(PaddockServer server, List<Seeded> vms, String h1, Mode mode) throws Exception {
        // a clean start: every host connected and healthy (a migration under load can drop a keepalive for a moment)
        LabApi.await("every host connected and healthy", DEADLINE, () -> {
            for (var host : server.parts().store().hosts()) {
                if (!server.parts().hypervisor().isConnected(host.id()) || !api.haHealth(host.id()).equals("HEALTHY")
                        || host.state() != dev.paddock.model.HostState.CONNECTED) {
                    return false;
                }
            }
            return true;
        });
        for (Seeded vm : vms) {
            LabApi.await("the guest of " + vm.id() + " beating on h1", DEADLINE,
                    () -> LabApi.runningOn(server, vm.id()).equals(Optional.of(h1))
                    && heartbeat(vm.disk()).orElse(0) >= 2);
        }
        Instant killed = Instant.now();
        long started = System.nanoTime();
        switch (mode) {
            case POWER_LOSS -> power("off");
            case HUNG_HOST -> freeze("h1");
        }
        Map<String, Long> atRestart = new LinkedHashMap<>();
        Map<String, Long> beating = new LinkedHashMap<>();
        long deadline = started + DEADLINE.toNanos();
        while (beating.size() < vms.size()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the VMs of h1 did not all run elsewhere within " + DEADLINE);
            }
            for (Seeded vm : vms) {
                if (beating.containsKey(vm.id())) {
                    continue;
                }
                if (!atRestart.containsKey(vm.id())) {
                    if (runsElsewhere(server, vm.id(), h1)) {
                        atRestart.put(vm.id(), heartbeat(vm.disk()).orElse(-1));
                    }
                } else if (heartbeat(vm.disk()).orElse(atRestart.get(vm.id())) != atRestart.get(vm.id())) {
                    beating.put(vm.id(), System.nanoTime());
                }
            }
            Thread.sleep(50);
        }
        double endToEnd = (beating.values().stream().mapToLong(Long::longValue).max().orElseThrow() - started) / 1e6;
        Instant decided = auditAt("ha.host.fencing", h1, killed);
        // the failover that restarted the VMs: its first step fenced h1, its last one started them all
        OperationView failover = server.parts().operations().list(0, 20).items().stream()
                .filter(op -> op.kind().equals("host.failover") && op.created().isAfter(killed)
                        && op.state().name().equals("DONE") && op.steps().size() > 1
                        && op.steps().getFirst().description().startsWith("fence host"))
                .reduce((newer, older) -> older)
                .orElseThrow(() -> new IllegalStateException("no failover operation fenced h1 and restarted its VMs"));
        for (OperationView.StepView step : failover.steps()) {
            System.out.printf("   step %d %5.0f ms  %s%n", step.index() + 1,
                    millis(step.started().orElseThrow(), step.finished().orElseThrow()), step.description());
        }
        Instant fenced = failover.steps().getFirst().finished().orElseThrow();
        Instant startsReturned = failover.steps().getLast().finished().orElseThrow();
        double detect = millis(killed, decided);
        double fence = millis(decided, fenced);
        double operation = millis(fenced, startsReturned);
        return new Run(millis(killed, startsReturned), endToEnd, detect, fence, operation, 0);
    }

    private static double millis(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    /**
     * Hangs a lab host: SIGSTOP to every process of its network namespace. Its BMC (another namespace) still
     * answers and reports it on; its power-off SIGKILLs them, which a stopped process does not resist.
     */
    private static void freeze(String host) throws IOException, InterruptedException {
        LabShell.Output pids = LabShell.command(List.of("ip", "netns", "pids", host));
        List<String> command = new ArrayList<>(List.of("kill", "-STOP"));
        for (String pid : pids.text().split("\\s+")) {
            if (pid.matches("\\d+")) {
                command.add(pid);
            }
        }
        if (pids.code() != 0 || command.size() == 2) {
            throw new IllegalStateException("no process to stop in namespace " + host + ": " + pids.text());
        }
        LabShell.Output stopped = LabShell.command(command);
        if (stopped.code() != 0) {
            throw new IllegalStateException("kill -STOP of " + host + "'s processes: " + stopped.text());
        }
    }

    private static boolean runsElsewhere(PaddockServer server, String vmId, String failed) {
        for (var host : server.parts().store().hosts()) {
            if (host.id().equals(failed)) {
                continue;
            }
            try {
                if (server.parts().hypervisor().domain(host.id(), vmId)
                        .filter(d -> d.state() == VmState.RUNNING).isPresent()) {
                    return true;
                }
            } catch (RuntimeException unreachable) {
                // a host that does not answer runs nothing we can see
            }
        }
        return false;
    }

    /** h1 on again, healthy for HA, and its VMs live-migrated back to it. */
    private void revive(PaddockServer server, List<Seeded> vms, String h1) throws Exception {
        power("on");
        LabApi.await("h1 healthy again", DEADLINE, () -> api.haHealth(h1).equals("HEALTHY")
                && server.parts().hypervisor().isConnected(h1));
        for (Seeded vm : vms) {
            // where libvirt runs it: the inventory may still hold the stale definition h1 had when it came back
            String at = LabApi.runningOn(server, vm.id()).orElseThrow(
                    () -> new IllegalStateException(vm.id() + " runs nowhere after the failover"));
            if (at.equals(h1)) {
                continue;
            }
            OperationView moved = LabApi.settle(server.parts(), server.parts().operations().submit(
                    new OperationPlan("vm.migrate", vm.id(), "bench", List.of(new Step.MigrateVm(vm.id(), at, h1)))),
                    DEADLINE);
            if (!moved.state().name().equals("DONE")) {
                throw new IllegalStateException("moving " + vm.id() + " back to h1: " + moved.error().orElse(""));
            }
        }
    }

    private static Seeded seed(PaddockServer.Parts parts, Path shared, String cluster, String datastore, String host,
            String name, int priority) throws Exception {
        LabApi.Seeded vm = LabApi.seed(parts, shared, cluster, datastore, host, name, priority, 500);
        Vm twin = new Vm(UUID.randomUUID().toString(), name + "-twin", cluster, Optional.of(host),
                Resources.of(500, 128, 0, 0), VmState.STOPPED, VmOrigin.MANAGED, "", 0, Set.of(), Set.of(), Set.of(),
                List.of(new Disk("root", datastore, 1)), List.of());
        LabApi.qcow2(shared, datastore, twin.name());
        return new Seeded(vm.id(), vm.disk(), DomainBuilder.specOf(twin, parts.store().room()));
    }

    private static int report(Map<Mode, List<Run>> byMode, int vms) throws IOException {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("runs_per_mode", byMode.get(Mode.POWER_LOSS).size());
        metrics.put("protected_vms", vms);
        metrics.put("detection_window_s", WINDOW_S);
        for (Mode mode : Mode.values()) {
            List<Run> runs = byMode.get(mode);
            String m = mode.key + "_";
            metrics.put(m + "control_plane_median_ms", round(median(runs, Run::controlPlaneMs)));
            metrics.put(m + "control_plane_min_ms", round(min(runs, Run::controlPlaneMs)));
            metrics.put(m + "control_plane_max_ms", round(max(runs, Run::controlPlaneMs)));
            metrics.put(m + "detect_median_ms", round(median(runs, Run::detectMs)));
            metrics.put(m + "fence_median_ms", round(median(runs, Run::fenceMs)));
            metrics.put(m + "restart_operation_median_ms", round(median(runs, Run::operationMs)));
            metrics.put(m + "end_to_end_median_ms", round(median(runs, Run::endToEndMs)));
            metrics.put(m + "libvirt_start_floor_median_ms", round(median(runs, Run::startFloorMs)));
            metrics.put(m + "overhead_over_floor_median_ms", round(median(runs, Run::overheadMs)));
        }
        double hung = median(byMode.get(Mode.HUNG_HOST), Run::controlPlaneMs);
        metrics.put("power_loss_goal_ms", round(POWER_LOSS_GOAL_MS));
        metrics.put("power_loss_met", median(byMode.get(Mode.POWER_LOSS), Run::controlPlaneMs) <= POWER_LOSS_GOAL_MS);
        metrics.put("hung_host_goal_ms", round(HUNG_HOST_GOAL_MS));
        metrics.put("hung_host_met", hung <= HUNG_HOST_GOAL_MS);
        BenchResult result = BenchResult.of("failover", metrics,
                new BenchResult.Goal("power_loss_control_plane_median_ms", "<=", POWER_LOSS_GOAL_MS));
        Path written = result.write(BenchMain.RESULTS);
        System.out.printf("control plane median: power loss %.0f ms (goal <= %.0f, %s), hung host %.0f ms (goal <= %.0f,"
                + " %s); written to %s%n", median(byMode.get(Mode.POWER_LOSS), Run::controlPlaneMs), POWER_LOSS_GOAL_MS,
                result.met() ? "met" : "not met", hung, HUNG_HOST_GOAL_MS, hung <= HUNG_HOST_GOAL_MS ? "met" : "not met",
                written);
        return 0;
    }

    // ---- lab, audit and HTTP --------------------------------------------------------------------

    private static void power(String action) throws IOException, InterruptedException {
        LabShell.Output out = LabShell.command(List.of("ipmitool", "-I", "lanplus", "-H", "10.78.0.1", "-U", "admin",
                "-P", "password",
                "chassis", "power", action));
        if (out.code() != 0) {
            throw new IllegalStateException("power " + action + " of h1 through its BMC: " + out.text());
        }
    }

    /** The guest's heartbeat counter on sector 0 of its disk (read while the guest runs: -U). */
    private static OptionalLong heartbeat(Path disk) throws IOException, InterruptedException {
        LabShell.Output read = LabShell.command(List.of("qemu-io", "-U", "-r", "-f", "qcow2", "-c", "read -v 0 32",
                disk.toString()));
        if (read.code() != 0) {
            return OptionalLong.empty();
        }
        StringBuilder bytes = new StringBuilder();
        for (String line : read.text().split("\n")) {
            int colon = line.indexOf(':');
            if (line.startsWith("000000") && colon > 0) {
                String hex = line.substring(colon + 1, Math.min(line.length(), colon + 1 + 50)).replace(" ", "");
                bytes.append(new String(HexFormat.of().parseHex(hex), StandardCharsets.US_ASCII));
            }
        }
        Matcher matcher = HEARTBEAT.matcher(bytes);
        return matcher.find() ? OptionalLong.of(Long.parseLong(matcher.group(1))) : OptionalLong.empty();
    }

    /** When HA audited {@code action} for the host, the first time after {@code since}. */
    private Instant auditAt(String action, String hostId, Instant since) throws Exception {
        JsonNode events = Json.mapper().readTree(api.send("GET", "/api/v1/ha/events?limit=500", null, 200));
        Instant first = null;
        for (JsonNode event : events.get("items")) {
            if (event.path("action").asText().equals(action) && event.path("subjectId").asText().equals(hostId)) {
                Instant at = instant(event.get("at"));
                if (at.isAfter(since) && (first == null || at.isBefore(first))) {
                    first = at;
                }
            }
        }
        if (first == null) {
            throw new IllegalStateException("no " + action + " for h1 in HA's audit after " + since);
        }
        return first;
    }

    private static Instant instant(JsonNode at) {
        if (at.isNumber()) {
            double seconds = at.asDouble();
            return Instant.ofEpochSecond((long) seconds, (long) ((seconds - Math.floor(seconds)) * 1e9));
        }
        return Instant.parse(at.asText());
    }

    private static double median(List<Run> runs, ToDoubleFunction<Run> measure) {
        double[] values = runs.stream().mapToDouble(measure).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    private static double min(List<Run> runs, ToDoubleFunction<Run> measure) {
        return runs.stream().mapToDouble(measure).min().orElse(0);
    }

    private static double max(List<Run> runs, ToDoubleFunction<Run> measure) {
        return runs.stream().mapToDouble(measure).max().orElse(0);
    }

    private static double round(double value) {
        return Math.round(value);
    }
}
