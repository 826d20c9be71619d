package dev.paddock.api;

import dev.paddock.audit.Alarm;
import dev.paddock.audit.Oversight;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Clock;
import java.util.Map;

/** Alarms (list, acknowledge) and the audit log (list, verify its hash chain). */
final class OversightRoutes {

    /** Until the API has authentication, every request acts as one actor. */
    static final String ACTOR = "api";

    private final Oversight oversight;
    private final Clock clock;

    OversightRoutes(Oversight oversight, Clock clock) {
        this.oversight = oversight;
        this.clock = clock;
    }

    void register(JavalinDefaultRoutingApi routes) {
        String base = RestApi.BASE;
        routes.get(base + "/alarms", ctx -> ctx.json(Map.of("items",
                oversight.alarms().list(Query.flag(ctx, "open"), Query.offset(ctx), Query.limit(ctx)))));
        routes.get(base + "/alarms/{id}", ctx -> ctx.json(alarm(ctx)));
        routes.post(base + "/alarms/{id}/acknowledge", this::acknowledge);
        routes.get(base + "/audit", ctx -> ctx.json(Map.of("items",
                oversight.audit().list(Query.offset(ctx), Query.limit(ctx)))));
        routes.get(base + "/audit/verify", ctx -> ctx.json(oversight.audit().verify()));
    }

    private Alarm alarm(Context ctx) {
        return oversight.alarms().get(InventoryRoutes.id(ctx)).orElseThrow(() -> InventoryRoutes.missing("alarm", ctx));
    }

    private void acknowledge(Context ctx) {
        Alarm alarm = alarm(ctx);
        Alarm acknowledged = oversight.alarms().acknowledge(alarm.id(), ACTOR, clock.instant()).orElseThrow();
        record(new AuditNote("alarm.acknowledge", alarm.id(), "acknowledged alarm " + alarm.kind() + " on "
                + alarm.subjectId()));
        ctx.json(acknowledged);
    }

    void record(AuditNote note) {
        oversight.audit().append(ACTOR, note.action(), note.subjectId(), note.detail(), clock.instant());
    }
}
