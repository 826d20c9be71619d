package dev.paddock.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.server.PaddockServer;
import dev.paddock.server.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code paddock bench provision [--runs N] [--vms N]}: a real Paddock server over a 3-host lab; the lab's template
 * guest uploaded into a shared directory datastore and made a template. Each run makes N VMs (default 10), each a
 * linked clone of the template with a cloud-init seed (hostname, root's SSH key, a static address on the guests'
 * network), booted until every one answers on its address with its hostname, twice, the order alternating:
 * <ul>
 *   <li>raw: what an administrator's script does without Paddock, per VM one after another: {@code qemu-img create
 *       -b} the overlay, the three seed documents and {@code genisoimage -volid cidata}, {@code virsh define} of the
 *       same domain Paddock defines and {@code virsh start}, on h1, h2 and h3 in turn;</li>
 *   <li>Paddock: N {@code POST /api/v1/vms} with the template and the cloud-init fields, sent one after another
 *       (each answers 202 at once), the placement engine choosing the hosts.</li>
 * </ul>
 * Both are timed from the first command to the last VM answering. Between halves every VM is destroyed and its
 * volumes removed (not timed). Uses the lab that is up, or brings one up and down.
 *
 * <p>Goal: Paddock's median wall time at most 1.10 times the raw one's.
 */
final class ProvisionBenchmark implements BenchMain.Benchmark {

    private static final Duration DEADLINE = Duration.ofSeconds(600);
    private static final double GOAL = 1.10;
    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHBhZGRvY2sgYmVuY2ggcHJvdmlzaW9uaW5n bench";
    private static final String POOL = "library";

    private LabApi api;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    @Override
    public int run(String[] options) throws Exception {
        LabApi.RunsAndVms asked = LabApi.RunsAndVms.parse(options, 3, 10);
        if (asked.vms() > 40) {
            throw new IllegalArgumentException("--vms is at most 40 (the guests' network has 40 addresses per side)");
        }
        return LabShell.onLab(3, shared -> measure(shared, asked.runs(), asked.vms()));
    }

    private int measure(Path shared, int runs, int count) throws Exception {
        Path dir = Files.createTempDirectory("paddock-bench-provision");
        Path library = shared.resolve(POOL);
        Files.createDirectories(library);
        try (PaddockServer server = PaddockServer.start(LabApi.secured(ServerConfig.inDirectory(dir, "127.0.0.1", 0,
                ServerConfig.Room.EMPTY).withLibvirtSharedDirectory(shared)))) {
            api = new LabApi(server.url());
            LabApi.Registered lab = api.register();
            awaitDone(api.json("POST", "/api/v1/datastores", "{\"name\":\"" + POOL + "\",\"type\":\"dir\",\"shared\":"
                    + "true,\"source\":{\"path\":\"" + library + "\"},\"hosts\":[\"h1\",\"h2\",\"h3\"]}", 202));
            awaitDone(api.json("POST", "/api/v1/networks", "{\"siteId\":\"" + lab.site() + "\",\"name\":\"guests\","
                    + "\"hosts\":[\"h1\",\"h2\",\"h3\"],\"bridge\":\"vmbr0\"}", 202));
            Path template = Path.of(LabShell.labOutput("template").strip());
            byte[] bytes = Files.readAllBytes(template);
            HttpResponse<String> uploaded = http.send(LabApi.authorized(HttpRequest.newBuilder(server.url().resolve(
                            "/api/v1/datastores/" + POOL + "/images?name=tiny.qcow2&sha256=" + sha256(bytes))))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
            if (uploaded.statusCode() != 201) {
                throw new IllegalStateException("the template's upload answered " + uploaded.statusCode() + ": "
                        + uploaded.body());
            }
            api.post("/api/v1/templates", "{\"name\":\"tiny\",\"image\":\"tiny.qcow2\",\"vcpus\":1,\"memoryMib\":128}");
            Path backing = library.resolve("tiny.qcow2");
            List<Double> raw = new ArrayList<>();
            List<Double> paddock = new ArrayList<>();
            for (int r = 1; r <= runs; r++) {
                boolean rawFirst = r % 2 == 1;
                for (int half = 0; half < 2; half++) {
                    if ((half == 0) == rawFirst) {
                        raw.add(rawProvision(r, count, library, backing));
                        System.out.printf("%d raw      %6.0f ms%n", r, raw.getLast());
                        removeRaw(r, count, library);
                    } else {
                        List<String> ids = new ArrayList<>();
                        paddock.add(paddockProvision(r, count, ids));
                        System.out.printf("%d paddock  %6.0f ms%n", r, paddock.getLast());
                        removePaddock(ids);
                    }
                }
            }
            return report(raw, paddock, count);
        }
    }

    /** The script: per VM overlay, seed, define and start, one after another; then every VM answering. */
    private double rawProvision(int run, int count, Path library, Path backing) throws Exception {
        Map<String, String> addresses = new LinkedHashMap<>();
        long started = System.nanoTime();
        for (int i = 1; i <= count; i++) {
            String name = "raw-" + run + "-" + i;
            String address = "10.79.8." + (60 + i);
            String mac = String.format("52:54:00:7a:%02x:%02x", run, i);
            addresses.put(name, address);
            Path overlay = library.resolve(name + ".qcow2");
            Path seedDir = Files.createTempDirectory("seed-" + name);
            Files.writeString(seedDir.resolve("meta-data"), "instance-id: \"" + name + "\"\nlocal-hostname: \""
                    + name + "\"\n");
            Files.writeString(seedDir.resolve("user-data"), "#cloud-config\nhostname: \"" + name + "\"\nusers:\n"
                    + "  - name: \"root\"\n    ssh_authorized_keys:\n      - \"" + KEY + "\"\n");
            Files.writeString(seedDir.resolve("network-config"), "version: 2\nethernets:\n  nic0:\n    match:\n"
                    + "      macaddress: \"" + mac + "\"\n    set-name: \"eth0\"\n    dhcp4: false\n    addresses:\n"
                    + "      - \"" + address + "/24\"\n    gateway4: \"10.79.8.254\"\n");
            Path seed = library.resolve(name + "-seed.iso");
            exec("qemu-img", "create", "-q", "-f", "qcow2", "-b", backing.toString(), "-F", "qcow2",
                    overlay.toString());
            exec("genisoimage", "-quiet", "-output", seed.toString(), "-volid", "cidata", "-joliet", "-rock",
                    seedDir.resolve("meta-data").toString(), seedDir.resolve("user-data").toString(),
                    seedDir.resolve("network-config").toString());
            Path xml = seedDir.resolve("domain.xml");
            Files.writeString(xml, domainXml(name, mac, overlay, seed, library.getParent()));
            int host = 1 + (i - 1) % 3;
            exec("virsh", "-q", "-c", LabApi.uri(host), "define", xml.toString());
            exec("virsh", "-q", "-c", LabApi.uri(host), "start", name);
        }
        awaitAnswering(addresses);
        return (System.nanoTime() - started) / 1e6;
    }

    /** The domain Paddock defines for such a VM, as a script would write it. */
    private static String domainXml(String name, String mac, Path overlay, Path seed, Path shared) {
        return "<domain type='qemu'>\n  <name>" + name + "</name>\n  <memory unit='MiB'>128</memory>\n"
                + "  <vcpu>1</vcpu>\n  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n"
                + "    <boot dev='hd'/>\n  </os>\n  <features><acpi/></features>\n  <devices>\n"
                + "    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='" + overlay
                + "'/><target dev='vda' bus='virtio'/></disk>\n"
                + "    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='" + seed
                + "'/><target dev='vdb' bus='virtio'/><readonly/></disk>\n"
                + "    <interface type='bridge'><mac address='" + mac + "'/><source bridge='vmbr0'/>"
                + "<model type='virtio'/></interface>\n"
                + "    <serial type='file'><source path='" + shared.resolve(name + ".console.log")
                + "' append='on'/><target port='0'/></serial>\n"
                + "    <memballoon model='none'/>\n  </devices>\n</domain>\n";
    }

    /** Paddock: every create sent, then every VM answering. */
    private double paddockProvision(int run, int count, List<String> ids) throws Exception {
        Map<String, String> addresses = new LinkedHashMap<>();
        List<String> operations = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 1; i <= count; i++) {
            String name = "pad-" + run + "-" + i;
            String address = "10.79.8." + (10 + i);
            addresses.put(name, address);
            JsonNode accepted = api.json("POST", "/api/v1/vms", "{\"name\":\"" + name + "\",\"template\":\"tiny\",\"cpuMillicores\":300,"
                    + "\"nics\":[{\"network\":\"guests\"}],\"cloudInit\":{\"users\":[{\"name\":\"root\",\"sshKeys\":[\""
                    + KEY + "\"]}],\"network\":{\"address\":\"" + address + "/24\",\"gateway\":\"10.79.8.254\"}}}",
                    202);
            operations.add(accepted.path("id").asText());
            ids.add(accepted.path("target").asText());
        }
        awaitAnswering(addresses);
        double wall = (System.nanoTime() - started) / 1e6;
        for (String operation : operations) {
            String state = api.json("GET", "/api/v1/operations/" + operation, null, 200).path("state").asText();
            if (!state.equals("DONE")) {
                throw new IllegalStateException("a create ended " + state);
            }
        }
        return wall;
    }

    private void awaitAnswering(Map<String, String> addresses) throws Exception {
        Map<String, String> waiting = new LinkedHashMap<>(addresses);
        LabApi.await(addresses.size() + " VMs answering", DEADLINE, () -> {
            waiting.entrySet().removeIf(vm -> answer(vm.getValue()).equals(vm.getKey()));
            return waiting.isEmpty();
        });
    }

    private String answer(String address) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://" + address
                    + "/hostname")).timeout(Duration.ofSeconds(1)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body().strip() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static void removeRaw(int run, int count, Path library) throws Exception {
        for (int i = 1; i <= count; i++) {
            String name = "raw-" + run + "-" + i;
            String uri = LabApi.uri(1 + (i - 1) % 3);
            LabShell.command(List.of("virsh", "-q", "-c", uri, "destroy", name));
            LabShell.command(List.of("virsh", "-q", "-c", uri, "undefine", name));
            Files.deleteIfExists(library.resolve(name + ".qcow2"));
            Files.deleteIfExists(library.resolve(name + "-seed.iso"));
        }
    }

    private void removePaddock(List<String> ids) throws Exception {
        for (String id : ids) {
            JsonNode vm = api.json("GET", "/api/v1/vms/" + id, null, 200);
            awaitDone(api.json("DELETE", "/api/v1/vms/" + id + "?force=true", null, 202));
            for (JsonNode disk : vm.path("disks")) {
                Files.deleteIfExists(Path.of(LabShell.labDirectory()).resolve("shared").resolve(POOL)
                        .resolve(disk.path("volume").asText()));
            }
        }
    }

    private void awaitDone(JsonNode accepted) throws Exception {
        String location = "/api/v1/operations/" + accepted.path("id").asText();
        api.awaitDone("operation " + location, location, DEADLINE);
    }

    private static void exec(String... command) throws Exception {
        LabShell.Output out = LabShell.command(List.of(command));
        if (out.code() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + out.text());
        }
    }

    private static int report(List<Double> raw, List<Double> paddock, int vms) throws Exception {
        BenchResult result = LabApi.sideBySide("provision", "raw_script_median_ms", raw, paddock, vms, GOAL);
        Path written = result.write(BenchMain.RESULTS);
        System.out.printf("provisioning %d linked clones with cloud-init: raw script %.0f ms, Paddock %.0f ms, ratio"
                + " %.3f (goal <= %.2f, %s); written to %s%n", vms, LabApi.median(raw), LabApi.median(paddock),
                LabApi.median(paddock) / LabApi.median(raw), GOAL, result.met() ? "met" : "not met", written);
        return 0;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
