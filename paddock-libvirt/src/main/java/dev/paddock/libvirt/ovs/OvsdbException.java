package dev.paddock.libvirt.ovs;

/** A switch database that cannot be reached, or refused what it was asked; the message says which and why. */
public final class OvsdbException extends RuntimeException {

    OvsdbException(String message) {
        super(message);
    }

    OvsdbException(String message, Throwable cause) {
        super(message, cause);
    }
}
