package dev.paddock.store;

/** The database failed or could not be reached: not the caller's fault, and not fixable by retrying the input. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
