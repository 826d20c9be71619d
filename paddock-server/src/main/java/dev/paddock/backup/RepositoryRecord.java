package dev.paddock.backup;

import java.time.Instant;
import java.util.Objects;

/**
 * A backup repository the server knows: its name, the directory that holds it, and whether it is encrypted (its key
 * is then kept sealed beside the record).
 */
public record RepositoryRecord(String id, String name, String path, boolean encrypted, Instant created) {

    public RepositoryRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(created, "created");
    }
}
