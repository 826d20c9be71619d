-- The inventory. Plain SQL that runs unchanged on H2 and PostgreSQL.
-- Sets and lists (licences, groups, disks, NICs) are JSON text written by dev.paddock.json.Json.

CREATE TABLE sites (
    id          VARCHAR(128) PRIMARY KEY,
    name        VARCHAR(255) NOT NULL,
    description VARCHAR(4000) NOT NULL,
    CONSTRAINT sites_name_unique UNIQUE (name)
);

CREATE TABLE clusters (
    id                      VARCHAR(128) PRIMARY KEY,
    site_id                 VARCHAR(128) NOT NULL,
    name                    VARCHAR(255) NOT NULL,
    ha_enabled              BOOLEAN NOT NULL,
    tolerated_host_failures INTEGER NOT NULL,
    CONSTRAINT clusters_name_unique UNIQUE (site_id, name)
);

CREATE TABLE hosts (
    id             VARCHAR(128) PRIMARY KEY,
    cluster_id     VARCHAR(128) NOT NULL,
    name           VARCHAR(255) NOT NULL,
    uri            VARCHAR(1024) NOT NULL,
    cpu_millicores BIGINT NOT NULL,
    memory_mib     BIGINT NOT NULL,
    disk_gib       BIGINT NOT NULL,
    network_mbps   BIGINT NOT NULL,
    state          VARCHAR(32) NOT NULL,
    power          VARCHAR(32) NOT NULL,
    licences       VARCHAR(8000) NOT NULL,
    CONSTRAINT hosts_name_unique UNIQUE (name)
);

CREATE TABLE vms (
    id                   VARCHAR(128) PRIMARY KEY,
    name                 VARCHAR(255) NOT NULL,
    cluster_id           VARCHAR(128) NOT NULL,
    host_id              VARCHAR(128),
    cpu_millicores       BIGINT NOT NULL,
    memory_mib           BIGINT NOT NULL,
    disk_gib             BIGINT NOT NULL,
    network_mbps         BIGINT NOT NULL,
    state                VARCHAR(32) NOT NULL,
    origin               VARCHAR(32) NOT NULL,
    tier                 VARCHAR(255) NOT NULL,
    ha_priority          INTEGER NOT NULL,
    affinity_groups      VARCHAR(8000) NOT NULL,
    anti_affinity_groups VARCHAR(8000) NOT NULL,
    licences             VARCHAR(8000) NOT NULL,
    disks                VARCHAR(32000) NOT NULL,
    nics                 VARCHAR(32000) NOT NULL,
    CONSTRAINT vms_name_unique UNIQUE (cluster_id, name)
);

-- Paging walks VMs by (name, id); placement and HA ask for the VMs of one host.
CREATE INDEX vms_name_id ON vms (name, id);
CREATE INDEX vms_host ON vms (host_id);

CREATE TABLE networks (
    id           VARCHAR(128) PRIMARY KEY,
    site_id      VARCHAR(128) NOT NULL,
    name         VARCHAR(255) NOT NULL,
    vlan         INTEGER,
    isolated     BOOLEAN NOT NULL,
    mirror_ports VARCHAR(32000) NOT NULL,
    CONSTRAINT networks_name_unique UNIQUE (site_id, name)
);

CREATE TABLE datastores (
    id           VARCHAR(128) PRIMARY KEY,
    site_id      VARCHAR(128) NOT NULL,
    name         VARCHAR(255) NOT NULL,
    shared       BOOLEAN NOT NULL,
    capacity_gib BIGINT NOT NULL,
    free_gib     BIGINT NOT NULL,
    host_ids     VARCHAR(100000) NOT NULL,
    CONSTRAINT datastores_name_unique UNIQUE (site_id, name)
);
