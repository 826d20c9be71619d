package dev.paddock.api;

import dev.paddock.audit.AuditEntry;
import dev.paddock.audit.AuditLog;
import dev.paddock.ha.control.HaController;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * HA followed live, as server-sent events: one {@code status} event (every host's health, as {@code GET /ha/status},
 * and the seq of the newest decision when it was read), then each of HA's decisions as a {@code decision} event (the audit log's {@code ha.*} entry, as {@code GET
 * /ha/events}; its id is the entry's seq), the latest {@value #REPLAYED} first, then each new one as it is written.
 *
 * <p>The decisions come from the audit log, not from the loop's judgement at the end of a pass: a host is suspect
 * for half a second when its power controller reports it off, and a reader sampling the status could miss that;
 * the log has every move, in order. The status is read once, before the decisions after a point older than it:
 * a move the status already holds is sent again, never one it lacks left out, so a reader that applies the moves
 * in order to the status ends where HA is. A browser that reconnects sends {@code Last-Event-ID} and gets the
 * status and every decision after that one.
 */
final class HaStream {

    /** How many of the latest decisions a new reader gets first (a dashboard shows them). */
    static final int REPLAYED = 20;
    private static final String PREFIX = "ha.";
    private static final Duration POLL = Duration.ofMillis(200);
    /** A comment this often finds a reader gone (only a write does), so its thread ends. */
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(5);
    private static final int BATCH = 200;

    private final HaController ha;
    private final AuditLog audit;

    HaStream(HaController ha, AuditLog audit) {
        this.ha = ha;
        this.audit = audit;
    }

    void handle(Context ctx) throws Exception {
        Optional<Long> lastSeen = lastEventId(ctx);
        new SseHandler(client -> follow(client, lastSeen)).handle(ctx);
    }

    private void follow(SseClient client, Optional<Long> lastSeen) {
        long from = lastSeen.map(seq -> seq + 1).orElseGet(this::replayFrom);
        client.sendEvent("status", Map.of("hosts", ha.status(), "latestDecision", latestDecision()));
        Instant quietSince = Instant.now();
        while (!client.terminated()) {
            List<AuditEntry> written = audit.ascending(from, Instant.EPOCH, BATCH);
            for (AuditEntry entry : written) {
                if (client.terminated()) {
                    break;
                }
                if (entry.action().startsWith(PREFIX)) {
                    client.sendEvent("decision", entry, Long.toString(entry.seq()));
                    quietSince = Instant.now();
                }
                from = entry.seq() + 1;
            }
            if (written.size() == BATCH) {
                continue;
            }
            if (Duration.between(quietSince, Instant.now()).compareTo(KEEP_ALIVE) >= 0) {
                client.sendComment("still following");
                quietSince = Instant.now();
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        client.close();
    }

    /** The seq of the oldest of the latest decisions, read before the status; past the log's end when it has none. */
    private long replayFrom() {
        List<AuditEntry> latest = audit.listActions(PREFIX, 0, REPLAYED);
        if (!latest.isEmpty()) {
            return latest.getLast().seq();
        }
        List<AuditEntry> newest = audit.list(0, 1);
        return newest.isEmpty() ? 0 : newest.getFirst().seq() + 1;
    }

    /** The seq of HA's newest decision, 0 when it has none: a reader tells what it missed from what is new. */
    private long latestDecision() {
        List<AuditEntry> newest = audit.listActions(PREFIX, 0, 1);
        return newest.isEmpty() ? 0 : newest.getFirst().seq();
    }

    private static Optional<Long> lastEventId(Context ctx) {
        String raw = ctx.header("Last-Event-ID");
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(raw.strip()));
        } catch (NumberFormatException e) {
            throw new PaddockException.BadRequest("Header 'Last-Event-ID' must be the seq of a decision; got '"
                    + raw + "'.");
        }
    }
}
