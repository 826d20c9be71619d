-- Datastores backed by libvirt storage pools: the pool type ('declared' for one declared by hand), what names the
-- storage on every host (source), sizes in bytes as libvirt reports them, and the pool's name on each host (JSON).
ALTER TABLE datastores ADD COLUMN pool_type VARCHAR(32) DEFAULT 'declared' NOT NULL;
ALTER TABLE datastores ADD COLUMN source VARCHAR(2048) DEFAULT '' NOT NULL;
ALTER TABLE datastores ADD COLUMN capacity_bytes BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE datastores ADD COLUMN free_bytes BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE datastores ADD COLUMN pools VARCHAR(100000) DEFAULT '{}' NOT NULL;
UPDATE datastores SET capacity_bytes = capacity_gib * 1073741824, free_bytes = free_gib * 1073741824;
