package dev.paddock.server;

import dev.paddock.api.RestApi;
import io.javalin.config.JavalinConfig;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code GET /api/v1/health}: 200 while the server may act, 503 with the reason once it lost its leader lease (it
 * still answers reads, but runs no operation and no HA). A server built without a lease acts alone and is healthy.
 */
final class HealthRoute {

    static final String PATH = RestApi.BASE + "/health";

    /** The body, the same shape healthy or not. */
    record Health(String status, boolean leader, Optional<String> holder, Optional<Instant> since,
            Optional<String> reason) {}

    private HealthRoute() {}

    static void register(JavalinConfig config, Optional<Leadership> leadership) {
        RestApi.installOpen(config, PATH, ctx -> {
            Health health = of(leadership);
            ctx.status(health.leader() ? 200 : 503).json(health);
        });
    }

    static Health of(Optional<Leadership> leadership) {
        return leadership.map(Leadership::status)
                .map(status -> new Health(status.leader() ? "ok" : "unhealthy", status.leader(),
                        Optional.of(status.holder()), Optional.of(status.since()), status.reason()))
                .orElseGet(() -> new Health("ok", true, Optional.empty(), Optional.empty(), Optional.empty()));
    }
}
