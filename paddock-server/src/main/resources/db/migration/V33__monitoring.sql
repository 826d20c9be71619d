-- Monitoring: an alarm raised by a threshold is cleared by the server when its condition stops holding (when, and the
-- sentence that says why), apart from a person's acknowledgement.
ALTER TABLE alarms ADD COLUMN cleared TIMESTAMP WITH TIME ZONE;
ALTER TABLE alarms ADD COLUMN cleared_reason VARCHAR(4000);

-- Thresholds: a metric (host.cpu_percent, ...), the subjects watched (scope_kind all, site, cluster, host, vm or
-- datastore, and that object's id; '' for all), above or below a value, for how long on end.
CREATE TABLE thresholds (
    id               VARCHAR(64) PRIMARY KEY,
    name             VARCHAR(128) NOT NULL UNIQUE,
    metric           VARCHAR(64) NOT NULL,
    scope_kind       VARCHAR(16) NOT NULL,
    scope_id         VARCHAR(64) NOT NULL,
    comparison       VARCHAR(8) NOT NULL,
    threshold_value  DOUBLE PRECISION NOT NULL,
    duration_seconds BIGINT NOT NULL,
    owner            VARCHAR(255) NOT NULL,
    created          TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The alarm each threshold holds raised, per subject: a restarted server neither raises it again nor forgets to clear
-- it.
CREATE TABLE threshold_alarms (
    threshold_id VARCHAR(64) NOT NULL REFERENCES thresholds (id) ON DELETE CASCADE,
    subject_id   VARCHAR(128) NOT NULL,
    alarm_id     VARCHAR(64) NOT NULL,
    raised       TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (threshold_id, subject_id)
);

-- Where notifications go: a webhook (target is its URL) or e-mail over SMTP (target is host:port; settings a JSON
-- object of sender, recipients, STARTTLS and user name). An SMTP password is sealed (AES-GCM under the server's
-- secrets key, bound to the channel's id).
CREATE TABLE notification_channels (
    id              VARCHAR(64) PRIMARY KEY,
    name            VARCHAR(128) NOT NULL UNIQUE,
    kind            VARCHAR(16) NOT NULL,
    target          VARCHAR(2000) NOT NULL,
    settings        VARCHAR(100000) NOT NULL,
    password_sealed VARCHAR(2000),
    owner           VARCHAR(255) NOT NULL,
    created         TIMESTAMP WITH TIME ZONE NOT NULL
);
