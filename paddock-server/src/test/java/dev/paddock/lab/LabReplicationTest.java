package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import dev.paddock.libvirt.LabAwait;
import dev.paddock.model.Disk;
import dev.paddock.model.Resources;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replication from site A (the lab's Paddock, its VM on h1) to site B (a second Paddock running in h3's namespace)
 * across a WAN of 100 Mbit/s and 20 ms each way: a writing guest backed up every 15 s has its points at site B with
 * a recovery point of at most the 15 s schedule plus each point's own lag (backup and transfer); a 60 s cut of the
 * link, then its repair: the points made meanwhile reach site B without the disks' data sent again.
 */
@Tag("lab")
class LabReplicationTest {

    @RegisterExtension
    static final LabServer LAB = new LabServer(Duration.ofSeconds(10));

    @RegisterExtension
    final LabWan wan = new LabWan(LAB.extension());

    private static final String SITE_B = "http://10.77.0.3:18080";
    private static final String TOKEN_B = dev.paddock.security.Secrets.strong().token();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Path dataB;
    private static Process siteB;

    @BeforeAll
    static void startSiteB() throws Exception {
        dataB = Files.createTempDirectory("paddock-site-b");
        List<String> command = List.of("ip", "netns", "exec", "h3",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "dev.paddock.Main", "server", "--plain-http",
                "--bind", "10.77.0.3", "--port", "18080", "--room", "empty", "--data", dataB.toString(),
                "--db", "jdbc:h2:file:" + dataB.resolve("paddock"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataB.resolve("server.log").toFile()));
        builder.environment().put("PADDOCK_ADMIN_TOKEN", TOKEN_B);
        siteB = builder.start();
        LabAwait.until("site B's Paddock answering", Duration.ofSeconds(90), () -> {
            try {
                return siteB("GET", "/api/v1/health", null).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        HttpResponse<String> made = siteB("POST", "/api/v1/backup-repositories", "{\"name\":\"dr\",\"path\":\""
                + dataB.resolve("backups").resolve("dr") + "\"}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
    }

    @AfterAll
    static void stopSiteB() throws Exception {
        if (siteB != null) {
            siteB.destroy();
            if (!siteB.waitFor(20, TimeUnit.SECONDS)) {
                siteB.destroyForcibly();
            }
        }
        if (dataB != null) {
            try (Stream<Path> files = Files.walk(dataB)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    @DisplayName("over a 100 Mbit/s, 20 ms WAN, points reach site B within the schedule plus their own lag, and"
            + " after a 60 s cut they catch up without the disks sent again")
    void replicationAcrossTheWan() throws Exception {
        LabPaddock.Registered lab = LAB.registered();
        // h3 is site B's: site A's Paddock must not watch it (its HA would fence it, and site B's Paddock with it,
        // when the link is cut).
        LabPaddock.Reply removed = LAB.paddock().delete("/api/v1/hosts/" + lab.host(3));
        assertThat(removed.status()).as(removed.body()).isEqualTo(204);
        String id = UUID.randomUUID().toString();
        String name = "replicated-" + id.substring(0, 6);
        Path datastore = LAB.lab().shared().resolve("datastores").resolve(lab.datastoreId());
        LabDisks.records(datastore.resolve(name + "-records.qcow2"));
        byte[] random = new byte[24 << 20];
        new java.util.Random(5).nextBytes(random);
        dataDisk(datastore.resolve(name + "-data.qcow2"), random);
        Vm vm = new Vm(id, name, lab.clusterId(), Optional.of(lab.host(1)), Resources.of(500, 128, 0, 0),
                VmState.STOPPED, VmOrigin.MANAGED, "", 0, Set.of(), Set.of(), Set.of(),
                List.of(new Disk("data", lab.datastoreId(), 1), new Disk("records", lab.datastoreId(), 1)), List.of());
        LabPaddock.run(LAB.server().parts(), vm, lab.host(1));
        Path repository = LAB.lab().shared().resolve("site-a-" + id.substring(0, 8));
        try {
            assertThat(LAB.paddock().post("/api/v1/backup-repositories", "{\"name\":\"site-a\",\"path\":\""
                    + repository + "\"}").status()).isEqualTo(201);
            wan.wan(3, 100, 20);
            LabPaddock.Reply replication = LAB.paddock().post("/api/v1/replications", "{\"name\":\"to-b\","
                    + "\"source\":\"site-a\",\"url\":\"" + SITE_B + "\",\"token\":\"" + TOKEN_B + "\","
                    + "\"repository\":\"dr\",\"intervalSeconds\":15,\"rpoSeconds\":45}");
            assertThat(replication.status()).as(replication.body()).isEqualTo(201);
            LabPaddock.Reply schedule = LAB.paddock().post("/api/v1/backup-schedules", "{\"name\":\"every-15s\","
                    + "\"repository\":\"site-a\",\"vms\":[\"" + id + "\"],\"interval\":\"every 15s\"}");
            assertThat(schedule.status()).as(schedule.body()).isEqualTo(201);

            // Steady state: every second, the newest point at site B and when it was first seen there.
            LabAwait.until("a first point at site B", Duration.ofSeconds(90), () -> !pointsAtB(id).isEmpty());
            Map<String, Duration> lag = new HashMap<>();
            List<Duration> rpo = new ArrayList<>();
            long until = System.nanoTime() + Duration.ofSeconds(48).toNanos();
            while (System.nanoTime() < until) {
                Instant now = Instant.now();
                List<JsonNode> points = pointsAtB(id);
                for (JsonNode point : points) {
                    lag.putIfAbsent(point.get("id").asText(), Duration.between(taken(point), now));
                }
                rpo.add(Duration.between(taken(points.getLast()), now));
                Thread.sleep(1000);
            }
            Duration worstLag = lag.values().stream().max(Comparator.naturalOrder()).orElseThrow();
            Duration worstRpo = rpo.stream().max(Comparator.naturalOrder()).orElseThrow();
            assertThat(lag).as("points seen at site B").hasSizeGreaterThanOrEqualTo(3);
            assertThat(worstRpo).as("recovery point (each point's lag: " + lag.values() + ")")
                    .isLessThanOrEqualTo(Duration.ofSeconds(15).plus(worstLag).plusSeconds(2));
            assertThat(worstLag).as("a point's way from its checkpoint to site B").isLessThan(Duration.ofSeconds(15));

            // A 60 s cut: points pile up at site A; then the link comes back and they catch up.
            long sentBefore = sentBytes();
            int beforeCut = pointsAtB(id).size();
            wan.cut(3);
            Thread.sleep(60_000);
            int madeDuringCut = pointsAt(id).size();
            wan.restore(3);
            LabAwait.until("site B caught up with site A", Duration.ofSeconds(90),
                    () -> pointsAtB(id).size() >= madeDuringCut);
            long caughtUp = sentBytes() - sentBefore;
            assertThat(madeDuringCut - beforeCut).as("points made while cut").isGreaterThanOrEqualTo(3);
            assertThat(caughtUp).as("bytes sent to catch up, against the 24 MiB of data on the disks")
                    .isPositive().isLessThan(4L << 20);
        } finally {
            LAB.paddock().delete("/api/v1/backup-schedules/every-15s");
            LAB.paddock().delete("/api/v1/replications/to-b");
            LAB.paddock().delete("/api/v1/vms/" + id + "?force=true");
            LabAwait.until("VM " + name + " deleted", Duration.ofSeconds(60),
                    () -> LAB.paddock().get("/api/v1/vms/" + id).status() == 404);
            if (Files.exists(repository)) {
                try (Stream<Path> files = Files.walk(repository)) {
                    files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        }
    }

    private static Instant taken(JsonNode point) {
        return Instant.parse(point.get("taken").asText());
    }

    /** The VM's points in site A's repository. */
    private static List<JsonNode> pointsAt(String vmId) {
        List<JsonNode> points = new ArrayList<>();
        LAB.paddock().get("/api/v1/backup-repositories/site-a/points?vm=" + vmId).json().get("items")
                .forEach(points::add);
        return points;
    }

    /** The VM's points at site B, oldest first. */
    private static List<JsonNode> pointsAtB(String vmId) {
        try {
            HttpResponse<String> reply = siteB("GET", "/api/v1/backup-repositories/dr/points?vm=" + vmId, null);
            List<JsonNode> points = new ArrayList<>();
            Json.mapper().readTree(reply.body()).get("items").forEach(points::add);
            points.sort(Comparator.comparing(LabReplicationTest::taken));
            return points;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Site A's count of bytes sent to other sites (its metrics). */
    private static long sentBytes() {
        String metrics = LAB.paddock().get("/metrics").body();
        return metrics.lines().filter(line -> line.startsWith("paddock_replication_sent_bytes_total"))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static HttpResponse<String> siteB(String method, String path, String body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(SITE_B + path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + TOKEN_B).header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }


    /**
     * A 64 MiB qcow2 disk holding {@code data} from 8 MiB on: the guest's heartbeat rewrites its first sector, and a
     * point carries each 4 MiB chunk a write touched, so the data stays clear of the heartbeat's chunk.
     */
    private static void dataDisk(Path qcow2, byte[] data) throws Exception {
        Path raw = Files.createTempFile("data", ".raw");
        try {
            try (RandomAccessFile file = new RandomAccessFile(raw.toFile(), "rw")) {
                file.setLength(64L << 20);
                file.seek(8 << 20);
                file.write(data);
            }
            LabDisks.qemuImg("convert", "-q", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString());
        } finally {
            Files.deleteIfExists(raw);
        }
    }

}
