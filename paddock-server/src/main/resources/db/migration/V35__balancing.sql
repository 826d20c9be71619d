-- How each cluster balances itself (DRS): off, recommend or automatic; the threshold and gains in points of the
-- standard deviation of host CPU use; the most moves a round makes; how long a moved VM stays put.
CREATE TABLE balancing_policies (
    cluster_id          VARCHAR(64) PRIMARY KEY,
    mode                VARCHAR(16) NOT NULL,
    threshold           DOUBLE PRECISION NOT NULL,
    minimum_gain        DOUBLE PRECISION NOT NULL,
    move_gain           DOUBLE PRECISION NOT NULL,
    max_moves           INT NOT NULL,
    cool_down_seconds   BIGINT NOT NULL
);

-- The moves balancing made: a VM moved stays where it went for the cool-down, across restarts of the manager.
CREATE TABLE balancing_moves (
    vm_id         VARCHAR(64) PRIMARY KEY,
    from_host_id  VARCHAR(64) NOT NULL,
    to_host_id    VARCHAR(64) NOT NULL,
    moved_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    operation_id  VARCHAR(64) NOT NULL
);
