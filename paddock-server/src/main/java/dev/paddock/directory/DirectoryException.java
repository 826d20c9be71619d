package dev.paddock.directory;

/** Why a directory login failed, in one sentence. */
public sealed class DirectoryException extends RuntimeException {

    DirectoryException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The name or the password is wrong (the same answer for both, so that names cannot be probed). */
    public static final class InvalidCredentials extends DirectoryException {
        InvalidCredentials() {
            super("The user name or password is wrong.", null);
        }
    }

    /** The directory could not be asked: unreachable, TLS refused, or the service account refused. */
    public static final class Unavailable extends DirectoryException {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
