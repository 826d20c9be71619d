package dev.paddock.api;

import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.json.Json;
import dev.paddock.operation.OperationRunner;
import dev.paddock.store.DuplicateNameException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error leaves as {@code application/problem+json}. User errors carry their message; anything
 * unexpected is logged with a reference and answered with that reference only, never a stack trace.
 */
final class ProblemResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemResponses.class);

    private ProblemResponses() {}

    /** @param ui answers a browser's page request at a path no route serves (a deep link into the web UI) */
    static void register(JavalinDefaultRoutingApi routes, WebUi ui) {
        routes.exception(PaddockException.class, (e, ctx) -> {
            switch (e) {
                case PaddockException.Unauthenticated u -> ctx.header("WWW-Authenticate", "Bearer realm=\"paddock\"");
                case PaddockException.TooManyRequests t -> ctx.header("Retry-After", String.valueOf(t.retryAfterSeconds()));
                default -> { }
            }
            write(ctx, e.type(), e.getMessage());
        });
        routes.exception(DuplicateNameException.class,
                (e, ctx) -> write(ctx, ProblemType.CONFLICT, e.getMessage()));
        routes.exception(HypervisorException.class, (e, ctx) -> write(ctx, of(e.reason()), e.getMessage()));
        routes.exception(dev.paddock.backup.files.FileRestoreException.class, (e, ctx) -> write(ctx, switch (e) {
            case dev.paddock.backup.files.FileRestoreException.NoSuchPath n -> ProblemType.NOT_FOUND;
            case dev.paddock.backup.files.FileRestoreException.BadPath b -> ProblemType.INVALID_VALUE;
            case dev.paddock.backup.files.FileRestoreException.Unsupported u -> ProblemType.INVALID_VALUE;
            default -> ProblemType.CONFLICT;
        }, e.getMessage()));
        routes.exception(dev.paddock.backup.RepositoryException.class, (e, ctx) -> write(ctx, switch (e) {
            case dev.paddock.backup.RepositoryException.NoSuchPoint n -> ProblemType.NOT_FOUND;
            case dev.paddock.backup.RepositoryException.WrongKey w -> ProblemType.INVALID_VALUE;
            case dev.paddock.backup.RepositoryException.NotARepository n -> ProblemType.INVALID_VALUE;
            default -> ProblemType.CONFLICT;
        }, e.getMessage()));
        routes.exception(OperationRunner.NotRunning.class, (e, ctx) -> write(ctx, ProblemType.NOT_ACTING,
                "This server is not running operations: it is starting, shutting down, or lost its leader lease to"
                        + " another server (see /api/v1/health); nothing was submitted."));
        routes.exception(HttpResponseException.class, (e, ctx) -> {
            if (e.getStatus() != 404 || !ui.opensDeepLink(ctx)) {
                javalin(e, ctx);
            }
        });
        routes.exception(Exception.class, (e, ctx) -> {
            String reference = UUID.randomUUID().toString();
            LOG.error("request {} {} failed (reference {})", ctx.method(), ctx.path(), reference, e);
            write(ctx, ProblemType.INTERNAL, "An internal error occurred; it is logged under reference "
                    + reference + ".");
        });
        // Unmatched routes never reach an exception handler when the status is set without one.
        routes.error(404, ctx -> {
            if (!Problem.MEDIA_TYPE.equals(ctx.res().getContentType()) && !ui.opensDeepLink(ctx)) {
                write(ctx, ProblemType.NOT_FOUND, "No route " + ctx.method() + " " + ctx.path() + ".");
            }
        });
        routes.error(405, ctx -> {
            if (!Problem.MEDIA_TYPE.equals(ctx.res().getContentType())) {
                write(ctx, ProblemType.METHOD_NOT_ALLOWED, "Method " + ctx.method() + " is not allowed on "
                        + ctx.path() + ".");
            }
        });
    }

    private static void javalin(HttpResponseException e, Context ctx) {
        if (e.getStatus() == ProblemType.CONTENT_TOO_LARGE.status()) {
            // a body sent without a Content-Length, cut off at the limit as Javalin read it
            long limit = ctx.appData(io.javalin.http.servlet.MaxRequestSize.INSTANCE.getMaxRequestSizeKey());
            write(ctx, ProblemType.CONTENT_TOO_LARGE, "The request body is over the " + RequestLimits.bytes(limit)
                    + " that " + ctx.method() + " " + ctx.path() + " takes.");
            return;
        }
        ProblemType type = switch (e.getStatus()) {
            case 404 -> ProblemType.NOT_FOUND;
            case 405 -> ProblemType.METHOD_NOT_ALLOWED;
            case 409 -> ProblemType.CONFLICT;
            default -> e.getStatus() >= 500 ? ProblemType.INTERNAL : ProblemType.BAD_REQUEST;
        };
        String detail = type == ProblemType.NOT_FOUND ? "No route " + ctx.method() + " " + ctx.path() + "."
                : type == ProblemType.METHOD_NOT_ALLOWED
                        ? "Method " + ctx.method() + " is not allowed on " + ctx.path() + "."
                        : e.getMessage() + ".";
        ctx.status(e.getStatus());
        writeBody(ctx, new Problem(type.uri().toString(), type.title(), e.getStatus(), detail, ctx.path()));
    }

    static ProblemType of(HypervisorException.Reason reason) {
        return switch (reason) {
            case NOT_FOUND -> ProblemType.NOT_FOUND;
            case ALREADY_EXISTS, INVALID_STATE, INSUFFICIENT_RESOURCES -> ProblemType.CONFLICT;
            case INVALID_ARGUMENT -> ProblemType.INVALID_VALUE;
            case UNREACHABLE, TIMEOUT, FAILED -> ProblemType.HYPERVISOR_UNAVAILABLE;
        };
    }

    static void write(Context ctx, ProblemType type, String detail) {
        ctx.status(type.status());
        writeBody(ctx, type.problem(detail, ctx.path()));
    }

    private static void writeBody(Context ctx, Problem problem) {
        try {
            ctx.result(Json.mapper().writeValueAsString(problem)).contentType(Problem.MEDIA_TYPE);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a problem record always serializes", e);
        }
    }
}
