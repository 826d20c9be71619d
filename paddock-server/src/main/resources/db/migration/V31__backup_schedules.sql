-- Backup schedules: which VMs (by id, every VM of a cluster, every VM of an affinity group: JSON lists in cover) go
-- into which repository how often (cadence as written: "every 15m", "daily 01:30 Europe/Paris"), with the retention
-- applied to each VM's points after a good backup (no keep_* at all keeps every point).
CREATE TABLE backup_schedules (
    id            VARCHAR(64) PRIMARY KEY,
    name          VARCHAR(128) NOT NULL UNIQUE,
    repository_id VARCHAR(64) NOT NULL,
    cover         VARCHAR(100000) NOT NULL,
    cadence       VARCHAR(200) NOT NULL,
    keep_last     INTEGER,
    keep_daily    INTEGER,
    keep_weekly   INTEGER,
    enabled       BOOLEAN NOT NULL,
    owner         VARCHAR(255) NOT NULL,
    created       TIMESTAMP WITH TIME ZONE NOT NULL,
    last_round    TIMESTAMP WITH TIME ZONE
);

-- One row per schedule and VM it has handled: its last run, how it went, and what the overdue alarm measures by.
CREATE TABLE backup_schedule_runs (
    schedule_id   VARCHAR(64) NOT NULL REFERENCES backup_schedules (id) ON DELETE CASCADE,
    vm_id         VARCHAR(64) NOT NULL,
    round_at      TIMESTAMP WITH TIME ZONE,
    last_run      TIMESTAMP WITH TIME ZONE NOT NULL,
    outcome       VARCHAR(16) NOT NULL,
    operation_id  VARCHAR(64),
    submitted     TIMESTAMP WITH TIME ZONE,
    message       VARCHAR(8000),
    last_success  TIMESTAMP WITH TIME ZONE,
    usual_millis  BIGINT,
    watched_since TIMESTAMP WITH TIME ZONE,
    alarmed       BOOLEAN NOT NULL,
    PRIMARY KEY (schedule_id, vm_id)
);

CREATE INDEX backup_schedule_runs_outcome ON backup_schedule_runs (outcome);
