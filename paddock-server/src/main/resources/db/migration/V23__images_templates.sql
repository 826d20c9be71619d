-- A VM's firmware and boot order ("BIOS" or "UEFI", a colon, then the boot devices in order, comma-separated).
ALTER TABLE vms ADD COLUMN boot VARCHAR(64) DEFAULT 'BIOS:' NOT NULL;

-- The image library: volumes of a datastore's pool that disks are cloned from, with their checksum.
CREATE TABLE images (
    id           VARCHAR(128) PRIMARY KEY,
    datastore_id VARCHAR(128) NOT NULL,
    name         VARCHAR(255) NOT NULL,
    volume       VARCHAR(255) NOT NULL,
    format       VARCHAR(16) NOT NULL,
    size_bytes   BIGINT NOT NULL,
    sha256       VARCHAR(64) NOT NULL,
    CONSTRAINT images_name_unique UNIQUE (datastore_id, name)
);

-- Templates: an image and the hardware a VM made from it gets.
CREATE TABLE templates (
    id         VARCHAR(128) PRIMARY KEY,
    name       VARCHAR(255) NOT NULL,
    image_id   VARCHAR(128) NOT NULL,
    vcpus      INTEGER NOT NULL,
    memory_mib BIGINT NOT NULL,
    disk_gib   BIGINT NOT NULL,
    boot       VARCHAR(64) NOT NULL,
    CONSTRAINT templates_name_unique UNIQUE (name)
);
