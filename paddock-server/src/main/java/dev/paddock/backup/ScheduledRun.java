package dev.paddock.backup;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a backup schedule knows of one VM it covers: its last run and how it went, its last good backup, and what the
 * overdue alarm measures by.
 *
 * @param round the scheduled round that last handled it (a run asked for by hand handles no round)
 * @param lastRun when it was last handled: submitted, refused or skipped
 * @param operationId the backup operation last submitted for it
 * @param submitted when that operation was submitted: the time its restore point is of
 * @param message why the last run failed or was skipped; empty when it did neither
 * @param lastSuccess when its last good backup started
 * @param usual how long its good backups usually take (a running mean)
 * @param watchedSince since when it has been due a good backup: its last good one's start, or the first run that
 *     found it running without one; empty while it is not running
 * @param alarmed whether the overdue alarm was raised since its last good backup
 */
public record ScheduledRun(String scheduleId, String vmId, Optional<Instant> round, Instant lastRun, Outcome outcome,
        Optional<String> operationId, Optional<Instant> submitted, Optional<String> message,
        Optional<Instant> lastSuccess, Optional<Duration> usual, Optional<Instant> watchedSince, boolean alarmed) {

    /** How a VM's last run went. */
    public enum Outcome {
        /** Its backup operation was submitted and has not ended yet. */
        RUNNING,
        SUCCEEDED,
        /** Its operation failed, or no operation could be planned (the message says why). */
        FAILED,
        /** The round left it alone: it was not running, or an operation on it still ran. */
        SKIPPED
    }

    public ScheduledRun {
        Objects.requireNonNull(scheduleId, "scheduleId");
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(lastRun, "lastRun");
        Objects.requireNonNull(outcome, "outcome");
    }

    /** A VM no run has handled yet. */
    static ScheduledRun first(String scheduleId, String vmId, Instant now) {
        return new ScheduledRun(scheduleId, vmId, Optional.empty(), now, Outcome.SKIPPED, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false);
    }

    ScheduledRun inRound(Optional<Instant> handled) {
        return new ScheduledRun(scheduleId, vmId, handled, lastRun, outcome, operationId, submitted, message,
                lastSuccess, usual, watchedSince, alarmed);
    }

    /** Skipped at {@code now}, for {@code why}; a VM that is not running is due no backup until it runs again. */
    ScheduledRun skipped(Instant now, String why, boolean running) {
        return new ScheduledRun(scheduleId, vmId, round, now, Outcome.SKIPPED, operationId, submitted,
                Optional.of(why), lastSuccess, usual, running ? watchedSince.or(() -> Optional.of(now)) : Optional.empty(),
                alarmed);
    }

    /** Its backup still runs from an earlier run: it stays followed, and the message says this run passed it by. */
    ScheduledRun stillRunning(Instant now, String why) {
        return new ScheduledRun(scheduleId, vmId, round, now, Outcome.RUNNING, operationId, submitted,
                Optional.of(why), lastSuccess, usual, watchedSince, alarmed);
    }

    ScheduledRun refused(Instant now, String why) {
        return new ScheduledRun(scheduleId, vmId, round, now, Outcome.FAILED, Optional.empty(), Optional.empty(),
                Optional.of(why), lastSuccess, usual, watchedSince.or(() -> Optional.of(now)), alarmed);
    }

    ScheduledRun submitted(Instant now, String operation) {
        return new ScheduledRun(scheduleId, vmId, round, now, Outcome.RUNNING, Optional.of(operation),
                Optional.of(now), Optional.empty(), lastSuccess, usual, watchedSince.or(() -> Optional.of(now)),
                alarmed);
    }

    /** Its operation ended well after {@code took}; {@code note} says what retention did, when it did anything. */
    ScheduledRun succeeded(Duration took, Optional<String> note) {
        Instant started = submitted.orElse(lastRun);
        Duration mean = usual.map(before -> before.multipliedBy(3).plus(took).dividedBy(4)).orElse(took);
        return new ScheduledRun(scheduleId, vmId, round, lastRun, Outcome.SUCCEEDED, operationId, submitted, note,
                Optional.of(started), Optional.of(mean), Optional.of(started), false);
    }

    ScheduledRun failed(String why) {
        return new ScheduledRun(scheduleId, vmId, round, lastRun, Outcome.FAILED, operationId, submitted,
                Optional.of(why), lastSuccess, usual, watchedSince, alarmed);
    }

    ScheduledRun withAlarm() {
        return new ScheduledRun(scheduleId, vmId, round, lastRun, outcome, operationId, submitted, message,
                lastSuccess, usual, watchedSince, true);
    }
}
