package dev.paddock.backup.files;

/**
 * What file-level restore refuses or finds wrong, each a sentence that names the path, partition or structure at
 * fault. A chunk of the repository that is missing or corrupt is not one of these: it stays the repository's
 * {@link dev.paddock.backup.RepositoryException}, which names the chunk.
 */
public abstract sealed class FileRestoreException extends RuntimeException {

    FileRestoreException(String message) {
        super(message, null, false, false);
    }

    /** A path, or a partition number, that names nothing on the disk. */
    public static final class NoSuchPath extends FileRestoreException {
        NoSuchPath(String message) {
            super(message);
        }
    }

    /** A path that is not one: a {@code ..} component, a NUL character. */
    public static final class BadPath extends FileRestoreException {
        BadPath(String message) {
            super(message);
        }
    }

    /** A directory asked for as a file, a file (or a link) as a directory. */
    public static final class WrongType extends FileRestoreException {
        WrongType(String message) {
            super(message);
        }
    }

    /**
     * A partition that holds no file system Paddock reads (xfs, NTFS, LVM, swap, nothing known), or a file system or
     * file that uses a feature it does not read (ext4 inline data or encryption, compression).
     */
    public static final class Unsupported extends FileRestoreException {
        Unsupported(String message) {
            super(message);
        }
    }

    /**
     * Metadata that cannot be right: an offset past the end of the partition, a chain or tree that loops, a size no
     * file system allows, a broken directory entry.
     */
    public static final class Corrupt extends FileRestoreException {
        Corrupt(String message) {
            super(message);
        }
    }
}
