package dev.paddock.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.cli.Cli;
import dev.paddock.json.Json;
import dev.paddock.security.SecretBox;
import dev.paddock.store.Database;
import dev.paddock.store.StoreConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, "a test greps the server's log and every API answer for the seeded BMC password and finds it nowhere":
 * a real {@code paddock server} process on the demo room, its log at DEBUG; a BMC password set through
 * {@code PUT /hosts/{id}/fence}; the host crashed, so that HA asks that device and fails the host over; then
 * every answer collected (the device, the audit listing and export, HA's events, the operations and their step logs,
 * alarms, metrics) and the whole log are searched for the password; the store's rows hold it sealed only.
 */
class SecretsNeverShowTest {

    /** The administrator token the server is started with (PADDOCK_ADMIN_TOKEN); it is no secret under test. */
    private static final String TOKEN = dev.paddock.security.Secrets.strong().token();

    private static final String PASSWORD = "Bmc-Secret-4f2a9c";
    private static final String PRIV_PASSWORD = "Snmp-Priv-77e1b0";
    private static final String HOST = "esx-par-01";
    /** A host whose device is kept, so the store still holds its password when the server stops. */
    private static final String KEPT = "esx-par-02";
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path data;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> answers = new ArrayList<>();
    private Process server;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null && server.isAlive()) {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theBmcPasswordIsNowhereInTheLogTheAnswersOrTheDatabase() throws Exception {
        int port = freePort();
        server = start(port);
        URI base = URI.create("http://127.0.0.1:" + port);
        await(base, "/api/v1/hosts", hosts -> hosts.path("items").size() > 0);
        String cluster = call(base, "GET", "/api/v1/hosts/" + HOST, null).get("clusterId").asText();

        JsonNode set = call(base, "PUT", "/api/v1/hosts/" + HOST + "/fence", "{\"agent\":\"fence_sim\",\"options\":{"
                + "\"plug\":\"" + HOST + "\",\"username\":\"admin\",\"password\":\"" + PASSWORD + "\","
                + "\"snmp_priv_passwd\":\"" + PRIV_PASSWORD + "\"}}");
        assertThat(set.at("/options/password").asText()).isEqualTo("(set)");
        call(base, "PUT", "/api/v1/hosts/" + KEPT + "/fence", "{\"agent\":\"fence_sim\",\"options\":{\"plug\":\""
                + KEPT + "\",\"password\":\"" + PASSWORD + "\"}}");
        call(base, "PUT", "/api/v1/clusters/" + cluster + "/ha", "{\"detectionWindowSeconds\":1}");
        call(base, "POST", "/api/v1/sim/hosts/" + HOST + "/faults", "{\"fault\":\"crash\"}");
        JsonNode failover = await(base, "/api/v1/operations?limit=1000", ops -> failover(ops) != null);
        String operation = failover(failover).get("id").asText();
        JsonNode done = await(base, "/api/v1/operations/" + operation, op -> op.path("state").asText().equals("DONE"));
        assertThat(done.toString()).contains("fence host " + HOST, "its device reports it off");

        for (String path : List.of("/api/v1/hosts/" + HOST + "/fence", "/api/v1/audit?limit=1000",
                "/api/v1/audit/verify", "/api/v1/ha/events?limit=1000", "/api/v1/ha/status", "/api/v1/hosts?limit=1000",
                "/api/v1/operations?limit=1000", "/api/v1/alarms?limit=1000", "/metrics")) {
            text(base, path);
        }
        String export = text(base, "/api/v1/audit/export");
        assertThat(export).contains("ha.fence.configured", "(set)");
        assertThat(call(base, "GET", "/api/v1/audit/verify", null).get("intact").asBoolean()).isTrue();
        answers.add(cli(base, "audit", "export"));
        answers.add(cli(base, "audit", "verify"));
        answers.add(cli(base, "ops", "--limit", "1000", "-o", "json"));
        answers.add(cli(base, "ha", "status"));
        call(base, "DELETE", "/api/v1/hosts/" + HOST + "/fence", null);
        text(base, "/api/v1/audit/export");
        server.destroy();
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();

        String log = Files.readString(data.resolve("server.log"));
        assertThat(log).as("the log saw HA fence the host").contains("ha.fence.confirmed " + HOST);
        assertThat(answers).hasSizeGreaterThan(15).allSatisfy(answer ->
                assertThat(answer).doesNotContain(PASSWORD).doesNotContain(PRIV_PASSWORD));
        assertThat(log).doesNotContain(PASSWORD).doesNotContain(PRIV_PASSWORD);
        try (HikariDataSource store = Database.open(StoreConfig.h2In(data));
                Connection connection = store.getConnection();
                ResultSet rows = connection.createStatement().executeQuery("SELECT host_id, options FROM fence_devices")) {
            int kept = 0;
            while (rows.next()) {
                assertThat(rows.getString(2)).doesNotContain(PASSWORD, PRIV_PASSWORD, "calvin");
                if (rows.getString(1).equals(KEPT)) {
                    assertThat(rows.getString(2)).contains("\"password\":\"" + SecretBox.PREFIX);
                    kept++;
                }
            }
            assertThat(kept).isEqualTo(1);
        }
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertThat(bytes).as(file.toString()).doesNotContain(PASSWORD).doesNotContain(PRIV_PASSWORD);
            }
        }
        Path keys = data.resolve("keys");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("secrets.key"))))
                .isEqualTo("rw-------");
    }

    private static JsonNode failover(JsonNode operations) {
        for (JsonNode op : operations.path("items")) {
            if (op.path("kind").asText().equals("host.failover") && op.path("target").asText().equals(HOST)) {
                return op;
            }
        }
        return null;
    }

    private Process start(int port) throws IOException {
        Path logback = Files.writeString(data.resolve("logback-debug.xml"), """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <target>System.err</target>
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="dev.paddock" level="DEBUG"/>
                  <root level="INFO"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=" + logback, "-cp", System.getProperty("java.class.path"),
                "dev.paddock.Main", "server", "--plain-http", "--port", String.valueOf(port), "--room", "demo",
                "--data", data.toString(), "--db", "jdbc:h2:file:" + data.resolve("paddock"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolve("server.log").toFile()));
        builder.environment().put("PADDOCK_ADMIN_TOKEN", TOKEN);
        return builder.start();
    }

    private String cli(URI base, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Cli.run(args, new PrintWriter(out), new PrintWriter(err), Map.of("PADDOCK_URL", base.toString(),
                "PADDOCK_TOKEN", TOKEN));
        return out + err.toString();
    }

    private JsonNode await(URI base, String path, java.util.function.Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = call(base, "GET", path, null);
                if (condition.test(last)) {
                    return last;
                }
            } catch (IOException notListeningYet) {
                // the server is still starting
            }
            Thread.sleep(100);
        }
        String log = Files.readString(data.resolve("server.log"));
        throw new AssertionError("gave up waiting on " + path + "; last answer: " + last + "; the server's log ends: "
                + log.substring(Math.max(0, log.length() - 6000)));
    }

    private String text(URI base, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        answers.add(response.headers().map() + "\n" + response.body());
        assertThat(response.statusCode()).as(path).isLessThan(400);
        return response.body();
    }

    private JsonNode call(URI base, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN);
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        answers.add(response.headers().map() + "\n" + response.body());
        if (response.statusCode() >= 400) {
            throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response.body().isEmpty() ? Json.mapper().nullNode() : Json.mapper().readTree(response.body());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
