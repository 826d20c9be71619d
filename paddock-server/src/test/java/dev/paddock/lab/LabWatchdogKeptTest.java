package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.libvirt.Lab;
import dev.paddock.libvirt.LabAwait;
import dev.paddock.server.PaddockServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A VM's watchdog survives every define the server makes on real libvirt: the create's, an HA restart's after its
 * host is powered off through its BMC, and a live migration's. Everything goes through the REST API; the device is
 * read from libvirt's own domain XML ({@code virsh dumpxml} on the host), never from Paddock.
 */
@Tag("lab")
class LabWatchdogKeptTest {

    @RegisterExtension
    static final LabServer LAB = new LabServer(Duration.ofSeconds(3));

    private static final Duration FAILOVER = Duration.ofSeconds(120);
    private static final Pattern WATCHDOG = Pattern.compile("<watchdog model='([a-z0-9]+)' action='([a-z-]+)'");

    private static PaddockServer server;
    private static LabPaddock paddock;
    private static LabPaddock.Registered lab;

    private final List<String> created = new ArrayList<>();

    @BeforeAll
    static void parts() {
        server = LAB.server();
        paddock = LAB.paddock();
        lab = LAB.registered();
    }

    /** Every host back on and healthy; the test's VMs deleted. */
    @AfterEach
    void restore() {
        for (int n = 1; n <= 3; n++) {
            if (LAB.lab().power(n) == Lab.Power.OFF) {
                LAB.lab().powerOn(n);
            }
        }
        for (int n = 1; n <= 3; n++) {
            String host = lab.host(n);
            LabAwait.until("h" + n + " connected and healthy", FAILOVER, () ->
                    paddock.get("/api/v1/hosts/" + host).json().get("state").asText().equals("CONNECTED")
                            && paddock.health(host).equals("HEALTHY"));
        }
        for (String id : created) {
            paddock.delete("/api/v1/vms/" + id + "?force=true");
            LabAwait.until("VM " + id + " deleted", Duration.ofSeconds(60),
                    () -> paddock.get("/api/v1/vms/" + id).status() == 404);
        }
    }

    @Test
    @DisplayName("a VM created with a watchdog has it on libvirt after the create, and after an HA restart elsewhere")
    void keptThroughCreateAndHaRestart() {
        String id = create(1, "poweroff");
        assertThat(watchdogOn(1, id)).as("the watchdog libvirt holds after the create").isEqualTo("i6300esb/poweroff");

        LAB.lab().powerOff(1);

        LabAwait.until("the VM restarted by HA on another host", FAILOVER, () -> {
            JsonNode vm = paddock.get("/api/v1/vms/" + id).json();
            return !vm.path("hostId").asText().equals(lab.host(1)) && vm.path("state").asText().equals("RUNNING")
                    && paddock.haEvent("ha.restart.planned", id);
        });
        int now = labHost(paddock.get("/api/v1/vms/" + id).json().path("hostId").asText());
        assertThat(now).isNotEqualTo(1);
        assertThat(watchdogOn(now, id)).as("the watchdog libvirt holds on h" + now + " after the HA restart")
                .isEqualTo("i6300esb/poweroff");
    }

    @Test
    @DisplayName("a VM created with a watchdog keeps it through a live migration asked for through the API")
    void keptThroughLiveMigration() {
        String id = create(2, "pause");
        assertThat(watchdogOn(2, id)).isEqualTo("i6300esb/pause");

        LabPaddock.Reply accepted = paddock.post("/api/v1/vms/" + id + "/migrate",
                "{\"hostId\":\"" + lab.host(3) + "\"}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        awaitDone(accepted.json().get("id").asText(), FAILOVER);

        assertThat(paddock.get("/api/v1/vms/" + id).json().path("hostId").asText()).isEqualTo(lab.host(3));
        assertThat(watchdogOn(3, id)).as("the watchdog libvirt holds on h3 after the migration")
                .isEqualTo("i6300esb/pause");
    }

    /** Creates and starts a protected one-vCPU VM with a watchdog on lab host n through the API. */
    private String create(int n, String action) {
        String name = "wd-" + UUID.randomUUID().toString().substring(0, 8);
        LabPaddock.Reply accepted = paddock.post("/api/v1/vms", "{\"name\":\"" + name + "\",\"vcpus\":1,"
                + "\"memoryMib\":128,\"haPriority\":1,\"hostId\":\"" + lab.host(n) + "\",\"watchdog\":{\"action\":\""
                + action + "\"}}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String id = accepted.json().get("target").asText();
        created.add(id);
        awaitDone(accepted.json().get("id").asText(), Duration.ofSeconds(60));
        return id;
    }

    private static void awaitDone(String operationId, Duration within) {
        LabAwait.until("operation " + operationId + " final", within, () -> paddock.get("/api/v1/operations/"
                + operationId).json().get("state").asText().matches("DONE|FAILED|ROLLED_BACK|CANCELLED"));
        JsonNode operation = paddock.get("/api/v1/operations/" + operationId).json();
        assertThat(operation.get("state").asText()).as(operation.toString()).isEqualTo("DONE");
    }

    private static int labHost(String hostId) {
        return lab.hostIds().entrySet().stream().filter(e -> e.getValue().equals(hostId))
                .map(e -> Integer.parseInt(e.getKey().substring(1))).findFirst()
                .orElseThrow(() -> new AssertionError("no lab host has id " + hostId));
    }

    /** The watchdog of the domain's persistent definition on lab host n, as "model/action", read with virsh. */
    private static String watchdogOn(int n, String uuid) {
        String xml = virsh(LAB.lab().host(n).uri(), "dumpxml", "--inactive", uuid);
        Matcher watchdog = WATCHDOG.matcher(xml);
        return watchdog.find() ? watchdog.group(1) + "/" + watchdog.group(2) : "none";
    }

    private static String virsh(String uri, String... args) {
        List<String> command = new ArrayList<>(List.of("virsh", "-c", uri));
        command.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(Map.of("LC_ALL", "C"));
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + ": " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
