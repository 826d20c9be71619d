package dev.paddock.hypervisor;

import java.time.Duration;

/** What a completed live migration took. */
public record MigrationResult(String uuid, String fromHostId, String toHostId, Duration elapsed, Duration downtime, long bytesTransferred) {}
