package dev.paddock.api;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.paddock.audit.Alarm;
import dev.paddock.audit.AuditEntry;
import dev.paddock.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import dev.paddock.audit.Oversight;
import dev.paddock.security.Permission;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.Map;

/** Alarms (list, acknowledge) and the audit log (list, verify its keyed hash chain, export it as JSON lines). */
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
        routes.get(base + "/audit/export", Permission.AUDIT_READ, this::export);
    }

    /**
     * The audit log as JSON lines, oldest first, each entry with its hashes so that a copy can be checked apart from
     * the server; {@code since} is a seq (from that entry on) or an instant (entries written at or after it).
     */
    private void export(Context ctx) throws IOException {
        String since = Optional.ofNullable(ctx.queryParam("since")).orElse("");
        long fromSeq = 1;
        Instant fromTime = Instant.EPOCH;
        if (since.matches("[0-9]{1,18}")) {
            fromSeq = Long.parseLong(since);
        } else if (!since.isEmpty()) {
            try {
                fromTime = Instant.parse(since);
            } catch (DateTimeParseException e) {
                throw new PaddockException.BadRequest("Query parameter 'since' must be an entry's seq or an instant"
                        + " such as 2030-01-01T00:00:00Z; got '" + since + "'.");
            }
        }
        ctx.contentType("application/x-ndjson");
        ObjectWriter writer = Json.mapper().writer().without(SerializationFeature.INDENT_OUTPUT);
        try (OutputStream out = ctx.outputStream()) {
            while (true) {
                List<AuditEntry> page = oversight.audit().ascending(fromSeq, fromTime, Query.MAX_LIMIT);
                for (AuditEntry entry : page) {
                    out.write(writer.writeValueAsBytes(entry));
                    out.write('\n');
                }
                if (page.size() < Query.MAX_LIMIT) {
                    return;
                }
                fromSeq = page.getLast().seq() + 1;
            }
        }
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
