-- How far a VM's vCPUs and memory may grow while it runs (hot-plug); NULL where it does not grow live.
ALTER TABLE vms ADD COLUMN max_vcpus INTEGER;
ALTER TABLE vms ADD COLUMN max_memory_mib BIGINT;
