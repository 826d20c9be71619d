package dev.paddock.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.json.Json;
import dev.paddock.security.Secrets;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code paddock server --max-request-size --rate-limit}, as users run it: the limits reach every route. */
class ServerLimitsOptionsTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String token = Secrets.strong().token();

    @TempDir
    Path data;

    @Test
    void theConfiguredBodySizeAndRateAreWhatTheServerAnswersBy() throws Exception {
        int port = freePort();
        URI base = URI.create("http://127.0.0.1:" + port);
        Process server = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "dev.paddock.Main", "server", "--plain-http", "--port", String.valueOf(port), "--room", "empty",
                "--data", data.toString(), "--db", "jdbc:h2:file:" + data.resolve("paddock"),
                "--max-request-size", "2KiB", "--rate-limit", "2/min"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolve("server.log").toFile()))
                .start();
        try {
            awaitUp(base);

            HttpResponse<String> large = post(base, "/api/v1/session", "{\"user\":\"" + "x".repeat(4096)
                    + "\",\"password\":\"p\"}");
            HttpResponse<String> first = post(base, "/api/v1/session", "{\"user\":\"nobody\",\"password\":\"p\"}");
            HttpResponse<String> second = post(base, "/api/v1/session", "{\"user\":\"nobody\",\"password\":\"p\"}");
            HttpResponse<String> third = post(base, "/api/v1/session", "{\"user\":\"nobody\",\"password\":\"p\"}");

            assertThat(large.statusCode()).isEqualTo(413);
            assertThat(detail(large)).contains("over the 2 KiB that POST /api/v1/session takes");
            assertThat(first.statusCode()).isEqualTo(401);
            assertThat(second.statusCode()).isEqualTo(401);
            assertThat(third.statusCode()).isEqualTo(429);
            assertThat(detail(third)).contains("take at most 2/min from one caller");
            assertThat(third.headers().firstValue("Retry-After")).isPresent();
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private HttpResponse<String> post(URI base, String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String detail(HttpResponse<String> response) throws IOException {
        return Json.mapper().readTree(response.body()).path("detail").asText();
    }

    private void awaitUp(URI base) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/health"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the server did not come up; its log is in " + data);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
