package dev.paddock.libvirt.ovs;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** A TCP connection to one of a switch's management listeners (its database, its OpenFlow service port). */
final class SwitchSocket {

    private SwitchSocket() {}

    /**
     * Connects to {@code host:port}, every later read waiting at most {@code timeout}.
     *
     * @throws OvsdbException naming {@code what} listens there when nothing answers
     */
    static Socket open(String host, int port, Duration timeout, String what) {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            return socket;
        } catch (IOException e) {
            close(socket);
            throw new OvsdbException("cannot reach " + what + " at " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing is left to do with a socket that will not close
        }
    }
}
