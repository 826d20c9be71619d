package dev.paddock.api;

/**
 * A request Paddock refuses for a reason the caller can fix. Each kind maps to one HTTP status and one
 * problem type; the message is the problem's detail, so it must be a sentence a user can act on.
 * Anything else thrown while serving a request is a bug and becomes a 500 without its message.
 */
public abstract sealed class PaddockException extends RuntimeException {

    private PaddockException(String message) {
        super(message, null, false, false);
    }

    public abstract ProblemType type();

    /** The id in a path names nothing. */
    public static final class NotFound extends PaddockException {
        public NotFound(String message) {
            super(message);
        }

        @Override
        public ProblemType type() {
            return ProblemType.NOT_FOUND;
        }
    }

    /** The body or the query is not what the route reads: malformed JSON, unknown field, wrong type. */
    public static final class BadRequest extends PaddockException {
        public BadRequest(String message) {
            super(message);
        }

        @Override
        public ProblemType type() {
            return ProblemType.BAD_REQUEST;
        }
    }

    /** The body is well formed but a value is out of bounds or refers to nothing. */
    public static final class InvalidValue extends PaddockException {
        public InvalidValue(String message) {
            super(message);
        }

        @Override
        public ProblemType type() {
            return ProblemType.INVALID_VALUE;
        }
    }

    /** The request clashes with the current state: a taken name, a VM in the wrong state, no room left. */
    public static final class Conflict extends PaddockException {
        public Conflict(String message) {
            super(message);
        }

        @Override
        public ProblemType type() {
            return ProblemType.CONFLICT;
        }
    }

    /** The request carries no credentials, or wrong ones. */
    public static final class Unauthenticated extends PaddockException {
        public Unauthenticated(String message) {
            super(message);
        }

        @Override
        public ProblemType type() {
            return ProblemType.UNAUTHENTICATED;
        }
    }

    /** The directory that vouches for a user could not be asked (unreachable, TLS refused, service account refused). */
    public static final class DirectoryUnavailable extends PaddockException {
        public DirectoryUnavailable(String message) {
            super(message);
        }

        @Override
        public ProblemType type() {
            return ProblemType.DIRECTORY_UNAVAILABLE;
        }
    }

    /** The caller is known but may not do this. */
    public static final class Forbidden extends PaddockException {
        public Forbidden(String message) {
            super(message);
        }

        @Override
        public ProblemType type() {
            return ProblemType.FORBIDDEN;
        }
    }

    /** The request's body is larger than its route takes. */
    public static final class ContentTooLarge extends PaddockException {
        public ContentTooLarge(String message) {
            super(message);
        }

        @Override
        public ProblemType type() {
            return ProblemType.CONTENT_TOO_LARGE;
        }
    }

    /** Too many failed logins, or too much work started: the caller must wait {@code retryAfterSeconds}. */
    public static final class TooManyRequests extends PaddockException {
        private final long retryAfterSeconds;

        public TooManyRequests(String message, long retryAfterSeconds) {
            super(message);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }

        @Override
        public ProblemType type() {
            return ProblemType.TOO_MANY_REQUESTS;
        }
    }
}
