package dev.paddock.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

/**
 * The command line's view of the REST API: JSON in, JSON out, and every failure turned into a
 * {@link CliException} whose message is the server's problem detail (or why the server is out of reach).
 */
final class ApiClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI server;
    private final HttpClient http;
    private final Optional<String> authorization;
    private final Optional<SSLContext> trusted;

    /** A client sending {@code authorization} (an {@code Authorization} header's value) with every request. */
    ApiClient(URI server, Optional<String> authorization) {
        this(server, authorization, Optional.empty());
    }

    /**
     * As above; with {@code trusted}, HTTPS trusts exactly that (the server's certificate, or its CA), else the
     * JDK's CAs.
     */
    ApiClient(URI server, Optional<String> authorization, Optional<SSLContext> trusted) {
        this.server = server;
        this.authorization = authorization;
        this.trusted = trusted;
        var builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        trusted.ifPresent(builder::sslContext);
        this.http = builder.build();
    }

    /** The {@code Authorization} header's value this client sends, if any (a WebSocket's upgrade sends it too). */
    Optional<String> authorization() {
        return authorization;
    }

    /** The client itself, trusting what it was told to: what a WebSocket to the same server opens with. */
    HttpClient http() {
        return http;
    }

    /** This client, authenticating with a bearer token. */
    ApiClient withToken(String token) {
        return new ApiClient(server, Optional.of("Bearer " + token), trusted);
    }

    /** This client, authenticating with a user's name and password (HTTP Basic). */
    ApiClient withPassword(String user, String password) {
        return new ApiClient(server, Optional.of("Basic " + java.util.Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8))), trusted);
    }

    URI server() {
        return server;
    }

    JsonNode get(String path) {
        return send(request(path).GET());
    }

    /** The body of a GET that answers text (JSON lines), errors turned into {@link CliException}s as for JSON. */
    String text(String path) {
        HttpResponse<String> response = exchange(authorized(HttpRequest.newBuilder(server.resolve(path))).timeout(TIMEOUT)
                .header("Accept", "application/x-ndjson, application/problem+json").GET());
        if (response.statusCode() >= 400) {
            failed(response, parse(response.body()));
        }
        return response.body();
    }

    JsonNode post(String path, Object body) {
        String json;
        try {
            json = body == null ? "" : Json.mapper().writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("request bodies are plain records", e);
        }
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    JsonNode patch(String path, Object body) {
        return withBody("PATCH", path, body);
    }

    JsonNode put(String path, Object body) {
        return withBody("PUT", path, body);
    }

    private JsonNode withBody(String method, String path, Object body) {
        String json;
        try {
            json = Json.mapper().writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("request bodies are plain records", e);
        }
        return send(request(path).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Streams a file as the request's body; no time limit, as an image may take long to send. */
    JsonNode upload(String path, java.nio.file.Path file) {
        try {
            return send(authorized(HttpRequest.newBuilder(server.resolve(path))).header("Accept", "application/json")
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofFile(file)));
        } catch (java.io.FileNotFoundException e) {
            throw new CliException(ExitCode.USAGE, "There is no file " + file + ".");
        }
    }

    /**
     * Saves the body of a GET to {@code file} (written beside it, then moved in place only when whole: a transfer cut
     * short leaves no file); returns its size. No time limit, as a file may be large.
     */
    long download(String path, java.nio.file.Path file) {
        java.nio.file.Path partial = file.resolveSibling(file.getFileName() + ".partial");
        HttpResponse<java.nio.file.Path> response;
        try {
            response = http.send(authorized(HttpRequest.newBuilder(server.resolve(path)))
                    .header("Accept", "application/octet-stream, application/problem+json").GET().build(),
                    HttpResponse.BodyHandlers.ofFile(partial));
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw unreachable();
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new CliException(ExitCode.ERROR, "The download from " + server + " broke off: "
                    + Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName())
                    + "; nothing was saved.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            deleteQuietly(partial);
            throw new CliException(ExitCode.ERROR, "Interrupted.");
        }
        try {
            if (response.statusCode() >= 400) {
                String body = java.nio.file.Files.readString(partial);
                failed(new FailedResponse(response.statusCode()), parse(body));
            }
            long size = java.nio.file.Files.size(partial);
            java.nio.file.Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return size;
        } catch (IOException e) {
            throw new CliException(ExitCode.ERROR, "Cannot save " + file + ": " + e.getMessage() + ".");
        } finally {
            deleteQuietly(partial);
        }
    }

    private record FailedResponse(int statusCode) {}

    private static void deleteQuietly(java.nio.file.Path file) {
        try {
            java.nio.file.Files.deleteIfExists(file);
        } catch (IOException e) {
            // what is left is named .partial: never taken for the whole file
        }
    }

    JsonNode delete(String path) {
        return send(request(path).DELETE());
    }

    /**
     * A JSON object of the named values, each left out when null: the body of a change that keeps every field it
     * does not name. Names and values alternate.
     */
    static com.fasterxml.jackson.databind.node.ObjectNode changes(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values alternate");
        }
        com.fasterxml.jackson.databind.node.ObjectNode body = dev.paddock.json.Json.mapper().createObjectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                body.set((String) namesAndValues[i], dev.paddock.json.Json.mapper().valueToTree(namesAndValues[i + 1]));
            }
        }
        return body;
    }

    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpRequest.Builder request(String path) {
        return authorized(HttpRequest.newBuilder(server.resolve(path))).timeout(TIMEOUT)
                .header("Accept", "application/json");
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder request) {
        authorization.ifPresent(value -> request.header("Authorization", value));
        return request;
    }

    private JsonNode send(HttpRequest.Builder builder) {
        HttpResponse<String> response = exchange(builder);
        JsonNode body = parse(response.body());
        if (response.statusCode() >= 400) {
            failed(response, body);
        }
        return body;
    }

    private static void failed(HttpResponse<String> response, JsonNode body) {
        failed(new FailedResponse(response.statusCode()), body);
    }

    private static void failed(FailedResponse response, JsonNode body) {
        String detail = body.path("detail").asText("");
        throw new CliException(ExitCode.ofHttpStatus(response.statusCode()), detail.isEmpty()
                ? "The server answered " + response.statusCode() + "." : detail);
    }

    private HttpResponse<String> exchange(HttpRequest.Builder builder) {
        HttpResponse<String> response;
        try {
            response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw unreachable();
        } catch (SSLHandshakeException e) {
            throw new CliException(ExitCode.UNREACHABLE, "The Paddock server at " + server + " sent a certificate"
                    + " this command does not trust; pass --cacert FILE (or set PADDOCK_CACERT) with the certificate"
                    + " the server printed when it started.");
        } catch (IOException e) {
            if (e.getCause() instanceof ConnectException) {
                throw unreachable();
            }
            throw new CliException(ExitCode.UNREACHABLE, "The connection to the Paddock server at " + server
                    + " failed: " + e.getMessage() + ".");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.ERROR, "Interrupted.");
        }
        return response;
    }

    private CliException unreachable() {
        return new CliException(ExitCode.UNREACHABLE, "Cannot reach the Paddock server at " + server
                + "; start one with 'paddock server' or 'paddock demo', or point --server (or PADDOCK_URL) at it.");
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return Json.mapper().nullNode();
        }
        try {
            return Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw new CliException(ExitCode.ERROR, "The server at " + server + " did not answer with JSON; is it a"
                    + " Paddock server?");
        }
    }
}
