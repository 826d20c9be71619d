package dev.paddock.api;

import dev.paddock.audit.Alarm;
import dev.paddock.audit.Oversight;
import dev.paddock.security.Permission;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.Map;

/** Alarms (list, acknowledge) and the audit log (list, verify its hash chain). */
final class OversightRoutes {

    private final Oversight oversight;
    private final AuditTrail audit;
    private final Clock clock;

    OversightRoutes(Oversight oversight, AuditTrail audit, Clock clock) {
        this.oversight = oversight;
        this.audit = audit;
        this.clock = clock;
    }

    void register(SecuredRoutes routes) {
        String base = RestApi.BASE;
        routes.get(base + "/alarms", Permission.ALARM_READ, ctx -> ctx.json(Map.of("items",
                oversight.alarms().list(Query.flag(ctx, "open"), Query.offset(ctx), Query.limit(ctx)))));
        routes.get(base + "/alarms/{id}", Permission.ALARM_READ, ctx -> ctx.json(alarm(ctx)));
        routes.post(base + "/alarms/{id}/acknowledge", Permission.ALARM_ACKNOWLEDGE, this::acknowledge);
        routes.get(base + "/audit", Permission.AUDIT_READ, ctx -> ctx.json(Map.of("items",
                oversight.audit().list(Query.offset(ctx), Query.limit(ctx)))));
        routes.get(base + "/audit/verify", Permission.AUDIT_READ, ctx -> ctx.json(oversight.audit().verify()));
    }

    private Alarm alarm(Context ctx) {
        return oversight.alarms().get(InventoryRoutes.id(ctx)).orElseThrow(() -> InventoryRoutes.missing("alarm", ctx));
    }

    private void acknowledge(Context ctx) {
        Alarm alarm = alarm(ctx);
        Alarm acknowledged = oversight.alarms().acknowledge(alarm.id(), Guard.caller(ctx).name(), clock.instant())
                .orElseThrow();
        audit.record(ctx, new AuditNote("alarm.acknowledge", alarm.id(), "acknowledged alarm " + alarm.kind() + " on "
                + alarm.subjectId()));
        ctx.json(acknowledged);
    }
}
