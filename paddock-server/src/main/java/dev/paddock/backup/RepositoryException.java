package dev.paddock.backup;

/**
 * What the repository refuses or finds wrong, each a sentence that names what is at fault. The REST layer maps them
 * to problem responses when the backup operations use them; bugs and I/O failures stay unchecked exceptions of their
 * own.
 */
public abstract sealed class RepositoryException extends RuntimeException {

    RepositoryException(String message) {
        super(message);
    }

    /** A chunk whose bytes do not decode to the content its name promises. */
    public static final class CorruptChunk extends RepositoryException {
        private final String chunk;

        CorruptChunk(String chunk, String where, String why) {
            super("chunk " + chunk + " " + where + " is corrupt: " + why);
            this.chunk = chunk;
        }

        public String chunk() {
            return chunk;
        }
    }

    /** A restore point whose manifest does not decode: damaged, or sealed under another key. */
    public static final class CorruptPoint extends RepositoryException {
        CorruptPoint(String message) {
            super(message);
        }
    }

    /** A chunk a restore point names that the repository does not hold. */
    public static final class MissingChunk extends RepositoryException {
        private final String chunk;

        MissingChunk(String chunk, String where) {
            super("chunk " + chunk + " " + where + " is missing from the repository");
            this.chunk = chunk;
        }

        public String chunk() {
            return chunk;
        }
    }

    /** An encrypted repository opened without its key or with another one, or a plain one given a key. */
    public static final class WrongKey extends RepositoryException {
        WrongKey(String message) {
            super(message);
        }
    }

    /** A directory that holds no repository, or one of a format this build does not read. */
    public static final class NotARepository extends RepositoryException {
        NotARepository(String message) {
            super(message);
        }
    }

    /** A restore point, or a disk of one, that the repository does not hold. */
    public static final class NoSuchPoint extends RepositoryException {
        NoSuchPoint(String message) {
            super(message);
        }
    }

    /** A prune asked for while another prune holds the repository's prune lock. */
    public static final class PruneRunning extends RepositoryException {
        PruneRunning(String message) {
            super(message);
        }
    }
}
