package dev.paddock.store;

/** A host cannot be deleted while VMs are placed on it. */
public final class HostInUseException extends RuntimeException {
    public HostInUseException(String message) {
        super(message);
    }
}
