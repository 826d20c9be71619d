-- High availability: what the clusters, VMs and hosts model records do not carry.
-- A cluster's enabled flag and tolerated failures live on clusters; pause and detection window here.
CREATE TABLE ha_clusters (
    cluster_id          VARCHAR(128) PRIMARY KEY,
    paused              BOOLEAN NOT NULL,
    detection_window_ms BIGINT NOT NULL
);

-- A VM's restart priority lives on vms (0 = not protected); a VM whose HA is disabled keeps its priority here.
CREATE TABLE ha_vms (
    vm_id    VARCHAR(128) PRIMARY KEY,
    priority INTEGER NOT NULL,
    enabled  BOOLEAN NOT NULL
);

-- Hosts an operator put in maintenance: HA neither fences them nor restarts their VMs.
CREATE TABLE ha_maintenance (
    host_id VARCHAR(128) PRIMARY KEY,
    since   TIMESTAMP WITH TIME ZONE NOT NULL
);

-- How each host is fenced: a fence-agents executable and its options (a JSON object, secrets included: never
-- returned by the API).
CREATE TABLE fence_devices (
    host_id VARCHAR(128) PRIMARY KEY,
    agent   VARCHAR(1024) NOT NULL,
    options VARCHAR(8000) NOT NULL
);
