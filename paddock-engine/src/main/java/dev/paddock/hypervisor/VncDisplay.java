package dev.paddock.hypervisor;

/**
 * Where a running domain's VNC display listens, and the password it asks.
 *
 * @param host the address the display listens on, as a client of the host reaches it
 * @param port the TCP port the hypervisor gave the display when the domain started
 */
public record VncDisplay(String host, int port, String password) {

    /** The password is a secret: it stays out of logs and messages that print this record. */
    @Override
    public String toString() {
        return "VncDisplay[host=" + host + ", port=" + port + "]";
    }
}
