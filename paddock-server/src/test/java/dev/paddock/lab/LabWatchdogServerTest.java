package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.json.Json;
import dev.paddock.libvirt.Lab;
import dev.paddock.libvirt.LabAwait;
import dev.paddock.libvirt.LabExtension;
import dev.paddock.libvirt.LibvirtHypervisor;
import dev.paddock.model.Watchdog;
import dev.paddock.server.PaddockServer;
import dev.paddock.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * HA's second level end to end on real libvirt: a VM created through the API with a watchdog (action poweroff)
 * whose guest OS hangs is powered off by QEMU, and the server audits, alarms and starts it again by itself.
 *
 * <p>Paddock boots its VMs with the lab's plain kernel, whose guest never arms a watchdog; so, as a person testing
 * VM monitoring would, the test boots the VM's domain behind Paddock's back with the lab's watchdog kernel and
 * {@code paddock.hang}, keeping its UUID, name and device.
 */
@Tag("lab")
class LabWatchdogServerTest {

    private static final int HANG_AFTER_SECONDS = 15;

    @RegisterExtension
    static final LabExtension LAB = new LabExtension();

    @TempDir
    static Path directory;

    private static PaddockServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static String h1;

    @BeforeAll
    static void startServerAndRegisterHostOne() {
        server = PaddockServer.start(LabPaddock.secured(ServerConfig.inDirectory(directory, "127.0.0.1", 0,
                ServerConfig.Room.EMPTY).withLibvirtSharedDirectory(LAB.lab().shared())));
        String site = post("/api/v1/sites", "{\"name\":\"lab\"}").get("id").asText();
        String cluster = post("/api/v1/clusters", "{\"siteId\":\"" + site + "\",\"name\":\"lab\"}").get("id").asText();
        Lab.Host host = LAB.lab().host(1);
        h1 = post("/api/v1/hosts", "{\"clusterId\":\"" + cluster + "\",\"name\":\"" + host.id() + "\",\"uri\":\""
                + host.uri() + "\"}").get("id").asText();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("a hung guest powered off by its watchdog is audited, alarmed and started again by Paddock")
    void hungGuestComesBack() {
        String name = "hangs-" + UUID.randomUUID().toString().substring(0, 8);
        JsonNode accepted = post("/api/v1/vms", "{\"name\":\"" + name + "\",\"vcpus\":1,\"memoryMib\":192,\"hostId\":\""
                + h1 + "\",\"start\":false,\"watchdog\":{\"action\":\"poweroff\"}}");
        String id = accepted.get("target").asText();
        LabAwait.until("the create operation done", Duration.ofSeconds(60),
                () -> get("/api/v1/operations/" + accepted.get("id").asText()).get("state").asText().equals("DONE"));
        DomainSpec hanging = LAB.lab().watchdogGuest(id, name, HANG_AFTER_SECONDS)
                .withWatchdog(Optional.of(new Watchdog(Watchdog.Model.I6300ESB, Watchdog.Action.POWEROFF)));
        try (LibvirtHypervisor direct = new LibvirtHypervisor(LAB.lab().settings())) {
            String libvirtHost = LAB.lab().host(1).id();
            direct.attach(libvirtHost, LAB.lab().host(1).uri());
            direct.define(libvirtHost, hanging);
            direct.start(libvirtHost, id);

            LabAwait.until("Paddock's restart after the watchdog fired", Duration.ofSeconds(150),
                    () -> haActionsOn(id).contains("ha.watchdog.restart"));
            LabAwait.until("the guest booted afresh", Duration.ofSeconds(60),
                    () -> LAB.lab().heartbeat(hanging).orElse(Long.MAX_VALUE) < HANG_AFTER_SECONDS);

            assertThat(haActionsOn(id)).startsWith("ha.watchdog.fired");
            assertThat(get("/api/v1/alarms").get("items").findValuesAsText("kind")).contains("ha.watchdog.fired");
            assertThat(get("/api/v1/vms/" + id).get("state").asText()).isEqualTo("RUNNING");
            direct.destroy(libvirtHost, id);
            direct.undefine(libvirtHost, id);
        }
    }

    /** The HA audit actions about the VM, oldest first. */
    private static java.util.List<String> haActionsOn(String id) {
        java.util.List<String> actions = new java.util.ArrayList<>();
        for (JsonNode entry : get("/api/v1/ha/events?limit=500").get("items")) {
            if (entry.get("subjectId").asText().equals(id)) {
                actions.add(entry.get("action").asText());
            }
        }
        java.util.Collections.reverse(actions);
        return actions;
    }

    private static JsonNode get(String path) {
        return send(HttpRequest.newBuilder(url(path)).GET());
    }

    private static JsonNode post(String path, String json) {
        return send(HttpRequest.newBuilder(url(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static URI url(String path) {
        return server.url().resolve(path);
    }

    private static JsonNode send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.header("Authorization", "Bearer " + LabPaddock.TOKEN).build(), HttpResponse.BodyHandlers.ofString());
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
