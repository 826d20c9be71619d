package dev.paddock.replication;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP link to a server that can be cut: once {@link #cutAfter} bytes have gone towards the server, every
 * connection is reset and new ones are closed as they come, until {@link #heal}. A WAN line going down, on loopback.
 */
final class CuttableLink implements AutoCloseable {

    private final ServerSocket listener;
    private final int serverPort;
    private final AtomicLong forwarded = new AtomicLong();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile long limit = Long.MAX_VALUE;
    private volatile boolean cut;

    CuttableLink(int serverPort) throws IOException {
        this.serverPort = serverPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    /** Cuts the link once {@code bytes} more have gone towards the server. */
    void cutAfter(long bytes) {
        limit = forwarded.get() + bytes;
    }

    boolean isCut() {
        return cut;
    }

    void heal() {
        limit = Long.MAX_VALUE;
        cut = false;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (cut) {
                    client.close();
                    continue;
                }
                Socket server = new Socket(InetAddress.getLoopbackAddress(), serverPort);
                open.add(client);
                open.add(server);
                Thread.ofVirtual().start(() -> pump(client, server, true));
                Thread.ofVirtual().start(() -> pump(server, client, false));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean towardsServer) {
        byte[] buffer = new byte[16 << 10];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (towardsServer && forwarded.addAndGet(n) > limit) {
                    cutEverything();
                    return;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // a closed end ends the pump
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void cutEverything() {
        cut = true;
        for (Socket socket : open) {
            closeQuietly(socket);
        }
        open.clear();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        cutEverything();
    }
}
