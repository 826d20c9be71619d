package dev.paddock.hypervisor;

import java.time.Duration;
import java.util.Optional;

/**
 * How to live-migrate.
 *
 * @param bandwidthMibps a cap on migration bandwidth, empty for none
 * @param maxDowntime the longest pause the guest may see at switch-over, empty for the hypervisor default
 * @param migrationUri an explicit data-channel URI (for example {@code tcp://10.77.0.2}), empty to let the
 *     destination choose
 */
public record MigrationOptions(Optional<Long> bandwidthMibps, Optional<Duration> maxDowntime, Optional<String> migrationUri) {
    public static final MigrationOptions DEFAULTS = new MigrationOptions(Optional.empty(), Optional.empty(), Optional.empty());
}
