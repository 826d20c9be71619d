-- Alarms a person should see (an unregistered VM on a managed host, ...), and the append-only audit log.

CREATE TABLE alarms (
    id              VARCHAR(64) PRIMARY KEY,
    kind            VARCHAR(64) NOT NULL,
    subject_id      VARCHAR(128) NOT NULL,
    message         VARCHAR(4000) NOT NULL,
    raised          TIMESTAMP WITH TIME ZONE NOT NULL,
    acknowledged    TIMESTAMP WITH TIME ZONE,
    acknowledged_by VARCHAR(255)
);

CREATE INDEX alarms_raised ON alarms (raised);

-- Each entry carries the hash of the one before it (a hash chain), so that an edited or deleted row shows.
CREATE TABLE audit (
    seq           BIGINT PRIMARY KEY,
    at            TIMESTAMP WITH TIME ZONE NOT NULL,
    actor         VARCHAR(255) NOT NULL,
    action        VARCHAR(128) NOT NULL,
    subject_id    VARCHAR(128) NOT NULL,
    detail        VARCHAR(4000) NOT NULL,
    previous_hash VARCHAR(64) NOT NULL,
    hash          VARCHAR(64) NOT NULL
);
