package dev.paddock.store;

/** A write would give two objects of the same kind the same name in one scope. */
public final class DuplicateNameException extends RuntimeException {
    public DuplicateNameException(String message) {
        super(message);
    }
}
