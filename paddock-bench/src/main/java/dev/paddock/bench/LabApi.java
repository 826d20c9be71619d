package dev.paddock.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.hypervisor.DomainBuilder;
import dev.paddock.json.Json;
import dev.paddock.model.Disk;
import dev.paddock.model.Resources;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import dev.paddock.operation.OperationView;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import dev.paddock.server.PaddockServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** What the lab benchmarks ask of a Paddock server over its REST API, and the guests they seed on the lab. */
final class LabApi {

    /** A condition a benchmark waits for. */
    interface Check {
        boolean holds() throws Exception;
    }

    /** A lab benchmark's options: how many runs, how many VMs. */
    record RunsAndVms(int runs, int vms) {
        /** {@code --runs N} and {@code --vms N} over the defaults; anything else is refused. */
        static RunsAndVms parse(String[] options, int runs, int vms) {
            for (int i = 0; i < options.length; i++) {
                if (options[i].equals("--runs") && i + 1 < options.length) {
                    runs = Integer.parseInt(options[++i]);
                } else if (options[i].equals("--vms") && i + 1 < options.length) {
                    vms = Integer.parseInt(options[++i]);
                } else {
                    throw new IllegalArgumentException("unknown option " + options[i]
                            + " (known: --runs N, --vms N)");
                }
            }
            return new RunsAndVms(runs, vms);
        }
    }

    /** The lab as the server knows it once registered: its site, cluster, hosts h1..h3 and shared datastore. */
    record Registered(String site, String cluster, List<String> hosts, String datastore) {}

    /** A VM seeded on a lab host: its id, and the qcow2 its guest writes its heartbeat to. */
    record Seeded(String id, String name, Path disk) {}

    /** The administrator token the benchmarks' servers are started with ({@link #secured}), new each run. */
    static final String TOKEN = dev.paddock.security.Secrets.strong().token();

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI base;

    /** {@code config} accepting {@link #TOKEN} as the administrator's. */
    static dev.paddock.server.ServerConfig secured(dev.paddock.server.ServerConfig config) {
        return config.withAdministratorToken(TOKEN);
    }

    /** {@code request} with the benchmarks' administrator token. */
    static HttpRequest.Builder authorized(HttpRequest.Builder request) {
        return request.header("Authorization", "Bearer " + TOKEN);
    }

    LabApi(URI base) {
        this.base = base;
    }

    /** Sends the request; anything but {@code expected} is an error naming the answer. */
    String send(String method, String path, String json, int expected) throws Exception {
        HttpRequest.Builder request = authorized(HttpRequest.newBuilder(base.resolve(path)))
                .timeout(Duration.ofSeconds(30));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response.body();
    }

    JsonNode json(String method, String path, String json, int expected) throws Exception {
        return Json.mapper().readTree(send(method, path, json, expected));
    }

    /** Creates a resource; its id. */
    String post(String path, String json) throws Exception {
        return json("POST", path, json, 201).get("id").asText();
    }

    /** The status a GET answers, -1 when the server does not answer. */
    int status(String path) {
        try {
            return http.send(authorized(HttpRequest.newBuilder(base.resolve(path))).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Waits until the operation at {@code location} ({@code /api/v1/operations/ID}) ends; one that ends other than
     * DONE is an error naming {@code what} and the operation as the server shows it.
     */
    void awaitDone(String what, String location, Duration within) throws Exception {
        String[] last = {""};
        await(what, within, () -> {
            last[0] = json("GET", location, null, 200).path("state").asText();
            return last[0].matches("DONE|FAILED|ROLLED_BACK|CANCELLED");
        });
        if (!last[0].equals("DONE")) {
            throw new IllegalStateException(what + " ended " + last[0] + ": " + send("GET", location, null, 200));
        }
    }

    /**
     * The result of a side-by-side benchmark: the medians of the baseline's runs and Paddock's, named
     * {@code baselineMetric} and {@code paddock_median_ms}, Paddock's extremes, and the ratio of the medians, whose
     * goal is {@code ratio <= goal}.
     */
    static BenchResult sideBySide(String benchmark, String baselineMetric, List<Double> baseline,
            List<Double> paddock, int vms, double goal) {
        double ratio = median(paddock) / median(baseline);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("runs_each", baseline.size());
        metrics.put("vms", vms);
        metrics.put(baselineMetric, Math.round(median(baseline)));
        metrics.put("paddock_median_ms", Math.round(median(paddock)));
        metrics.put("paddock_min_ms", Math.round(paddock.stream().mapToDouble(Double::doubleValue).min().orElse(0)));
        metrics.put("paddock_max_ms", Math.round(paddock.stream().mapToDouble(Double::doubleValue).max().orElse(0)));
        metrics.put("wall_ratio", Math.round(ratio * 1000) / 1000.0);
        return BenchResult.of(benchmark, metrics, new BenchResult.Goal("wall_ratio", "<=", goal));
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Registers a site, a cluster, the lab's three hosts and a shared datastore on them. */
    Registered register() throws Exception {
        String site = post("/api/v1/sites", "{\"name\":\"lab\"}");
        String cluster = post("/api/v1/clusters", "{\"siteId\":\"" + site + "\",\"name\":\"lab\"}");
        List<String> hosts = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            hosts.add(post("/api/v1/hosts", "{\"clusterId\":\"" + cluster + "\",\"name\":\"h" + n + "\",\"uri\":\""
                    + uri(n) + "\"}"));
        }
        String datastore = post("/api/v1/datastores", "{\"siteId\":\"" + site + "\",\"name\":\"shared\","
                + "\"shared\":true,\"capacityGib\":100,\"hostIds\":" + Json.mapper().writeValueAsString(hosts) + "}");
        return new Registered(site, cluster, List.copyOf(hosts), datastore);
    }

    /** Lab host n's libvirt URI. */
    static String uri(int n) {
        return "qemu+tcp://10.77.0." + n + "/system";
    }

    /** The host whose libvirt runs the VM, if one does; a host that does not answer runs nothing we can see. */
    static Optional<String> runningOn(PaddockServer server, String vmId) {
        for (var host : server.parts().store().hosts()) {
            try {
                if (server.parts().hypervisor().domain(host.id(), vmId)
                        .filter(d -> d.state() == VmState.RUNNING).isPresent()) {
                    return Optional.of(host.id());
                }
            } catch (RuntimeException unreachable) {
                // nothing seen there
            }
        }
        return Optional.empty();
    }

    /** HA's judgement of the host, as {@code GET /api/v1/ha/status} gives it. */
    String haHealth(String hostId) throws Exception {
        for (JsonNode host : json("GET", "/api/v1/ha/status", null, 200).get("hosts")) {
            if (host.get("hostId").asText().equals(hostId)) {
                return host.get("health").asText();
            }
        }
        return "unknown";
    }

    static void await(String what, Duration within, Check check) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + what + " within " + within);
            }
            Thread.sleep(100);
        }
    }

    /**
     * Records a VM with a qcow2 disk on the shared datastore and runs it on {@code host} through the server's
     * operations (record, define, start); the disk is made first with qemu-img. Returns once it is DONE.
     */
    static Seeded seed(PaddockServer.Parts parts, Path shared, String cluster, String datastore, String host,
            String name, int priority, long millicores) throws Exception {
        String id = UUID.randomUUID().toString();
        Vm vm = new Vm(id, name, cluster, Optional.of(host), Resources.of(millicores, 128, 0, 0), VmState.STOPPED,
                VmOrigin.MANAGED, "", priority, Set.of(), Set.of(), Set.of(), List.of(new Disk("root", datastore, 1)),
                List.of());
        Path disk = qcow2(shared, datastore, name);
        OperationView done = settle(parts, parts.operations().submit(new OperationPlan("vm.create", id, "bench",
                List.of(new Step.RecordVm(vm), new Step.DefineVm(host, DomainBuilder.specOf(vm, parts.store().room())),
                        new Step.StartVm(host, id)))), Duration.ofSeconds(120));
        if (!done.state().name().equals("DONE")) {
            throw new IllegalStateException("creating " + name + ": " + done.error().orElse(""));
        }
        return new Seeded(id, name, disk);
    }

    /** An empty 64 MiB qcow2 where the domain builder puts disk "root" of VM {@code name} on the datastore. */
    static Path qcow2(Path shared, String datastore, String name) throws Exception {
        Path disk = shared.resolve("datastores").resolve(datastore).resolve(name + "-root.qcow2");
        Files.createDirectories(disk.getParent());
        LabShell.Output created = LabShell.command(List.of("qemu-img", "create", "-q", "-f", "qcow2",
                disk.toString(), "64M"));
        if (created.code() != 0) {
            throw new IllegalStateException("qemu-img create " + disk + ": " + created.text());
        }
        return disk;
    }

    /** The operation once final, or as it is when {@code within} has passed. */
    static OperationView settle(PaddockServer.Parts parts, OperationView submitted, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        OperationView view = submitted;
        while (!view.state().isFinal() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            view = parts.operations().get(submitted.id()).orElseThrow();
        }
        return view;
    }
}
