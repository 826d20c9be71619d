package dev.paddock.placement;

/**
 * Why a host cannot take a VM: the {@code explain} answer.
 *
 * @param filter the name of the filter that rejected the host
 * @param reason a sentence for a person
 * @param requested how much the VM asks for, where the filter counts something (else 0)
 * @param free how much the host has left of it (else 0)
 */
public record Reject(String filter, String reason, long requested, long free) implements Verdict {
    public static Reject because(String filter, String reason) {
        return new Reject(filter, reason, 0, 0);
    }

    /** The reason, with the amounts when the filter counts something: "not enough cpu (millicores): needs 1000, 0 free". */
    public String describe() {
        return requested == 0 && free == 0 ? reason
                : reason + ": needs " + requested + ", " + Math.max(0, free) + " free";
    }
}
