package dev.paddock.replication;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.backup.ReplicationQueue;
import dev.paddock.json.Json;
import dev.paddock.tls.TrustedCertificates;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLHandshakeException;

/**
 * A repository of another site's Paddock, reached over its REST API with a token: its points, which chunks it lacks,
 * uploads of chunks as stored, and commits of manifests. Every failure is a {@link Unreachable} or {@link Refused}
 * with a sentence that names the site.
 */
final class RemoteRepository implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final String repository;
    private final String token;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http;

    RemoteRepository(URI target, String repository, String token, java.util.Optional<String> caCertificate) {
        this.base = target;
        this.repository = repository;
        this.token = token;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(TIMEOUT).executor(executor);
        caCertificate.ifPresent(pem -> builder.sslContext(TrustedCertificates.ofPem(pem)));
        this.http = builder.build();
    }

    /** The other site cannot be reached, or the connection broke. */
    static final class Unreachable extends RuntimeException {
        Unreachable(String message) {
            super(message);
        }
    }

    /** The other site answered with an error. */
    static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** Whether the repository there is encrypted. */
    boolean encrypted() {
        return call(request("").GET(), "look up repository " + repository).path("encrypted").asBoolean();
    }

    /** The repository's points there. */
    List<ReplicationQueue.Stamp> points() {
        List<ReplicationQueue.Stamp> points = new ArrayList<>();
        for (JsonNode point : call(request("/points").GET(), "list the points of repository " + repository)
                .path("items")) {
            points.add(new ReplicationQueue.Stamp(point.path("id").asText(), point.path("vm").asText(),
                    Instant.parse(point.path("taken").asText())));
        }
        return points;
    }

    /** Which of {@code chunks} the repository there lacks; it records them for {@code point} first. */
    List<String> missing(String point, List<String> chunks) {
        byte[] body = json(Map.of("point", point, "chunks", chunks));
        List<String> missing = new ArrayList<>();
        call(request("/chunks/missing").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), "ask which chunks of point " + point
                + " are missing").path("missing").forEach(name -> missing.add(name.asText()));
        return missing;
    }

    /** Uploads one chunk as stored, through {@code bandwidth}. */
    void upload(String point, String chunk, byte[] stored, Bandwidth bandwidth) {
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> bandwidth.throttled(stored)), stored.length);
        call(request("/chunks/" + chunk + "?point=" + encode(point)).header("Content-Type",
                "application/octet-stream").PUT(body), "upload chunk " + chunk + " of point " + point);
    }

    /** Commits a point's manifest there. */
    void commit(String point, byte[] manifest) {
        call(request("/points/" + encode(point)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)), "commit point " + point);
    }

    private HttpRequest.Builder request(String tail) {
        String path = base.getPath().replaceAll("/+$", "") + "/api/v1/backup-repositories/" + encode(repository)
                + tail;
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + token).header("Accept", "application/json");
    }

    private JsonNode call(HttpRequest.Builder request, String what) {
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new Unreachable("cannot reach " + base + " to " + what + " (connection refused)");
        } catch (SSLHandshakeException e) {
            throw new Unreachable(base + " sent a certificate the replication does not trust (give its CA"
                    + " certificate) when asked to " + what);
        } catch (IOException e) {
            throw new Unreachable("the connection to " + base + " broke while trying to " + what + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("stopped while trying to " + what + " at " + base);
        }
        JsonNode body;
        try {
            body = response.body().isBlank() ? Json.mapper().nullNode() : Json.mapper().readTree(response.body());
        } catch (IOException e) {
            body = Json.mapper().nullNode();
        }
        if (response.statusCode() >= 400) {
            String detail = body.path("detail").asText("");
            throw new Refused(response.statusCode(), base + " refused to " + what + " (" + response.statusCode()
                    + (detail.isEmpty() ? "" : ": " + detail.replaceAll("\\.$", "")) + ")");
        }
        return body;
    }

    private static byte[] json(Object value) {
        try {
            return Json.mapper().writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void close() {
        http.close();
        executor.close();
    }
}
