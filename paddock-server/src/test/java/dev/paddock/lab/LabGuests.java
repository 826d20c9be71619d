package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.awaitility.Awaitility;

/**
 * Template guests as a user makes them, through REST only: the lab's template disk uploaded into a directory
 * datastore on the fixed-size file system, a template over it, VMs created from it with a cloud-init seed. The
 * template's guest answers HTTP on port 80 (its hostname, and probes under {@code /cgi-bin}).
 */
final class LabGuests {

    static final Duration OPERATION = Duration.ofMinutes(3);
    static final Duration BOOT = Duration.ofMinutes(5);

    private final LabServer lab;

    private LabGuests(LabServer lab) {
        this.lab = lab;
    }

    /** A datastore {@code datastore} on {@code hosts} with the template {@code template} over the lab's guest disk. */
    static LabGuests withTemplate(LabServer lab, String datastore, String template, String... hosts) throws Exception {
        Path directory = lab.lab().fixedSizeDirectory().resolve(datastore);
        Files.createDirectories(directory);
        String hostList = String.join("\",\"", hosts);
        JsonNode made = awaitDone(lab, lab.paddock().post("/api/v1/datastores", "{\"name\":\"" + datastore
                + "\",\"type\":\"dir\",\"shared\":true,\"source\":{\"path\":\"" + directory + "\"},\"hosts\":[\""
                + hostList + "\"]}"));
        byte[] bytes = Files.readAllBytes(lab.lab().template());
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        HttpResponse<String> uploaded = HttpClient.newHttpClient().send(HttpRequest.newBuilder(lab.server().url()
                        .resolve("/api/v1/datastores/" + made.get("target").asText() + "/images?name=" + template
                                + ".qcow2&sha256=" + sha256))
                .header("Content-Type", "application/octet-stream").header("Authorization", "Bearer " + LabPaddock.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        LabPaddock.Reply created = lab.paddock().post("/api/v1/templates", "{\"name\":\"" + template + "\",\"image\":\""
                + template + ".qcow2\",\"vcpus\":1,\"memoryMib\":128}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return new LabGuests(lab);
    }

    /** A VM of template {@code template} on host {@code host} (a name), its one NIC on {@code network} at {@code address}. */
    JsonNode create(String name, String template, String host, String network, String address) {
        return create(name, template, host, network, "", address);
    }

    /** As {@link #create(String, String, String, String, String)}, the NIC with more settings ({@code ,"k":v}). */
    JsonNode create(String name, String template, String host, String network, String nicSettings, String address) {
        JsonNode done = awaitDone(lab, lab.paddock().post("/api/v1/vms", "{\"name\":\"" + name + "\",\"template\":\""
                + template + "\",\"hostId\":\"" + hostId(host) + "\",\"cpuMillicores\":300,\"nics\":[{\"network\":\""
                + network + "\"" + nicSettings + "}],\"cloudInit\":{\"network\":{\"address\":\"" + address + "\"}}}"));
        return lab.paddock().get("/api/v1/vms/" + done.get("target").asText()).json();
    }

    String hostId(String name) {
        for (JsonNode host : lab.paddock().get("/api/v1/hosts").json().get("items")) {
            if (host.get("name").asText().equals(name)) {
                return host.get("id").asText();
            }
        }
        throw new AssertionError("no host " + name);
    }

    String siteId() {
        return lab.paddock().get("/api/v1/sites").json().get("items").get(0).get("id").asText();
    }

    /** Waits for an accepted operation to end, and asserts it is done. */
    static JsonNode awaitDone(LabServer lab, LabPaddock.Reply accepted) {
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String id = accepted.json().get("id").asText();
        JsonNode[] last = new JsonNode[1];
        Awaitility.await("operation " + id).atMost(OPERATION).pollInterval(Duration.ofMillis(250)).until(() -> {
            last[0] = lab.paddock().get("/api/v1/operations/" + id).json();
            String state = last[0].get("state").asText();
            return state.equals("DONE") || state.equals("FAILED") || state.equals("ROLLED_BACK");
        });
        assertThat(last[0].get("state").asText()).as(last[0].toPrettyString()).isEqualTo("DONE");
        return last[0];
    }

    JsonNode awaitDone(LabPaddock.Reply accepted) {
        return awaitDone(lab, accepted);
    }

    static URI http(String address, String path) {
        return URI.create("http://" + address + path);
    }
}
