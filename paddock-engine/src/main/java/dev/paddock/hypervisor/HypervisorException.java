package dev.paddock.hypervisor;

/** A hypervisor call that did not do what was asked, with a reason a caller can act on. */
public final class HypervisorException extends RuntimeException {

    /** Why the call failed. The first four are the caller's to fix; the rest are the host's. */
    public enum Reason {
        NOT_FOUND,
        ALREADY_EXISTS,
        INVALID_STATE,
        INSUFFICIENT_RESOURCES,
        INVALID_ARGUMENT,
        UNREACHABLE,
        TIMEOUT,
        FAILED
    }

    private final Reason reason;

    public HypervisorException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public HypervisorException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
