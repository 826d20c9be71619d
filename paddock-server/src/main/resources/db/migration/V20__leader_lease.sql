-- Leases: which server may act on this database. One row per lease name ("controller": the operation runner and
-- HA). A holder takes, renews and gives back a lease with conditional UPDATEs judged by the database's clock, so
-- the servers' own clocks never matter. No holder (holder_id NULL) or an expiry in the past means the lease is free.
CREATE TABLE leases (
    name        VARCHAR(64) PRIMARY KEY,
    holder_id   VARCHAR(64),
    holder      VARCHAR(512),
    acquired_at TIMESTAMP WITH TIME ZONE,
    renewed_at  TIMESTAMP WITH TIME ZONE,
    expires_at  TIMESTAMP WITH TIME ZONE
);
