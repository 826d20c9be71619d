package dev.paddock.backup;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Optional;

/**
 * Makes many files' writes durable at once: {@code syncfs(2)} on the repository's file system, one flush of its
 * journal where an fsync of each file would cost one each (Proxmox Backup Server's default sync level does the same at
 * the end of a backup). Where the C library has no {@code syncfs}, each file is fsync'd.
 */
final class FileSystemSync {

    /** The part of the C library this needs. */
    interface Libc extends Library {
        int open(String path, int flags);

        int syncfs(int fd);

        int close(int fd);
    }

    private static final int O_RDONLY = 0;
    private static final Optional<Libc> LIBC = load();

    private FileSystemSync() {}

    private static Optional<Libc> load() {
        try {
            Libc libc = Native.load("c", Libc.class);
            libc.syncfs(-1);
            return Optional.of(libc);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Makes the content of {@code files} and the entries of {@code directories} durable, all on {@code root}'s file
     * system.
     */
    static void sync(Path root, Collection<Path> files, Collection<Path> directories) {
        if (LIBC.isPresent() && syncfs(LIBC.get(), root)) {
            return;
        }
        for (Path file : files) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.force(true);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make " + file + " durable", e);
            }
        }
        directories.forEach(ChunkStore::syncDirectory);
    }

    /**
     * Writes back what is dirty on {@code root}'s file system, for a later {@link #sync} to find less to do; does
     * nothing where there is no {@code syncfs}, and a failure is left for that later sync to meet.
     */
    static void start(Path root) {
        LIBC.ifPresent(libc -> syncfs(libc, root));
    }

    private static boolean syncfs(Libc libc, Path root) {
        int fd = libc.open(root.toString(), O_RDONLY);
        if (fd < 0) {
            return false;
        }
        try {
            return libc.syncfs(fd) == 0;
        } finally {
            libc.close(fd);
        }
    }
}
