package dev.paddock.api;

import dev.paddock.json.Json;
import io.javalin.config.JavalinConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Requests that Jetty refuses before any route sees them — a URI too long, headers too large, a path with a NUL or
 * bytes that are not UTF-8, an ambiguous encoding such as {@code %2e%2e}, a malformed header — are answered as
 * problem+json with a sentence too, instead of Jetty's HTML page or an empty body.
 */
final class JettyProblems extends ErrorHandler {

    private JettyProblems() {}

    static void install(JavalinConfig config) {
        config.jetty.modifyServer(server -> server.setErrorHandler(new JettyProblems()));
        config.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new JettyProblems()));
    }

    /** Jetty writes a body for GET, POST and HEAD only; a refused DELETE, PUT or PATCH needs its sentence too. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        byte[] body = body(code, message, request.getHttpURI() == null ? "" : request.getHttpURI().getPath());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        return ByteBuffer.wrap(body(status, reason, ""));
    }

    static byte[] body(int status, String reason, String instance) {
        ProblemType type = switch (status) {
            case 404 -> ProblemType.NOT_FOUND;
            case 405 -> ProblemType.METHOD_NOT_ALLOWED;
            default -> status >= 500 ? ProblemType.INTERNAL : ProblemType.BAD_REQUEST;
        };
        Problem problem = new Problem(type.uri().toString(), type.title(), status, sentence(status, reason),
                instance == null ? "" : instance);
        try {
            return Json.mapper().writeValueAsString(problem).getBytes(StandardCharsets.UTF_8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a problem record always serializes", e);
        }
    }

    static String sentence(int status, String reason) {
        String why = reason == null || reason.isBlank() ? "" : ": " + reason.strip().replaceAll("[.\\s]+$", "");
        return switch (status) {
            case 404 -> "No such route.";
            case 413 -> "The request body is larger than this server accepts.";
            case 414 -> "The request's URI is longer than this server accepts; send long values in the body.";
            case 431 -> "The request's headers are larger than this server accepts.";
            default -> status >= 500 ? "The server could not answer the request" + why + "."
                    : "The request is not valid HTTP" + why + ".";
        };
    }
}
