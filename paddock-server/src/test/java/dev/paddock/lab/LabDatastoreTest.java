package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import dev.paddock.libvirt.Lab;
import dev.paddock.libvirt.LabAwait;
import dev.paddock.libvirt.LabExtension;
import dev.paddock.libvirt.LibvirtHypervisor;
import dev.paddock.server.PaddockServer;
import dev.paddock.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Datastores made through the REST API of a real Paddock server on the lab: an {@code iscsi-direct} pool over the
 * lab's tgt target on h1 and h2 (one shared datastore), a {@code dir} pool on h1; both discovered with the sizes
 * {@code virsh pool-info} reports, the target's LUN listed as a volume, and a bad request that leaves no pool.
 */
@Tag("lab")
class LabDatastoreTest {

    @RegisterExtension
    static final LabExtension LAB = new LabExtension();

    @TempDir
    static Path directory;

    private static PaddockServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Map<String, String> HOST_IDS = new HashMap<>();
    private static final Pattern POOL_INFO = Pattern.compile("(?m)^(Capacity|Allocation|Available):\\s+(\\d+)");
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> pools = new ArrayList<>();

    @BeforeAll
    static void startServerAndRegisterTheLab() {
        Lab lab = LAB.lab();
        server = PaddockServer.start(LabPaddock.secured(ServerConfig.inDirectory(directory, "127.0.0.1", 0,
                ServerConfig.Room.EMPTY).withLibvirtSharedDirectory(lab.shared())));
        String siteId = created(post("/api/v1/sites", "{\"name\":\"lab\"}")).get("id").asText();
        String clusterId = created(post("/api/v1/clusters", "{\"siteId\":\"" + siteId + "\",\"name\":\"lab\"}"))
                .get("id").asText();
        for (Lab.Host host : lab.hosts()) {
            HOST_IDS.put(host.id(), created(post("/api/v1/hosts", "{\"clusterId\":\"" + clusterId + "\",\"name\":\""
                    + host.id() + "\",\"uri\":\"" + host.uri() + "\"}")).get("id").asText());
        }
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void undefineThePools() {
        try (LibvirtHypervisor direct = new LibvirtHypervisor(LAB.lab().settings())) {
            for (Lab.Host host : LAB.lab().hosts()) {
                direct.attach(host.id(), host.uri());
                pools.forEach(pool -> direct.undefinePool(host.id(), pool));
            }
        }
    }

    @Test
    @DisplayName("an iscsi-direct datastore on h1 and h2 and a dir datastore on h1 are made, discovered with libvirt's"
            + " sizes, h1's disk capacity is what they hold, and the LUN listed")
    void iscsiAndDir() {
        Lab.IscsiTarget target = LAB.lab().iscsi();
        String san = "san-" + suffix;
        String local = "local-" + suffix;
        pools.addAll(List.of(san, local));

        JsonNode sanOperation = awaitDone(post("/api/v1/datastores", "{\"name\":\"" + san + "\",\"type\":"
                + "\"iscsi-direct\",\"source\":{\"host\":\"" + target.portal() + "\",\"iqn\":\"" + target.iqn()
                + "\"},\"hosts\":[\"h1\",\"h2\"]}"));
        JsonNode localOperation = awaitDone(post("/api/v1/datastores", "{\"name\":\"" + local + "\",\"type\":\"dir\","
                + "\"source\":{\"path\":\"" + LAB.lab().shared().resolve("pools/" + local) + "\"},\"hosts\":[\"h1\"]}"));

        String sanId = sanOperation.get("target").asText();
        String localId = localOperation.get("target").asText();
        LabAwait.until("the iSCSI datastore on h1 and h2 with its size", Duration.ofSeconds(40), () -> {
            JsonNode datastore = get("/api/v1/datastores/" + sanId).json();
            return datastore.get("hostIds").size() == 2 && datastore.get("capacityBytes").asLong() > 0;
        });
        JsonNode sanDatastore = get("/api/v1/datastores/" + sanId).json();
        Map<String, Long> sanInfo = poolInfo(LAB.lab().host(2), san);
        assertThat(sanDatastore.get("shared").asBoolean()).isTrue();
        assertThat(sanDatastore.get("type").asText()).isEqualTo("iscsi-direct");
        assertThat(sanDatastore.get("capacityBytes").asLong()).isEqualTo(sanInfo.get("Capacity"));
        assertThat(sanDatastore.get("freeBytes").asLong()).isEqualTo(sanInfo.get("Available"));
        assertThat(ids(sanDatastore.get("hostIds"))).containsExactlyInAnyOrder(HOST_IDS.get("h1"), HOST_IDS.get("h2"));

        LabAwait.until("the dir datastore on h1 with its size", Duration.ofSeconds(40),
                () -> get("/api/v1/datastores/" + localId).json().get("capacityBytes").asLong() > 0);
        JsonNode localDatastore = get("/api/v1/datastores/" + localId).json();
        Map<String, Long> localInfo = poolInfo(LAB.lab().host(1), local);
        assertThat(localDatastore.get("shared").asBoolean()).isFalse();
        assertThat(ids(localDatastore.get("hostIds"))).containsExactly(HOST_IDS.get("h1"));
        assertThat(localDatastore.get("capacityBytes").asLong()).isEqualTo(localInfo.get("Capacity"));
        // the file system under the lab is the machine's own: others write to it between the two reads
        assertThat(localDatastore.get("freeBytes").asLong()).isCloseTo(localInfo.get("Available"),
                offset(256L << 20));

        // A host's disk is what its started pools hold (the machine's file system under the dir pool, here)
        String h1 = "/api/v1/hosts/" + HOST_IDS.get("h1");
        LabAwait.until("h1's disk capacity from its pools", Duration.ofSeconds(40),
                () -> get(h1).json().get("capacity").get("diskGib").asLong() > 0);
        assertThat(get(h1).json().get("capacity").get("diskGib").asLong())
                .isGreaterThanOrEqualTo((localInfo.get("Capacity") + sanInfo.get("Capacity")) >> 30);

        JsonNode volumes = get("/api/v1/datastores/" + sanId + "/volumes").json().get("items");
        assertThat(volumes).anySatisfy(volume -> {
            assertThat(volume.get("name").asText()).isEqualTo("unit:0:0:1");
            assertThat(volume.get("capacityBytes").asLong()).isCloseTo(256L << 20, offset(4096L));
        });
    }

    @Test
    @DisplayName("a datastore on an unknown host is a 422 with one sentence, and no host has the pool")
    void unknownHost() {
        String name = "bad-" + suffix;
        pools.add(name);

        Reply reply = post("/api/v1/datastores", "{\"name\":\"" + name + "\",\"type\":\"dir\",\"source\":{\"path\":\""
                + LAB.lab().shared().resolve("pools/" + name) + "\"},\"hosts\":[\"h1\",\"h9\"]}");

        assertThat(reply.status()).as(reply.body()).isEqualTo(422);
        assertThat(reply.json().get("detail").asText()).isEqualTo("Field 'hosts' names no host: 'h9'.");
        for (Lab.Host host : LAB.lab().hosts()) {
            assertThat(virsh(host, "pool-list", "--all", "--name")).doesNotContain(name);
        }
        assertThat(get("/api/v1/datastores").json().get("items").toString()).doesNotContain(name);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static List<String> ids(JsonNode array) {
        List<String> ids = new ArrayList<>();
        array.forEach(id -> ids.add(id.asText()));
        return ids;
    }

    /** What {@code virsh pool-info --bytes} says of a pool, as a person would read it. */
    private static Map<String, Long> poolInfo(Lab.Host host, String pool) {
        Matcher matcher = POOL_INFO.matcher(virsh(host, "pool-info", "--bytes", pool));
        Map<String, Long> info = new HashMap<>();
        while (matcher.find()) {
            info.put(matcher.group(1), Long.parseLong(matcher.group(2)));
        }
        assertThat(info).containsKeys("Capacity", "Available");
        return info;
    }

    private static String virsh(Lab.Host host, String... arguments) {
        List<String> command = new ArrayList<>(List.of("virsh", "-c", host.uri()));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
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

    /** Follows an accepted operation until it is final, and requires it DONE. */
    private static JsonNode awaitDone(Reply accepted) {
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        List<JsonNode> last = new ArrayList<>(List.of(accepted.json()));
        LabAwait.until("operation " + accepted.location() + " final", Duration.ofSeconds(60), () -> {
            JsonNode operation = get(accepted.location()).json();
            last.set(0, operation);
            return operation.get("isFinal").asBoolean();
        });
        assertThat(last.getFirst().get("state").asText()).as(last.getFirst().toString()).isEqualTo("DONE");
        return last.getFirst();
    }

    private static JsonNode created(Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json();
    }

    private static URI url(String path) {
        return server.url().resolve(path);
    }

    private static Reply get(String path) {
        return send(HttpRequest.newBuilder(url(path)).GET());
    }

    private static Reply post(String path, String json) {
        return send(HttpRequest.newBuilder(url(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.header("Authorization", "Bearer " + LabPaddock.TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().firstValue("Location").orElse(""),
                    response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private record Reply(int status, String location, String body) {
        JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
