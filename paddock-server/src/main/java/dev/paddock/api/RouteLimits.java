package dev.paddock.api;

import dev.paddock.security.RateLimiter;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The request limits {@link Guard} applies to a matched route before its handler runs: a body declared larger than
 * the route takes is refused from its Content-Length alone, before a byte of it is read (a body sent without one is
 * cut off at the limit as it is read: {@link ProblemResponses}); a caller who starts work faster than the server's
 * rate is refused until a token is back. Both limits are what the route declared in {@link SecuredRoutes}.
 */
final class RouteLimits {

    private final RequestLimits limits;
    private final Optional<RateLimiter> expensive;

    RouteLimits(RequestLimits limits, Clock clock) {
        this.limits = limits;
        this.expensive = limits.expensive().map(rate -> new RateLimiter(rate, clock));
    }

    RequestLimits limits() {
        return limits;
    }

    /** 413 when the request says its body is larger than {@code endpoint} takes. */
    void refuseTooLarge(Context ctx, Endpoint endpoint) {
        SecuredRoutes.BodyLimit declared = endpoint.metadata(SecuredRoutes.BodyLimit.class);
        long limit = declared != null ? declared.bytes() : limits.maxRequestBytes();
        long length = ctx.req().getContentLengthLong();
        if (length > limit) {
            throw new PaddockException.ContentTooLarge("The request body of " + length + " bytes is over the "
                    + RequestLimits.bytes(limit) + " that " + endpoint.method + " " + endpoint.path + " takes.");
        }
    }

    /**
     * 429 with the seconds to wait when {@code endpoint} starts work and {@code caller} (a user's name, or the
     * address of a caller not signed in) has used up the rate; a refused call takes nothing from it.
     */
    void refuseTooOften(Context ctx, Endpoint endpoint, String caller) {
        if (endpoint.metadata(SecuredRoutes.Expensive.class) == null || expensive.isEmpty()) {
            return;
        }
        Optional<Duration> wait = expensive.get().take(caller);
        if (wait.isPresent()) {
            long seconds = Math.max(1, wait.get().toSeconds() + (wait.get().toNanosPart() > 0 ? 1 : 0));
            throw new PaddockException.TooManyRequests(Character.toUpperCase(caller.charAt(0)) + caller.substring(1)
                    + " has started work too often: " + endpoint.method + " " + endpoint.path + " and the other"
                    + " routes that start work take at most " + expensive.get().rate() + " from one caller; try again"
                    + " in " + seconds + " s.", seconds);
        }
    }
}
