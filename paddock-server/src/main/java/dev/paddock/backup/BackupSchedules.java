package dev.paddock.backup;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where the server keeps its backup schedules and their runs (the store's {@code JdbcBackupSchedules}). */
public interface BackupSchedules {

    /** Adds a schedule; a name already taken is a {@link dev.paddock.store.DuplicateNameException}. */
    void put(BackupSchedule schedule);

    /** By name. */
    List<BackupSchedule> list();

    Optional<BackupSchedule> get(String id);

    Optional<BackupSchedule> byName(String name);

    /** Changes whether it runs and when; its other fields and its runs stay. False when there is none. */
    boolean change(String id, boolean enabled, Cadence cadence);

    /** Records when its latest round started. */
    void markRound(String id, Instant round);

    /** Forgets the schedule and its runs; false when there was none. */
    boolean delete(String id);

    /** The schedule's runs, one per VM it has handled. */
    List<ScheduledRun> runs(String scheduleId);

    /** Every run whose operation has not been seen to end, of every schedule. */
    List<ScheduledRun> running();

    /** Writes a VM's run, in place of the one before. */
    void putRun(ScheduledRun run);
}
