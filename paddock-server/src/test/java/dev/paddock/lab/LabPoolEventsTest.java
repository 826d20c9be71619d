package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.libvirt.Lab;
import dev.paddock.libvirt.LabAwait;
import dev.paddock.libvirt.LabExtension;
import dev.paddock.server.PaddockServer;
import dev.paddock.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * libvirt's storage pool and network events on the lab's real hosts, seen through a Paddock server whose full resync
 * is an hour away: a dir pool and a network made and removed on a host with {@code virsh}, behind Paddock's back,
 * show in {@code GET /api/v1/datastores} (with the host's disk capacity) and {@code GET /api/v1/networks} within two
 * seconds each way. Only the events can tell the server that soon.
 */
@Tag("lab")
class LabPoolEventsTest {

    @RegisterExtension
    static final LabExtension LAB = new LabExtension();

    @TempDir
    static Path directory;

    /** What the events must beat: the resync never comes during the test. */
    private static final Duration RESYNC = Duration.ofHours(1);
    private static final Duration EVENT = Duration.ofSeconds(2);
    private static final Pattern CAPACITY = Pattern.compile("(?m)^Capacity:\\s+(\\d+)");

    private static PaddockServer server;
    private static LabPaddock paddock;
    private static final Map<String, String> HOST_IDS = new LinkedHashMap<>();
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void startServerAndRegisterTheLab() {
        server = PaddockServer.start(LabPaddock.secured(ServerConfig.inDirectory(directory, "127.0.0.1", 0,
                ServerConfig.Room.EMPTY).withLibvirtSharedDirectory(LAB.lab().shared()).withResyncPeriod(RESYNC)));
        paddock = new LabPaddock(server.url());
        String siteId = created(paddock.post("/api/v1/sites", "{\"name\":\"lab\"}")).get("id").asText();
        String clusterId = created(paddock.post("/api/v1/clusters", "{\"siteId\":\"" + siteId
                + "\",\"name\":\"lab\"}")).get("id").asText();
        for (Lab.Host host : LAB.lab().hosts()) {
            HOST_IDS.put(host.id(), created(paddock.post("/api/v1/hosts", "{\"clusterId\":\"" + clusterId
                    + "\",\"name\":\"" + host.id() + "\",\"uri\":\"" + host.uri() + "\"}")).get("id").asText());
        }
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("a dir pool started on h1 with virsh is a datastore of h1 within 2 s, h1's disk grown by its size;"
            + " destroyed, it holds no host and h1's disk is back within 2 s")
    void dirPool() throws IOException {
        Lab.Host h1 = LAB.lab().host(1);
        String h1Id = HOST_IDS.get("h1");
        String name = "ev-" + suffix;
        Path target = LAB.lab().shared().resolve("pools/" + name);
        LabAwait.until("h1's disk capacity as its started pools hold it", Duration.ofSeconds(10),
                () -> diskGib(h1Id) == startedPoolsGib(h1));
        long before = diskGib(h1Id);
        try {
            virsh(h1, "pool-define-as", name, "dir", "--target", target.toString());
            virsh(h1, "pool-build", name);
            virsh(h1, "pool-start", name);
            long poolGib = startedPoolsGib(h1) - before;

            LabAwait.until("datastore " + name + " on h1 with libvirt's size", EVENT, () -> datastore(name)
                    .filter(ds -> ids(ds.get("hostIds")).equals(List.of(h1Id)))
                    .filter(ds -> ds.get("capacityBytes").asLong() > 0).isPresent());
            LabAwait.until("h1's disk grown by the pool's " + poolGib + " GiB", EVENT,
                    () -> diskGib(h1Id) == before + poolGib);

            virsh(h1, "pool-destroy", name);

            LabAwait.until("datastore " + name + " on no host, with no capacity", EVENT, () -> datastore(name)
                    .filter(ds -> ds.get("hostIds").isEmpty() && ds.get("capacityBytes").asLong() == 0).isPresent());
            LabAwait.until("h1's disk back to " + before + " GiB", EVENT, () -> diskGib(h1Id) == before);
        } finally {
            virshQuietly(h1, "pool-destroy", name);
            virshQuietly(h1, "pool-undefine", name);
            Files.deleteIfExists(target);
        }
    }

    @Test
    @DisplayName("a network started on h2 with virsh is carried by h2 within 2 s; destroyed, it is gone within 2 s")
    void transientNetwork() throws IOException {
        Lab.Host h2 = LAB.lab().host(2);
        String name = "ev-" + suffix;
        Path xml = directory.resolve(name + ".xml");
        Files.writeString(xml, "<network><name>" + name + "</name><bridge name='pev" + suffix + "' stp='off'/>"
                + "</network>");
        try {
            virsh(h2, "net-create", xml.toString());

            LabAwait.until("network " + name + " carried by h2", EVENT,
                    () -> carriers(name).equals(List.of(HOST_IDS.get("h2"))));

            virsh(h2, "net-destroy", name);

            LabAwait.until("network " + name + " gone", EVENT, () -> network(name).isEmpty());
        } finally {
            virshQuietly(h2, "net-destroy", name);
        }
    }

    @Test
    @DisplayName("a network defined and started on h3 with virsh is carried by h3 within 2 s; stopped, it is shown"
            + " stopped there, started again, started, and undefined, gone, each within 2 s")
    void persistentNetwork() throws IOException {
        Lab.Host h3 = LAB.lab().host(3);
        String name = "ep-" + suffix;
        Path xml = directory.resolve(name + ".xml");
        Files.writeString(xml, "<network><name>" + name + "</name><bridge name='pep" + suffix + "' stp='off'/>"
                + "</network>");
        try {
            virsh(h3, "net-define", xml.toString());
            virsh(h3, "net-start", name);

            LabAwait.until("network " + name + " carried by h3", EVENT,
                    () -> carriers(name).equals(List.of(HOST_IDS.get("h3"))));

            virsh(h3, "net-destroy", name);

            LabAwait.until("network " + name + " stopped on h3", EVENT, () -> network(name)
                    .map(network -> network.get("carriers").get(HOST_IDS.get("h3")).get("stopped").asBoolean())
                    .orElse(false));

            virsh(h3, "net-start", name);

            LabAwait.until("network " + name + " started on h3 again", EVENT, () -> network(name)
                    .map(network -> !network.get("carriers").get(HOST_IDS.get("h3")).get("stopped").asBoolean())
                    .orElse(false));

            virsh(h3, "net-destroy", name);
            virsh(h3, "net-undefine", name);

            LabAwait.until("network " + name + " gone", EVENT, () -> network(name).isEmpty());
        } finally {
            virshQuietly(h3, "net-destroy", name);
            virshQuietly(h3, "net-undefine", name);
        }
    }

    // ---- what Paddock says --------------------------------------------------------------------

    private static Optional<JsonNode> datastore(String name) {
        return named(paddock.get("/api/v1/datastores").json().get("items"), name);
    }

    private static Optional<JsonNode> network(String name) {
        return named(paddock.get("/api/v1/networks").json().get("items"), name);
    }

    private static Optional<JsonNode> named(JsonNode items, String name) {
        for (JsonNode item : items) {
            if (item.get("name").asText().equals(name)) {
                return Optional.of(item);
            }
        }
        return Optional.empty();
    }

    private static List<String> carriers(String name) {
        List<String> hosts = new ArrayList<>();
        network(name).ifPresent(network -> network.get("carriers").fieldNames().forEachRemaining(hosts::add));
        return hosts.stream().sorted().toList();
    }

    private static long diskGib(String hostId) {
        return paddock.get("/api/v1/hosts/" + hostId).json().get("capacity").get("diskGib").asLong();
    }

    private static List<String> ids(JsonNode array) {
        List<String> ids = new ArrayList<>();
        array.forEach(id -> ids.add(id.asText()));
        return ids;
    }

    private static JsonNode created(LabPaddock.Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json();
    }

    // ---- what libvirt says --------------------------------------------------------------------

    /** The host's started pools' capacities added up, in whole GiB, as {@code virsh pool-info} gives them. */
    private static long startedPoolsGib(Lab.Host host) {
        long bytes = 0;
        for (String pool : virsh(host, "pool-list", "--name").strip().split("\\s+")) {
            if (pool.isBlank()) {
                continue;
            }
            Matcher matcher = CAPACITY.matcher(virsh(host, "pool-info", "--bytes", pool));
            if (matcher.find()) {
                bytes += Long.parseLong(matcher.group(1));
            }
        }
        return bytes >> 30;
    }

    private static void virshQuietly(Lab.Host host, String... arguments) {
        try {
            virsh(host, arguments);
        } catch (IllegalStateException e) {
            // already gone
        }
    }

    private static String virsh(Lab.Host host, String... arguments) {
        List<String> command = new ArrayList<>(List.of("virsh", "-c", host.uri()));
        command.addAll(List.of(arguments));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("LC_ALL", "C");
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
