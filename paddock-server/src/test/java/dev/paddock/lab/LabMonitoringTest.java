package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.json.Json;
import dev.paddock.libvirt.Lab;
import dev.paddock.libvirt.LabAwait;
import dev.paddock.libvirt.LabExtension;
import dev.paddock.libvirt.LibvirtHypervisor;
import dev.paddock.server.PaddockServer;
import dev.paddock.server.ServerConfig;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Monitoring on real libvirt, watched by a real Prometheus (Debian's) and a real SMTP server (GreenMail), both on
 * loopback: Prometheus scrapes the server's {@code /metrics} every second with a bearer token, and a PromQL query of
 * a lab VM's CPU usage rises when the guest starts burning CPU; a threshold on that VM raises an alarm, mailed, and
 * clears it, mailed, when the guest calms down.
 *
 * <p>The guest burns CPU the way the lab's guests write: its /init appends fsync'd records to a records disk as fast
 * as it can. The test holds that disk to one I/O a second with libvirt's block throttling (the guest idles, waiting)
 * and lifts the limit to let it run (QEMU then spends most of a core on the guest), as a person testing monitoring
 * would make a guest busy without logging into it.
 */
@Tag("lab")
class LabMonitoringTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final LabExtension LAB = new LabExtension();

    @TempDir
    static Path directory;

    private static PaddockServer server;
    private static GreenMail smtp;
    private static Process prometheus;
    private static URI prometheusUrl;
    private static String h1;

    @BeforeAll
    static void startServerPrometheusAndSmtp() throws IOException {
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        server = PaddockServer.start(LabPaddock.secured(ServerConfig.inDirectory(directory.resolve("paddock"),
                "127.0.0.1", 0, ServerConfig.Room.EMPTY).withLibvirtSharedDirectory(LAB.lab().shared())
                .withSampleInterval(Duration.ofSeconds(1))));
        String site = post("/api/v1/sites", "{\"name\":\"lab\"}").get("id").asText();
        String cluster = post("/api/v1/clusters", "{\"siteId\":\"" + site + "\",\"name\":\"lab\"}").get("id").asText();
        Lab.Host host = LAB.lab().host(1);
        h1 = post("/api/v1/hosts", "{\"clusterId\":\"" + cluster + "\",\"name\":\"" + host.id() + "\",\"uri\":\""
                + host.uri() + "\"}").get("id").asText();
        prometheus = startPrometheus();
    }

    /** Debian's Prometheus on a free loopback port, scraping the server every second with the lab's token. */
    private static Process startPrometheus() throws IOException {
        int port = freePort();
        Path config = Files.writeString(directory.resolve("prometheus.yml"), String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  evaluation_interval: 1s",
                "scrape_configs:",
                "  - job_name: paddock",
                "    metrics_path: /metrics",
                "    authorization:",
                "      type: Bearer",
                "      credentials: " + LabPaddock.TOKEN,
                "    static_configs:",
                "      - targets: ['127.0.0.1:" + server.port() + "']",
                ""));
        Process started = new ProcessBuilder("prometheus", "--config.file=" + config,
                "--storage.tsdb.path=" + directory.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(directory.resolve("prometheus.log").toFile()).start();
        prometheusUrl = URI.create("http://127.0.0.1:" + port);
        LabAwait.until("Prometheus ready (see " + directory.resolve("prometheus.log") + ")", Duration.ofSeconds(30),
                () -> started.isAlive() && status(prometheusUrl.resolve("/-/ready")) == 200);
        return started;
    }

    @AfterAll
    static void stopAll() throws InterruptedException {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
        if (server != null) {
            server.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    @DisplayName("Prometheus sees a lab VM's CPU rise when its guest burns CPU; a threshold alarm on it is mailed"
            + " raised and cleared")
    void cpuRisesInPrometheusAndAThresholdAlarmIsMailedRaisedAndCleared() throws Exception {
        String channel = post("/api/v1/channels", "{\"name\":\"ops\",\"kind\":\"email\",\"smtpHost\":\"127.0.0.1\","
                + "\"smtpPort\":" + smtp.getSmtp().getPort() + ",\"from\":\"paddock@lab.test\","
                + "\"to\":[\"ops@lab.test\"]}").get("id").asText();
        assertThat(post("/api/v1/channels/" + channel + "/test", "").get("delivered").asBoolean()).isTrue();
        String name = "burner-" + UUID.randomUUID().toString().substring(0, 8);
        JsonNode accepted = post("/api/v1/vms", "{\"name\":\"" + name + "\",\"vcpus\":1,\"memoryMib\":128,\"hostId\":\""
                + h1 + "\",\"start\":false}");
        String id = accepted.get("target").asText();
        LabAwait.until("the create operation done", Duration.ofSeconds(60),
                () -> get("/api/v1/operations/" + accepted.get("id").asText()).get("state").asText().equals("DONE"));
        Path records = LAB.lab().shared().resolve("images").resolve(id + "-records.qcow2");
        LabDisks.records(records);
        DomainSpec plain = LAB.lab().guest(id, name, 1, 128);
        List<DomainSpec.DiskSpec> disks = new ArrayList<>(plain.disks());
        disks.add(new DomainSpec.DiskSpec("vdb", records.toString(), "qcow2", 1));
        DomainSpec burner = plain.withDisks(disks);
        String libvirtHost = LAB.lab().host(1).id();
        try (LibvirtHypervisor direct = new LibvirtHypervisor(LAB.lab().settings())) {
            direct.attach(libvirtHost, LAB.lab().host(1).uri());
            direct.define(libvirtHost, burner);
            throttle(id, 1, "--config");
            direct.start(libvirtHost, id);
            try {
                LabAwait.until("Prometheus has the VM's CPU", Duration.ofSeconds(60),
                        () -> cpu(name, "5s").isPresent());
                // the guest's boot burns CPU for a few seconds; then its records wait on the throttled disk
                Thread.sleep(15_000);
                double quiet = cpu(name, "5s").orElseThrow();
                assertThat(quiet).as("CPU of the guest waiting on its disk").isLessThan(0.3);

                post("/api/v1/thresholds", "{\"name\":\"burning\",\"metric\":\"vm.cpu_percent\",\"comparison\":"
                        + "\"above\",\"value\":40,\"durationSeconds\":5,\"scope\":\"vm\",\"scopeId\":\"" + name + "\"}");
                throttle(id, 0, "--live");
                LabAwait.until("Prometheus sees the CPU rise", Duration.ofSeconds(60),
                        () -> cpu(name, "5s").orElse(0) > Math.max(0.4, quiet + 0.3));
                System.out.printf("CPU of the guest in Prometheus: %.3f waiting on its disk, %.3f burning%n", quiet,
                        cpu(name, "5s").orElseThrow());

                LabAwait.until("the threshold's alarm raised", Duration.ofSeconds(60), () -> alarm(id) != null);
                LabAwait.until("the raised alarm's mail", Duration.ofSeconds(30), () -> mails().stream()
                        .anyMatch(mail -> mail.startsWith("vm " + name + ": ")));
                throttle(id, 1, "--live");
                LabAwait.until("the alarm cleared", Duration.ofSeconds(90), () -> alarm(id).has("cleared"));
                LabAwait.until("the cleared alarm's mail", Duration.ofSeconds(30), () -> mails().stream()
                        .anyMatch(mail -> mail.startsWith("cleared: vm " + name + " at ")));
                assertThat(alarm(id).get("cleared").get("reason").asText()).startsWith("cleared: vm " + name + " at ")
                        .endsWith("threshold burning (vm.cpu_percent > 40 for 5 s) no longer holds");
                assertThat(thresholdAlarms(id)).as("raised once").isEqualTo(1);
            } finally {
                direct.destroy(libvirtHost, id);
                direct.undefine(libvirtHost, id);
                Files.deleteIfExists(records);
            }
        }
    }

    /** Holds the domain's records disk to {@code iops} I/Os a second (0: no limit), live or in its definition. */
    private static void throttle(String id, int iops, String where) {
        List<String> command = List.of("virsh", "-c", LAB.lab().host(1).uri(), "blkdeviotune", id, "vdb",
                "--total-iops-sec", String.valueOf(iops), where);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The VM's CPU usage averaged over {@code window}, as Prometheus answers a PromQL query; empty before it has any. */
    private static OptionalDouble cpu(String vm, String window) {
        String query = "avg_over_time(paddock_vm_cpu_usage_ratio{job=\"paddock\",vm=\"" + vm + "\"}[" + window + "])";
        JsonNode answer = json(HttpRequest.newBuilder(prometheusUrl.resolve("/api/v1/query?query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8))).GET());
        assertThat(answer.get("status").asText()).isEqualTo("success");
        JsonNode result = answer.get("data").get("result");
        return result.isEmpty() ? OptionalDouble.empty()
                : OptionalDouble.of(Double.parseDouble(result.get(0).get("value").get(1).asText()));
    }

    /** The subject lines of the mails the SMTP server took, "[Paddock] " left out. */
    private static List<String> mails() throws Exception {
        List<String> subjects = new ArrayList<>();
        for (MimeMessage message : smtp.getReceivedMessages()) {
            subjects.add(message.getSubject().replaceFirst("^\\[Paddock\\] ", ""));
            assertThat(GreenMailUtil.getBody(message)).isNotBlank();
        }
        return subjects;
    }

    /** The threshold alarm on the VM, or null. */
    private static JsonNode alarm(String vmId) {
        for (JsonNode alarm : get("/api/v1/alarms").get("items")) {
            if (alarm.get("subjectId").asText().equals(vmId) && alarm.get("kind").asText().startsWith("threshold.")) {
                return alarm;
            }
        }
        return null;
    }

    private static long thresholdAlarms(String vmId) {
        long count = 0;
        for (JsonNode alarm : get("/api/v1/alarms").get("items")) {
            count += alarm.get("subjectId").asText().equals(vmId) && alarm.get("kind").asText().startsWith("threshold.")
                    ? 1 : 0;
        }
        return count;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static int status(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static JsonNode get(String path) {
        return paddock(HttpRequest.newBuilder(server.url().resolve(path)).GET());
    }

    private static JsonNode post(String path, String json) {
        return paddock(HttpRequest.newBuilder(server.url().resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static JsonNode paddock(HttpRequest.Builder request) {
        return json(request.header("Authorization", "Bearer " + LabPaddock.TOKEN));
    }

    private static JsonNode json(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 400) {
                throw new AssertionError(response.statusCode() + " " + response.body());
            }
            return Json.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
