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

-- How each cluster saves power (DPM): off, recommend or automatic; power on above high, to target; standby under low
-- (shares of the CPU of the hosts on, 0 to 1); the fewest hosts kept on; no standby within settle of a power-on.
CREATE TABLE power_policies (
    cluster_id      VARCHAR(64) PRIMARY KEY,
    mode            VARCHAR(16) NOT NULL,
    high            DOUBLE PRECISION NOT NULL,
    target          DOUBLE PRECISION NOT NULL,
    low             DOUBLE PRECISION NOT NULL,
    minimum_on      INT NOT NULL,
    settle_seconds  BIGINT NOT NULL
);

-- The hosts power saving put in standby: since when, the operation that wakes one (while it runs), when it woke.
-- A row whose host woke stays, so that the cluster's last power-on is known across restarts.
CREATE TABLE power_standby (
    host_id          VARCHAR(64) PRIMARY KEY,
    cluster_id       VARCHAR(64) NOT NULL,
    state            VARCHAR(16) NOT NULL,
    since            TIMESTAMP WITH TIME ZONE NOT NULL,
    operation_id     VARCHAR(64) NOT NULL,
    woken_at         TIMESTAMP WITH TIME ZONE
);
