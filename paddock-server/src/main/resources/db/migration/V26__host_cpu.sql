-- A host's CPU as its hypervisor reports it when attached: what placement compares before a live move. Rows from
-- before read as an unknown model, which placement does not judge, until the host is attached again.
ALTER TABLE hosts ADD COLUMN cpu_vendor VARCHAR(64) DEFAULT '' NOT NULL;
ALTER TABLE hosts ADD COLUMN cpu_model VARCHAR(255) DEFAULT 'unknown' NOT NULL;
ALTER TABLE hosts ADD COLUMN cpu_features VARCHAR(8000) DEFAULT '[]' NOT NULL;
