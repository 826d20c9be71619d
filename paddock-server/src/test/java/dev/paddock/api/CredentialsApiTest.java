package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import dev.paddock.model.Host;
import dev.paddock.tls.ServerCertificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Libvirt credentials as a client of the API keeps them: sealed, never answered back, not deleted while named. */
class CredentialsApiTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    TestServer server;

    @TempDir
    Path directory;

    String certificate;
    String key;

    @BeforeEach
    void pem() throws IOException {
        ServerCertificate.selfSigned(directory, Set.of("paddock-client"));
        certificate = Files.readString(directory.resolve(ServerCertificate.CERTIFICATE_FILE));
        key = Files.readString(directory.resolve(ServerCertificate.KEY_FILE));
    }

    @Test
    void aTlsCredentialIsKeptSealedAndItsKeyNeverAnsweredNorStoredInClear() throws Exception {
        TestServer.Reply kept = server.post("/api/v1/libvirt-credentials", tls("lab"));
        TestServer.Reply listed = server.get("/api/v1/libvirt-credentials");
        TestServer.Reply one = server.get("/api/v1/libvirt-credentials/lab");

        assertThat(kept.status()).as(kept.body()).isEqualTo(201);
        JsonNode credential = kept.json();
        assertThat(credential.get("kind").asText()).isEqualTo("TLS");
        assertThat(credential.get("summary").asText()).startsWith("client O=Paddock,CN=paddock-client issued by"
                + " O=Paddock,CN=paddock-client, valid until 20").endsWith("; hosts checked against CA"
                + " O=Paddock,CN=paddock-client");
        assertThat(kept.location()).isEqualTo("/api/v1/libvirt-credentials/" + credential.get("id").asText());
        assertThat(listed.json().get("items")).hasSize(1);
        assertThat(one.json().get("id").asText()).isEqualTo(credential.get("id").asText());
        String keyBody = key.lines().filter(line -> !line.startsWith("-----")).findFirst().orElseThrow();
        for (TestServer.Reply reply : List.of(kept, listed, one, server.get("/api/v1/audit"))) {
            assertThat(reply.body()).doesNotContain(keyBody).doesNotContain("PRIVATE KEY");
        }
        assertThat(storeFiles()).noneMatch(bytes -> new String(bytes, StandardCharsets.ISO_8859_1).contains(keyBody));
    }

    @Test
    void badFilesAreRefusedWithASentenceAndNothingKept() {
        Map<String, Object> swapped = body("bad", "tls");
        swapped.put("caCertificate", certificate);
        swapped.put("clientCertificate", key);
        swapped.put("clientKey", key);
        Map<String, Object> noKey = body("bad", "tls");
        noKey.put("caCertificate", certificate);
        noKey.put("clientCertificate", certificate);
        noKey.put("clientKey", certificate);
        Map<String, Object> mixed = body("bad", "ssh");
        mixed.put("privateKey", key);
        mixed.put("clientCertificate", certificate);
        Map<String, Object> kind = body("bad", "kerberos");

        assertThat(detail(swapped)).isEqualTo("Field 'clientCertificate' must be a PEM certificate"
                + " (-----BEGIN CERTIFICATE-----).");
        assertThat(detail(noKey)).isEqualTo("Field 'clientKey' must be a private key in PEM or OpenSSH form"
                + " (-----BEGIN ... PRIVATE KEY-----).");
        assertThat(detail(mixed)).isEqualTo("Field 'clientCertificate' is not part of a ssh credential.");
        assertThat(detail(kind)).isEqualTo("Field 'kind' must be 'tls' or 'ssh', not 'kerberos'.");
        assertThat(server.get("/api/v1/libvirt-credentials").json().get("items")).isEmpty();
    }

    @Test
    void aCredentialAHostNamesIsNotDeletedAndAnotherIsGoneForGood() {
        server.post("/api/v1/libvirt-credentials", tls("used"));
        server.post("/api/v1/libvirt-credentials", tls("spare"));
        TestServer.Reply twice = server.post("/api/v1/libvirt-credentials", tls("spare"));
        Host like = TestServer.HOST_2;
        server.store.put(new Host("host-3", like.clusterId(), "h3", "qemu+tls://192.0.2.3/system?credential=used",
                like.capacity(), like.state(), like.power(), like.licences(), like.cpu()));

        TestServer.Reply refused = server.delete("/api/v1/libvirt-credentials/used");
        TestServer.Reply deleted = server.delete("/api/v1/libvirt-credentials/spare");

        assertThat(twice.status()).isEqualTo(409);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("detail").asText()).isEqualTo("Libvirt credential 'used' is used by host h3;"
                + " remove them or give them another URI first.");
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(server.get("/api/v1/libvirt-credentials/spare").status()).isEqualTo(404);
    }

    private String tls(String name) {
        Map<String, Object> body = body(name, "tls");
        body.put("caCertificate", certificate);
        body.put("clientCertificate", certificate);
        body.put("clientKey", key);
        return json(body);
    }

    private static Map<String, Object> body(String name, String kind) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("kind", kind);
        return body;
    }

    private String detail(Map<String, Object> body) {
        TestServer.Reply reply = server.post("/api/v1/libvirt-credentials", json(body));
        assertThat(reply.status()).as(reply.body()).isEqualTo(422);
        return reply.json().get("detail").asText();
    }

    private static String json(Map<String, Object> body) {
        try {
            return Json.mapper().writeValueAsString(body);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Every row of the credentials table, as the database holds it. */
    private List<byte[]> storeFiles() throws java.sql.SQLException {
        List<byte[]> rows = new java.util.ArrayList<>();
        try (var connection = server.dataSource().getConnection();
                var result = connection.createStatement().executeQuery("SELECT * FROM libvirt_credentials")) {
            while (result.next()) {
                StringBuilder row = new StringBuilder();
                for (int column = 1; column <= result.getMetaData().getColumnCount(); column++) {
                    row.append(result.getString(column)).append('|');
                }
                rows.add(row.toString().getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        assertThat(rows).hasSize(1);
        return rows;
    }
}
