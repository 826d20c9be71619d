package dev.paddock.libvirt.ovs;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A flow Paddock keeps in a switch's table: what it matches, at which priority, and whether the packets go on as an
 * ordinary learning switch sends them ({@code NORMAL}) or are dropped.
 */
public record Flow(int priority, FlowMatch match, boolean forward) {

    /** The top 16 bits of the cookie of every flow a {@link #cookie} names: "pd". */
    public static final long COOKIE_MARK = 0x7064L << 48;
    static final long COOKIE_MARK_MASK = 0xffffL << 48;

    public Flow {
        if (priority < 0 || priority > 0xffff) {
            throw new IllegalArgumentException("an OpenFlow priority is 0 to 65535, not " + priority);
        }
    }

    public static Flow forward(int priority, FlowMatch match) {
        return new Flow(priority, match, true);
    }

    public static Flow drop(int priority, FlowMatch match) {
        return new Flow(priority, match, false);
    }

    /**
     * The flow's cookie: Paddock's mark in the top 16 bits, and 48 bits of a digest of the flow, so that a flow
     * read back from the switch is known by its cookie alone, whatever form the switch gives its match.
     */
    public long cookie() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(match.encode());
            sha.update(ByteBuffer.allocate(3).putShort((short) priority).put((byte) (forward ? 1 : 0)).array());
            long digest = ByteBuffer.wrap(sha.digest()).getLong();
            return COOKIE_MARK | (digest & ~COOKIE_MARK_MASK);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when {@code cookie} is one Paddock gave a flow. */
    public static boolean isPaddocks(long cookie) {
        return (cookie & COOKIE_MARK_MASK) == COOKIE_MARK;
    }

    @Override
    public String toString() {
        return "priority=" + priority + "," + match + " actions=" + (forward ? "NORMAL" : "drop");
    }
}
