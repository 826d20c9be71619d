package dev.paddock.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.operation.OperationView;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import dev.paddock.server.PaddockServer;
import dev.paddock.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code paddock bench evacuation [--runs N] [--vms N]}: a real Paddock server over a 3-host lab; N VMs (default 6)
 * with qcow2 disks on the shared datastore run on h1, and h1 is emptied twice per run, the order alternating:
 * <ul>
 *   <li>raw: what an administrator types without Paddock, {@code virsh migrate --live --p2p --persistent
 *       --undefinesource} of each VM one after another, to h2 and h3 in turn;</li>
 *   <li>Paddock: {@code POST /api/v1/hosts/h1/maintenance {"action":"enter"}} until its evacuation operation is DONE
 *       (the placement engine chooses the targets and runs at most four migrations at a time).</li>
 * </ul>
 * Between the two the VMs are moved back to h1 (not timed). Uses the lab that is up, or brings one up and down.
 *
 * <p>Goal: Paddock's median wall time at most 0.6 times the raw one's.
 */
final class EvacuationBenchmark implements BenchMain.Benchmark {

    private static final Duration DEADLINE = Duration.ofSeconds(300);
    private static final double GOAL = 0.6;

    private LabApi api;

    @Override
    public int run(String[] options) throws Exception {
        LabApi.RunsAndVms asked = LabApi.RunsAndVms.parse(options, 3, 6);
        return LabShell.onLab(3, shared -> measure(shared, asked.runs(), asked.vms()));
    }

    private int measure(Path shared, int runs, int count) throws Exception {
        Path dir = Files.createTempDirectory("paddock-bench-evacuation");
        try (PaddockServer server = PaddockServer.start(LabApi.secured(ServerConfig.inDirectory(dir, "127.0.0.1", 0,
                ServerConfig.Room.EMPTY).withLibvirtSharedDirectory(shared)))) {
            api = new LabApi(server.url());
            LabApi.Registered lab = api.register();
            String cluster = lab.cluster();
            List<String> hosts = lab.hosts();
            String datastore = lab.datastore();
            String h1 = hosts.getFirst();
            List<LabApi.Seeded> seeded = new ArrayList<>();
            // a third of a core each: six fit on h1 (2 cores) and on h2 and h3 together
            long millicores = Math.max(100, 2_000 / Math.max(1, count) - 30);
            for (int i = 1; i <= count; i++) {
                seeded.add(LabApi.seed(server.parts(), shared, cluster, datastore, h1, "evac-" + i, 0, millicores));
            }
            List<Double> raw = new ArrayList<>();
            List<Double> paddock = new ArrayList<>();
            for (int r = 1; r <= runs; r++) {
                boolean rawFirst = r % 2 == 1;
                for (int half = 0; half < 2; half++) {
                    if ((half == 0) == rawFirst) {
                        raw.add(rawEvacuation(server, seeded, hosts));
                        System.out.printf("%d raw      %6.0f ms%n", r, raw.getLast());
                    } else {
                        paddock.add(paddockEvacuation(server, h1));
                        System.out.printf("%d paddock  %6.0f ms%n", r, paddock.getLast());
                    }
                    back(server, seeded, h1);
                }
            }
            for (LabApi.Seeded vm : seeded) {
                api.send("DELETE", "/api/v1/vms/" + vm.id() + "?force=true", null, 202);
            }
            LabApi.await("the VMs deleted", DEADLINE,
                    () -> seeded.stream().allMatch(vm -> api.status("/api/v1/vms/" + vm.id()) == 404));
            return report(raw, paddock, count);
        }
    }

    /** Each VM by virsh, one after another, to h2 and h3 in turn; the wall time of all of them. */
    private static double rawEvacuation(PaddockServer server, List<LabApi.Seeded> vms, List<String> hosts)
            throws Exception {
        long started = System.nanoTime();
        for (int i = 0; i < vms.size(); i++) {
            int to = 2 + i % 2;
            LabShell.Output out = LabShell.command(List.of("virsh", "-c", LabApi.uri(1), "migrate", "--live", "--p2p",
                    "--unsafe", "--persistent", "--undefinesource", vms.get(i).id(), LabApi.uri(to)));
            if (out.code() != 0) {
                throw new IllegalStateException("virsh migrate " + vms.get(i).name() + " h1 -> h" + to + ": "
                        + out.text());
            }
        }
        return (System.nanoTime() - started) / 1e6;
    }

    /** Maintenance entered through the API, until its evacuation is DONE; the host leaves maintenance after. */
    private double paddockEvacuation(PaddockServer server, String h1) throws Exception {
        long started = System.nanoTime();
        JsonNode state = api.json("POST", "/api/v1/hosts/" + h1 + "/maintenance", "{\"action\":\"enter\"}", 200);
        String operation = state.path("operation").asText();
        if (operation.isEmpty()) {
            throw new IllegalStateException("entering maintenance evacuated nothing: " + state);
        }
        api.awaitDone("the evacuation of h1", operation, DEADLINE);
        double wall = (System.nanoTime() - started) / 1e6;
        api.send("POST", "/api/v1/hosts/" + h1 + "/maintenance", "{\"action\":\"exit\"}", 200);
        return wall;
    }

    /** Every VM live-migrated back to h1 by Paddock, one after another (not timed). */
    private static void back(PaddockServer server, List<LabApi.Seeded> vms, String h1) throws Exception {
        for (LabApi.Seeded vm : vms) {
            String at = LabApi.runningOn(server, vm.id()).orElseThrow(
                    () -> new IllegalStateException(vm.name() + " runs nowhere"));
            if (at.equals(h1)) {
                continue;
            }
            OperationView moved = LabApi.settle(server.parts(), server.parts().operations().submit(
                    new OperationPlan("vm.migrate", vm.id(), "bench", List.of(new Step.MigrateVm(vm.id(), at, h1)))),
                    DEADLINE);
            if (!moved.state().name().equals("DONE")) {
                throw new IllegalStateException("moving " + vm.name() + " back to h1: " + moved.error().orElse(""));
            }
        }
    }

    private static int report(List<Double> raw, List<Double> paddock, int vms) throws Exception {
        BenchResult result = LabApi.sideBySide("evacuation", "raw_sequential_median_ms", raw, paddock, vms, GOAL);
        Path written = result.write(BenchMain.RESULTS);
        System.out.printf("evacuating %d VMs: raw sequential %.0f ms, Paddock %.0f ms, ratio %.3f (goal <= %.2f, %s);"
                + " written to %s%n", vms, LabApi.median(raw), LabApi.median(paddock),
                LabApi.median(paddock) / LabApi.median(raw), GOAL, result.met() ? "met" : "not met", written);
        return 0;
    }
}
