package dev.paddock.lab;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The far end of a WAN measurement: a TCP server that a test starts inside a lab host's namespace
 * ({@code ip netns exec hN java ... WanPeer serve ADDRESS}), and the client that talks to it, from the test or from
 * another namespace ({@code WanPeer rtt ADDRESS PORT}, which prints the median round trip in ms).
 *
 * <p>One connection carries any number of requests, one byte each: {@code p} is answered {@code p} (a round trip);
 * {@code u} and a length are followed by that many bytes, answered {@code k} once all arrived (an upload); {@code d}
 * and a length are answered with that many bytes (a download).
 */
final class WanPeer {

    private WanPeer() {}

    public static void main(String[] arguments) throws IOException {
        if (arguments.length == 2 && arguments[0].equals("serve")) {
            serve(arguments[1]);
        } else if (arguments.length == 4 && arguments[0].equals("rtt")) {
            try (Link link = Link.open(new InetSocketAddress(arguments[1], Integer.parseInt(arguments[2])),
                    Duration.ofSeconds(5))) {
                System.out.println(link.medianRoundTripMillis(Integer.parseInt(arguments[3])));
            }
        } else {
            System.err.println("usage: WanPeer serve ADDRESS | rtt ADDRESS PORT COUNT");
            System.exit(2);
        }
    }

    /** Listens on the address only (never every address), prints {@code port N}, and serves until killed. */
    private static void serve(String address) throws IOException {
        try (ServerSocket server = new ServerSocket(0, 16, InetAddress.getByName(address))) {
            System.out.println("port " + server.getLocalPort());
            System.out.flush();
            while (true) {
                Socket socket = server.accept();
                Thread.ofVirtual().start(() -> answer(socket));
            }
        }
    }

    private static void answer(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            var in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
            var out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
            byte[] buffer = new byte[1 << 16];
            while (true) {
                int request = in.read();
                switch (request) {
                    case -1 -> {
                        return;
                    }
                    case 'p' -> out.write('p');
                    case 'u' -> {
                        for (long left = in.readLong(); left > 0; ) {
                            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                            if (read < 0) {
                                throw new EOFException("upload ended early");
                            }
                            left -= read;
                        }
                        out.write('k');
                    }
                    case 'd' -> {
                        for (long left = in.readLong(); left > 0; ) {
                            int chunk = (int) Math.min(buffer.length, left);
                            out.write(buffer, 0, chunk);
                            left -= chunk;
                        }
                    }
                    default -> throw new IOException("unknown request " + request);
                }
                out.flush();
            }
        } catch (IOException e) {
            // the test closed or abandoned the connection: nothing to answer any more
        }
    }

    /** A connection to a peer, with TCP_NODELAY so that each request is one segment. */
    static final class Link implements AutoCloseable {

        private final Socket socket;
        private final DataInputStream in;
        private final DataOutputStream out;

        private Link(Socket socket) throws IOException {
            this.socket = socket;
            socket.setTcpNoDelay(true);
            this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
            this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
        }

        static Link open(InetSocketAddress peer, Duration connectTimeout) throws IOException {
            Socket socket = new Socket();
            try {
                socket.connect(peer, (int) connectTimeout.toMillis());
                return new Link(socket);
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        }

        /** One round trip, in nanoseconds. */
        long roundTripNanos() throws IOException {
            long start = System.nanoTime();
            sendPing();
            awaitPong(Duration.ZERO);
            return System.nanoTime() - start;
        }

        double medianRoundTripMillis(int count) throws IOException {
            long[] nanos = new long[count];
            for (int i = 0; i < count; i++) {
                nanos[i] = roundTripNanos();
            }
            Arrays.sort(nanos);
            return nanos[count / 2] / 1e6;
        }

        /** Round trips, in milliseconds, in the order measured. */
        List<Double> roundTripsMillis(int count) throws IOException {
            List<Double> millis = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                millis.add(roundTripNanos() / 1e6);
            }
            return millis;
        }

        void sendPing() throws IOException {
            out.write('p');
            out.flush();
        }

        /**
         * Waits for the answer to a ping, at most {@code timeout} (zero waits for ever); a {@link
         * SocketTimeoutException} leaves the connection usable and the answer still to come.
         */
        void awaitPong(Duration timeout) throws IOException {
            socket.setSoTimeout((int) timeout.toMillis());
            try {
                expect('p');
            } finally {
                socket.setSoTimeout(0);
            }
        }

        /** Sends {@code bytes} and waits until the peer has them all; returns the seconds it took. */
        double upload(long bytes) throws IOException {
            long start = System.nanoTime();
            out.write('u');
            out.writeLong(bytes);
            byte[] buffer = new byte[1 << 16];
            for (long left = bytes; left > 0; ) {
                int chunk = (int) Math.min(buffer.length, left);
                out.write(buffer, 0, chunk);
                left -= chunk;
            }
            out.flush();
            expect('k');
            return (System.nanoTime() - start) / 1e9;
        }

        /** Asks for {@code bytes} and reads them all; returns the seconds it took. */
        double download(long bytes) throws IOException {
            long start = System.nanoTime();
            out.write('d');
            out.writeLong(bytes);
            out.flush();
            byte[] buffer = new byte[1 << 16];
            for (long left = bytes; left > 0; ) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (read < 0) {
                    throw new EOFException("download ended with " + left + " bytes to come");
                }
                left -= read;
            }
            return (System.nanoTime() - start) / 1e9;
        }

        private void expect(int answer) throws IOException {
            int got = in.read();
            if (got != answer) {
                throw new IOException("the peer answered " + got + ", not " + (char) answer);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** A peer running in a lab host's namespace; closing it kills it. */
    record Running(Process process, InetSocketAddress address) implements AutoCloseable {

        /** Starts a peer in namespace {@code hN} on {@code address} (the host's own) and waits for its port. */
        static Running start(int n, String address) {
            Process process = launch("h" + n, List.of("serve", address));
            try {
                String line = process.inputReader().readLine();
                if (line == null || !line.startsWith("port ")) {
                    process.destroyForcibly();
                    throw new IllegalStateException("the WAN peer in h" + n + " did not start: "
                            + new String(process.getErrorStream().readAllBytes()));
                }
                return new Running(process, new InetSocketAddress(address, Integer.parseInt(line.substring(5))));
            } catch (IOException e) {
                process.destroyForcibly();
                throw new UncheckedIOException(e);
            }
        }

        /** The median of {@code count} round trips to this peer measured from namespace {@code hN}, in ms. */
        double medianRoundTripMillisFrom(int n, int count) {
            Process probe = launch("h" + n, List.of("rtt", address.getHostString(),
                    Integer.toString(address.getPort()), Integer.toString(count)));
            try {
                String line = probe.inputReader().readLine();
                if (!probe.waitFor(60, TimeUnit.SECONDS) || probe.exitValue() != 0 || line == null) {
                    probe.destroyForcibly();
                    throw new IllegalStateException("measuring from h" + n + " failed: "
                            + new String(probe.getErrorStream().readAllBytes()));
                }
                return Double.parseDouble(line.strip());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }

        /** This JDK running this class from the test classes, inside a namespace (ip netns exec execs it). */
        private static Process launch(String namespace, List<String> arguments) {
            List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace,
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-cp", classes(), WanPeer.class.getName()));
            command.addAll(arguments);
            try {
                return new ProcessBuilder(command).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String classes() {
            try {
                return Path.of(WanPeer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
