package dev.paddock.api;

import dev.paddock.audit.AuditLog;
import io.javalin.http.Context;
import java.time.Clock;

/** Appends what a request did to the audit log, with the caller ({@code user@address}) as the actor. */
final class AuditTrail {

    private final AuditLog log;
    private final Clock clock;

    AuditTrail(AuditLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    /** The note with what it changed (before/after, secrets redacted) when it says. */
    void record(Context ctx, AuditNote note) {
        String actor = Guard.caller(ctx).actor();
        if (note.change().isPresent()) {
            log.append(actor, note.action(), note.subjectId(), note.detail(), note.change().get(), clock.instant());
        } else {
            record(actor, note.action(), note.subjectId(), note.detail());
        }
    }

    void record(Context ctx, String action, String subjectId, String detail) {
        record(Guard.caller(ctx).actor(), action, subjectId, detail);
    }

    void record(String actor, String action, String subjectId, String detail) {
        log.append(actor, action, subjectId, detail, clock.instant());
    }
}
