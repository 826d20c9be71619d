package dev.paddock.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.paddock.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The OpenAPI 3.1 description of the API, served at {@code /api/v1/openapi.json}. It is a checked-in file,
 * {@code src/main/resources/openapi.json}, rather than code: a route's description is read and reviewed where it is
 * written, and {@code OpenApiDocumentTest} holds the file to the routes the server registers (each method and path
 * in both, or the test names the one missing and where).
 */
public final class OpenApiDocument {

    /** Where the document lives on the class path. */
    static final String RESOURCE = "/openapi.json";

    private OpenApiDocument() {}

    /** The document as served; a file that is not JSON stops the server from starting rather than serve it. */
    public static String json() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Json.mapper().readTree(text);
            return text;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(RESOURCE + " is not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
