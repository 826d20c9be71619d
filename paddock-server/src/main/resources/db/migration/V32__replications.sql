-- Replications of restore points to another site's Paddock: the local repository read, the other server's base URL,
-- the API token presented there (sealed: AES-GCM under the server's secrets key, bound to the replication's id), the
-- repository there, the CA certificate to trust (PEM, not secret), the bandwidth cap, the VMs covered (a JSON array;
-- empty for all), the interval between rounds and the recovery point target, and the last round's outcome (JSON).
CREATE TABLE replications (
    id                VARCHAR(64) PRIMARY KEY,
    name              VARCHAR(128) NOT NULL UNIQUE,
    source_repository VARCHAR(64) NOT NULL,
    target_url        VARCHAR(2000) NOT NULL,
    target_repository VARCHAR(128) NOT NULL,
    token_sealed      VARCHAR(2000) NOT NULL,
    ca_certificate    VARCHAR(100000),
    bandwidth         BIGINT NOT NULL,
    vms               VARCHAR(100000) NOT NULL,
    interval_seconds  BIGINT NOT NULL,
    rpo_seconds       BIGINT NOT NULL,
    streams           INT NOT NULL,
    created           TIMESTAMP WITH TIME ZONE NOT NULL,
    last_round        VARCHAR(100000)
);

-- Where each VM stands at a replication's target: its newest point there and when that point was taken (its recovery
-- point), with the bytes and time its last shipment took.
CREATE TABLE replication_vms (
    replication_id  VARCHAR(64) NOT NULL REFERENCES replications (id) ON DELETE CASCADE,
    vm              VARCHAR(64) NOT NULL,
    point           VARCHAR(128) NOT NULL,
    taken           TIMESTAMP WITH TIME ZONE NOT NULL,
    bytes_sent      BIGINT NOT NULL,
    took_millis     BIGINT NOT NULL,
    replicated      TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (replication_id, vm)
);
