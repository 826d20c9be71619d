package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import dev.paddock.libvirt.Lab;
import dev.paddock.model.Disk;
import dev.paddock.model.Resources;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.OperationView;
import dev.paddock.operation.plan.Step;
import dev.paddock.server.PaddockServer;
import dev.paddock.hypervisor.DomainBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A Paddock server over the lab, driven through its REST API as a person would: the lab registered (site, cluster,
 * hosts, the shared datastore), HA enabled with a detection window and every host fenced by fence_ipmilan
 * against its BMC. Only VMs with disks are seeded through the server's own operations, since the API has no disk
 * choice yet.
 */
final class LabPaddock {

    /** The administrator token the lab's servers accept ({@link #secured}) and every client here sends. */
    public static final String TOKEN = dev.paddock.security.Secrets.strong().token();

    /** {@code config}, accepting {@link #TOKEN} as the administrator's. */
    public static dev.paddock.server.ServerConfig secured(dev.paddock.server.ServerConfig config) {
        return config.withAdministratorToken(TOKEN);
    }

    /** What registering the lab made. */
    record Registered(String clusterId, String datastoreId, Map<String, String> hostIds) {
        String host(int n) {
            return hostIds.get("h" + n);
        }
    }

    /** A protected (or not) VM seeded on a lab host, with its qcow2 disk on the shared datastore. */
    record SeededVm(String id, String name, Path disk) {}

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final URI base;

    LabPaddock(URI base) {
        this.base = base;
    }

    /** Registers the lab's hosts, a shared datastore on them, HA on for the cluster and a fence device per host. */
    Registered register(Lab lab, Duration detectionWindow) {
        return register(lab, detectionWindow, false);
    }

    /** As above, each host reached over {@code qemu+tls://} with the lab CA's client certificate when {@code tls}. */
    Registered register(Lab lab, Duration detectionWindow, boolean tls) {
        String siteId = created(post("/api/v1/sites", "{\"name\":\"lab\"}")).get("id").asText();
        String clusterId = created(post("/api/v1/clusters", "{\"siteId\":\"" + siteId + "\",\"name\":\"lab\"}"))
                .get("id").asText();
        Map<String, String> hostIds = new LinkedHashMap<>();
        for (int n = 1; n <= lab.hosts().size(); n++) {
            Lab.Host host = lab.host(n);
            String uri = tls ? lab.tlsUri(n) : host.uri();
            hostIds.put(host.id(), created(post("/api/v1/hosts", "{\"clusterId\":\"" + clusterId + "\",\"name\":\""
                    + host.id() + "\",\"uri\":\"" + uri + "\"}")).get("id").asText());
        }
        String datastoreId = created(post("/api/v1/datastores", "{\"siteId\":\"" + siteId + "\",\"name\":\"shared\","
                + "\"shared\":true,\"capacityGib\":100,\"hostIds\":" + json(List.copyOf(hostIds.values())) + "}"))
                .get("id").asText();
        ok(put("/api/v1/clusters/" + clusterId + "/ha", "{\"enabled\":true,\"detectionWindowSeconds\":"
                + detectionWindow.toSeconds() + "}"));
        for (int n = 1; n <= lab.hosts().size(); n++) {
            fence(hostIds.get("h" + n), lab.fenceDevice(n));
        }
        return new Registered(clusterId, datastoreId, hostIds);
    }

    void fence(String hostId, dev.paddock.ha.FenceDevice device) {
        ok(put("/api/v1/hosts/" + hostId + "/fence", "{\"agent\":\"" + device.agent() + "\",\"options\":"
                + json(device.options()) + "}"));
    }

    /**
     * Records a VM with one disk on the shared datastore and runs it on the host through the server's operations
     * (record, define, start), the VM create the API would do if it had disks; its qcow2 file is made first, as a
     * person provisioning an image would. Returns once the operation is DONE.
     */
    static SeededVm seed(PaddockServer.Parts parts, Path labShared, String clusterId, String datastoreId,
            String hostId, String name, int haPriority) {
        // half a core (one vCPU), so that a 2-core lab host takes several
        return seed(parts, labShared, clusterId, datastoreId, hostId, name, haPriority, 500);
    }

    /** As above, the VM asking for {@code millicores} of its host's CPU. */
    static SeededVm seed(PaddockServer.Parts parts, Path labShared, String clusterId, String datastoreId,
            String hostId, String name, int haPriority, long millicores) {
        String id = UUID.randomUUID().toString();
        // no disk in the demand: libvirt hosts report no disk capacity (their disks are the datastore's)
        Vm vm = new Vm(id, name, clusterId, Optional.of(hostId), Resources.of(millicores, 128, 0, 0), VmState.STOPPED,
                VmOrigin.MANAGED, "", haPriority, Set.of(), Set.of(), Set.of(),
                List.of(new Disk("root", datastoreId, 1)), List.of());
        Path disk = labShared.resolve("datastores").resolve(datastoreId).resolve(name + "-root.qcow2");
        qcow2(disk);
        run(parts, vm, hostId);
        return new SeededVm(id, name, disk);
    }

    /**
     * Records {@code vm} and runs it on the host through the server's operations (record, define as the domain
     * builder makes it, start), its disks already made; returns once the operation is DONE.
     */
    static void run(PaddockServer.Parts parts, Vm vm, String hostId) {
        String id = vm.id();
        String name = vm.name();
        OperationView submitted = parts.operations().submit(new OperationPlan("vm.create", id, "lab-test", List.of(
                new Step.RecordVm(vm), new Step.DefineVm(hostId, DomainBuilder.specOf(vm, parts.store().room())),
                new Step.StartVm(hostId, id))));
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            OperationView view = parts.operations().get(submitted.id()).orElseThrow();
            if (view.state().isFinal()) {
                assertThat(view.state().name()).as("seeding VM " + name + ": " + view).isEqualTo("DONE");
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("seeding VM " + name + " did not end within 90 s: " + view);
            }
            pause(100);
        }
    }

    /** An empty 64 MiB qcow2 file at {@code disk}, its directory made. */
    static void qcow2(Path disk) {
        try {
            Files.createDirectories(disk.getParent());
            Process created = new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), "64M")
                    .redirectErrorStream(true).start();
            String output = new String(created.getInputStream().readAllBytes());
            if (!created.waitFor(30, TimeUnit.SECONDS) || created.exitValue() != 0) {
                throw new IllegalStateException("qemu-img create " + disk + ": " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The QEMU processes running in lab host n's network namespace (a powered-off host has none). */
    static List<Long> qemuProcesses(int n) {
        List<Long> pids = new ArrayList<>();
        try {
            Object namespace = Files.getAttribute(Path.of("/run/netns/h" + n), "unix:ino");
            try (var entries = Files.list(Path.of("/proc"))) {
                for (Path process : entries.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                    try {
                        if (namespace.equals(Files.getAttribute(process.resolve("ns/net"), "unix:ino"))
                                && Files.readString(process.resolve("comm")).startsWith("qemu-system")) {
                            pids.add(Long.parseLong(process.getFileName().toString()));
                        }
                    } catch (IOException gone) {
                        // the process ended while we looked
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pids;
    }

    /** Audit entries of HA (newest first), as {@code GET /api/v1/ha/events} serves them. */
    List<JsonNode> haEvents() {
        List<JsonNode> events = new ArrayList<>();
        get("/api/v1/ha/events?limit=500").json().get("items").forEach(events::add);
        return events;
    }

    boolean haEvent(String action, String subjectId) {
        return haEvents().stream().anyMatch(e -> e.path("action").asText().equals(action)
                && e.path("subjectId").asText().equals(subjectId));
    }

    String health(String hostId) {
        for (JsonNode host : get("/api/v1/ha/status").json().get("hosts")) {
            if (host.get("hostId").asText().equals(hostId)) {
                return host.get("health").asText();
            }
        }
        throw new AssertionError("no HA status for host " + hostId);
    }

    /**
     * Removes the network named {@code name} if Paddock knows one (a libvirt network an earlier test of the same lab
     * left defined on the hosts is discovered when they connect), and waits until it is gone.
     */
    void withoutNetwork(String name) {
        for (JsonNode network : get("/api/v1/networks").json().get("items")) {
            if (network.get("name").asText().equals(name)) {
                Reply removed = delete("/api/v1/networks/" + network.get("id").asText());
                if (removed.status() != 202 && removed.status() != 204) {
                    throw new AssertionError("removing network " + name + " answered " + removed.status() + " "
                            + removed.body());
                }
            }
        }
        dev.paddock.libvirt.LabAwait.until("network " + name + " gone", Duration.ofSeconds(60),
                () -> get("/api/v1/networks").json().get("items").findValuesAsText("name").stream()
                        .noneMatch(name::equals));
    }

    // ---- HTTP -----------------------------------------------------------------------------------

    Reply get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    Reply post(String path, String json) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply put(String path, String json) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply patch(String path, String json) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply delete(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
    }

    private static Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode created(Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json();
    }

    private static JsonNode ok(Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json();
    }

    private static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    record Reply(int status, String body) {
        JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }
    }
}
