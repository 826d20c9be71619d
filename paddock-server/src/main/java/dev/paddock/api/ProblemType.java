package dev.paddock.api;

import java.net.URI;

/** The closed set of problem types the API answers with, each documented in the OpenAPI document. */
public enum ProblemType {
    BAD_REQUEST(400, "bad-request", "The request could not be read"),
    UNAUTHENTICATED(401, "unauthenticated", "Credentials are missing or wrong"),
    FORBIDDEN(403, "forbidden", "The caller may not do this"),
    NOT_FOUND(404, "not-found", "No such resource"),
    METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed on this resource"),
    CONFLICT(409, "conflict", "The request conflicts with the current state"),
    CONTENT_TOO_LARGE(413, "content-too-large", "The request body is too large"),
    INVALID_VALUE(422, "invalid-value", "A value in the request is not acceptable"),
    TOO_MANY_REQUESTS(429, "too-many-requests", "Too many attempts"),
    HYPERVISOR_UNAVAILABLE(502, "hypervisor-unavailable", "A hypervisor did not answer"),
    NOT_ACTING(503, "not-acting", "This server does not run operations now"),
    DIRECTORY_UNAVAILABLE(503, "directory-unavailable", "The directory did not answer"),
    INTERNAL(500, "internal", "Internal server error");

    private static final String BASE = "https://paddock.dev/problems/";

    private final int status;
    private final String slug;
    private final String title;

    ProblemType(int status, String slug, String title) {
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public URI uri() {
        return URI.create(BASE + slug);
    }

    /** The problem of this type about one request. */
    public Problem problem(String detail, String instance) {
        return new Problem(uri().toString(), title, status, detail, instance);
    }
}
