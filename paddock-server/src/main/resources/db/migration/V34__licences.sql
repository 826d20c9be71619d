-- Licences: what each entitles (metric VM or HOST_CORE, how many; 0 for no limit), the sites it may be used in (a JSON
-- array; empty for all) and how often a VM's licence may be reassigned to another host (days; 0 for no rule).
CREATE TABLE licences (
    name             VARCHAR(64) PRIMARY KEY,
    metric           VARCHAR(16) NOT NULL,
    entitlement      INT NOT NULL,
    sites            VARCHAR(100000) NOT NULL,
    relocation_days  INT NOT NULL
);

-- Where each VM's licence is bound: the host it last ran on with it, since when (its last reassignment).
CREATE TABLE licence_bindings (
    vm_id    VARCHAR(64) NOT NULL,
    licence  VARCHAR(64) NOT NULL,
    host_id  VARCHAR(64) NOT NULL,
    since    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (vm_id, licence)
);
