package dev.paddock.hypervisor;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to live-migrate.
 *
 * @param bandwidthMibps a cap on migration bandwidth, empty for none
 * @param maxDowntime the longest pause the guest may see at switch-over, empty for the hypervisor default
 * @param migrationUri an explicit data-channel URI (for example {@code tcp://10.77.0.2}), empty to let the
 *     destination choose
 * @param storage whether the disks are copied to the destination while the guest runs, and how much of them
 */
public record MigrationOptions(Optional<Long> bandwidthMibps, Optional<Duration> maxDowntime,
        Optional<String> migrationUri, StorageCopy storage) {

    public static final MigrationOptions DEFAULTS = new MigrationOptions(Optional.empty(), Optional.empty(),
            Optional.empty());

    /** What a migration does with the disks. */
    public enum StorageCopy {
        /** Source and destination see the same disks: only memory moves. */
        NONE,
        /** Every disk is copied whole, its backing chain flattened (libvirt's copy-storage-all). */
        FULL,
        /** Only each disk's top layer is copied: its backing image is on the destination already (copy-storage-inc). */
        TOP_LAYER
    }

    public MigrationOptions {
        Objects.requireNonNull(storage, "storage");
    }

    /** A migration over shared storage. */
    public MigrationOptions(Optional<Long> bandwidthMibps, Optional<Duration> maxDowntime,
            Optional<String> migrationUri) {
        this(bandwidthMibps, maxDowntime, migrationUri, StorageCopy.NONE);
    }

    public MigrationOptions withStorage(StorageCopy copy) {
        return new MigrationOptions(bandwidthMibps, maxDowntime, migrationUri, copy);
    }
}
