package dev.paddock.operation;

/**
 * The port through which a {@code FenceHost} step powers a host off (and power saving's steps power one off and on): the HA side knows each host's fence device
 * and agent, the runner only that a host must end up off. Outside HA (a server without fence devices, a test
 * runner) no host can be fenced, and a fence step fails with a sentence saying so.
 */
public interface HostFencing {

    /** What a fence found or did, for the step's log. */
    record Fenced(boolean wasOff, String detail) {}

    /** No fence agent: every fence fails, so nothing restarts on the strength of it. */
    HostFencing NONE = new HostFencing() {
        @Override
        public Fenced powerOff(String hostId) {
            throw new FenceFailed("host " + hostId + " cannot be fenced: this server runs no fence agent");
        }

        @Override
        public Fenced powerOn(String hostId) {
            throw new FenceFailed("host " + hostId + " cannot be powered on: this server runs no fence agent");
        }
    };

    /**
     * Powers the host off and confirms it off; a host its device already reports off is left alone.
     *
     * @throws FenceFailed when the host cannot be confirmed off (the step fails, no restart runs)
     */
    Fenced powerOff(String hostId);

    /**
     * Powers the host on and confirms it on (a host back from standby); a host its device already reports on is
     * left alone.
     *
     * @throws FenceFailed when the host cannot be confirmed on
     */
    Fenced powerOn(String hostId);

    /** The host could not be confirmed off; the message says why, in the device's words, secrets masked. */
    final class FenceFailed extends RuntimeException {
        public FenceFailed(String message) {
            super(message);
        }
    }
}
