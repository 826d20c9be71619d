package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.hypervisor.PoolSource;
import dev.paddock.hypervisor.PoolType;
import dev.paddock.json.Json;
import dev.paddock.security.RateLimiter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request limits through the real HTTP API: a body larger than its route takes is refused 413, from its
 * Content-Length before it is sent, or as it is read when it has none; the image upload takes its own, larger size;
 * a caller who starts work faster than the server's rate is refused 429 with Retry-After, and others are not.
 */
class RequestLimitsApiTest {

    private static final long GIB = 1L << 30;
    private static final long KIB = 1L << 10;

    @TempDir
    Path directory;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    @DisplayName("a JSON body declared larger than 1 MiB is answered 413 with the limit before a byte of it is sent")
    void declaredTooLarge() throws IOException {
        try (TestServer server = new TestServer(directory)) {
            Raw reply = declaring(server, "POST", "/api/v1/vms", 2L << 20);

            assertThat(reply.status()).isEqualTo(413);
            assertThat(reply.contentType()).startsWith(Problem.MEDIA_TYPE);
            assertThat(detail(reply.body())).isEqualTo("The request body of 2097152 bytes is over the 1 MiB that"
                    + " POST /api/v1/vms takes.");
            assertThat(server.get("/api/v1/vms").json().get("items")).isEmpty();
        }
    }

    @Test
    @DisplayName("a body sent without a Content-Length is cut off at the configured limit as it is read: 413")
    void streamedTooLarge() throws Exception {
        try (TestServer server = TestServer.withLimits(directory, RequestLimits.DEFAULT.withMaxRequestBytes(4 * KIB))) {
            byte[] body = ("{\"name\":\"web\",\"vcpus\":1,\"memoryMib\":512,\"description\":\""
                    + "x".repeat(64 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(server.url().resolve("/api/v1/vms"))
                    .header("Authorization", "Bearer " + server.adminToken)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(reply.statusCode()).isEqualTo(413);
            assertThat(detail(reply.body())).isEqualTo("The request body is over the 4 KiB that POST /api/v1/vms"
                    + " takes.");
            assertThat(server.post("/api/v1/vms", "{\"name\":\"small\",\"vcpus\":1,\"memoryMib\":512}").status())
                    .isEqualTo(202);
        }
    }

    @Test
    @DisplayName("an image upload takes more than the limit for JSON, up to 1 TiB, and keeps its checksum rule")
    void uploadHasItsOwnLimit() throws Exception {
        try (TestServer server = TestServer.withLimits(directory, RequestLimits.DEFAULT.withMaxRequestBytes(4 * KIB))) {
            String datastore = datastore(server);
            byte[] image = qcow2(16 * KIB);

            TestServer.Reply corrupt = upload(server, datastore, "base", image, "0".repeat(64));
            TestServer.Reply kept = upload(server, datastore, "base", image, null);
            Raw huge = declaring(server, "POST", "/api/v1/datastores/" + datastore + "/images?name=huge", 2L << 40);

            assertThat(corrupt.status()).as(corrupt.body()).isEqualTo(422);
            assertThat(kept.status()).as(kept.body()).isEqualTo(201);
            assertThat(huge.status()).isEqualTo(413);
            assertThat(detail(huge.body())).isEqualTo("The request body of 2199023255552 bytes is over the 1 TiB"
                    + " that POST /api/v1/datastores/{id}/images takes.");
        }
    }

    @Test
    @DisplayName("beyond its rate a user's next create is 429 with Retry-After and a sentence; reads and other users"
            + " go on")
    void ratePerUser() throws Exception {
        RequestLimits limits = RequestLimits.DEFAULT.withExpensive(
                Optional.of(new RateLimiter.Rate(3, Duration.ofMinutes(1))));
        try (TestServer server = TestServer.withLimits(directory, limits)) {
            for (int i = 0; i < 3; i++) {
                assertThat(server.post("/api/v1/vms", vm("web-" + i)).status()).isEqualTo(202);
            }
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(server.url().resolve("/api/v1/vms"))
                    .header("Authorization", "Bearer " + server.adminToken)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(vm("web-3"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(server.post("/api/v1/users", "{\"name\":\"bob\",\"password\":\"a long password 1\"}")
                    .status()).isEqualTo(201);
            assertThat(server.post("/api/v1/grants", "{\"user\":\"bob\",\"role\":\"operator\"}").status())
                    .isEqualTo(201);
            TestServer.Reply bob = server.sendAnonymous(HttpRequest.newBuilder(server.url().resolve("/api/v1/vms"))
                    .header("Authorization", basic("bob", "a long password 1"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(vm("bob"))));

            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 20L);
            assertThat(detail(refused.body())).startsWith("User 'admin' has started work too often: POST /api/v1/vms"
                    + " and the other routes that start work take at most 3/min from one caller; try again in ");
            assertThat(server.get("/api/v1/vms").status()).isEqualTo(200);
            assertThat(server.get("/api/v1/vms").json().get("items")).hasSize(3 + 1);
            assertThat(bob.status()).as(bob.body()).isEqualTo(202);
        }
    }

    @Test
    @DisplayName("signing in is rate limited per address, beside the throttle on failed logins")
    void signInPerAddress() throws Exception {
        RequestLimits limits = RequestLimits.DEFAULT.withExpensive(
                Optional.of(new RateLimiter.Rate(3, Duration.ofMinutes(1))));
        try (TestServer server = TestServer.withLimits(directory, limits)) {
            for (int i = 0; i < 3; i++) {
                assertThat(signIn(server, "nobody-" + i).status()).isEqualTo(401);
            }

            TestServer.Reply refused = signIn(server, "nobody-3");

            assertThat(refused.status()).isEqualTo(429);
            assertThat(detail(refused.body())).startsWith("Address 127.0.0.1 has started work too often: POST"
                    + " /api/v1/session and the other routes that start work take at most 3/min");
        }
    }

    private static TestServer.Reply signIn(TestServer server, String user) {
        return server.sendAnonymous(HttpRequest.newBuilder(server.url().resolve("/api/v1/session"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"" + user + "\",\"password\":\"wrong\"}")));
    }

    private static String vm(String name) {
        return "{\"name\":\"" + name + "\",\"vcpus\":1,\"memoryMib\":256}";
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static String detail(String body) throws IOException {
        return Json.mapper().readTree(body).get("detail").asText();
    }

    private static String datastore(TestServer server) {
        server.hypervisor.addStorage(PoolType.NETFS, PoolSource.nfs("nas", "/export/vms"), 40 * GIB);
        JsonNode operation = server.awaitFinal(server.post("/api/v1/datastores", "{\"name\":\"vms\",\"type\":"
                + "\"netfs\",\"source\":{\"host\":\"nas\",\"path\":\"/export/vms\"},\"hosts\":[\"h1\",\"h2\"]}"));
        String id = operation.get("target").asText();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                server.get("/api/v1/datastores/" + id).json().get("hostIds").size() == 2);
        return id;
    }

    private static TestServer.Reply upload(TestServer server, String datastore, String name, byte[] bytes,
            String sha256) {
        String query = "?name=" + name + (sha256 == null ? "" : "&sha256=" + sha256);
        return server.send(HttpRequest.newBuilder(server.url().resolve("/api/v1/datastores/" + datastore + "/images"
                        + query)).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    }

    /** A qcow2 image of {@code bytes}: its magic, version 3 and a 1 GiB virtual size, then zeros. */
    private static byte[] qcow2(long bytes) {
        byte[] image = new byte[(int) bytes];
        image[0] = 'Q';
        image[1] = 'F';
        image[2] = 'I';
        image[3] = (byte) 0xfb;
        image[7] = 3;
        for (int i = 0; i < 8; i++) {
            image[24 + i] = (byte) (GIB >>> (56 - 8 * i));
        }
        return image;
    }

    record Raw(int status, String contentType, String body) {}

    /**
     * Sends only the head of a request whose Content-Length is {@code length}, as the administrator, and reads the
     * answer: it arrives although not a byte of the body was sent.
     */
    private static Raw declaring(TestServer server, String method, String path, long length) throws IOException {
        URI url = server.url();
        try (Socket socket = new Socket(url.getHost(), url.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: " + url.getHost() + "\r\nAuthorization: Bearer "
                    + server.adminToken + "\r\nContent-Type: application/json\r\nContent-Length: " + length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = head(in);
            int status = Integer.parseInt(head.substring(9, 12));
            String contentType = header(head, "Content-Type");
            byte[] body = in.readNBytes(Integer.parseInt(header(head, "Content-Length")));
            return new Raw(status, contentType, new String(body, StandardCharsets.UTF_8));
        }
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("the server closed before its answer's head ended: " + head);
            }
            head.write(next);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static String header(String head, String name) {
        return head.lines().filter(line -> line.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                .map(line -> line.substring(name.length() + 1).trim()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + name + " in " + head));
    }
}
