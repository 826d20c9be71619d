package dev.paddock.backup.files;

import java.time.Instant;
import java.util.Optional;

/**
 * One name in a directory of a backed-up file system: its type, its size in bytes (a symbolic link's: its target's
 * length; a FAT directory's: 0), when it was last modified, its permission bits when the file system keeps them
 * (ext: the low 12 bits of the mode, set-id and sticky bits included; FAT: none), and a symbolic link's target.
 *
 * <p>FAT records local time without a zone: its times are given as if that local time were UTC.
 */
public record FileEntry(String name, Type type, long size, Optional<Instant> modified, Optional<Integer> mode,
                        Optional<String> target) {

    /** What a name is. {@code OTHER}: a device, a FIFO or a socket, which has no content to restore. */
    public enum Type { FILE, DIRECTORY, SYMLINK, OTHER }
}
