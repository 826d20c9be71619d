package dev.paddock.backup.nbd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A qcow2 image made and written with qemu-img and qemu-io, served read-only by qemu-nbd on a UNIX socket. */
final class QemuImage {

    private final Path directory;
    private final Path image;

    QemuImage(Path directory, long size) {
        this.directory = directory;
        this.image = directory.resolve("disk.qcow2");
        run("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), Long.toString(size));
    }

    /** Writes {@code length} bytes of {@code pattern} at {@code offset}. */
    QemuImage write(int pattern, long offset, long length) {
        return io("write -P " + pattern + " " + offset + " " + length);
    }

    /** Writes zeros (qcow2 zero clusters) at {@code offset}. */
    QemuImage writeZeros(long offset, long length) {
        return io("write -z " + offset + " " + length);
    }

    QemuImage addBitmap(String name) {
        run("qemu-img", "bitmap", "--add", "--enable", image.toString(), name);
        return this;
    }

    /** The image's bytes now, as {@code qemu-img convert -O raw} gives them. */
    byte[] raw() {
        Path raw = directory.resolve("disk.raw");
        run("qemu-img", "convert", "-f", "qcow2", "-O", "raw", image.toString(), raw.toString());
        try {
            return Files.readAllBytes(raw);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Serves the image as export {@code name} (with {@code bitmap}'s context when given) until closed. */
    Server serve(String name, Optional<String> bitmap) {
        return serve(name, bitmap, Optional.empty(), List.of());
    }

    /** Serves the image over TCP on the loopback address at {@code port}, as {@link #serve} does on a socket. */
    Server serveTcp(String name, int port) {
        return serve(name, Optional.empty(), Optional.of(port), List.of());
    }

    /** Serves the image over TCP with TLS only, with the certificates of {@code certificates} (no client check). */
    Server serveTls(String name, int port, Path certificates) {
        return serveTls(name, port, certificates, false);
    }

    /** As {@link #serveTls(String, int, Path)}, requiring a client certificate the CA signed when asked. */
    Server serveTls(String name, int port, Path certificates, boolean verifyPeer) {
        return serve(name, Optional.empty(), Optional.of(port), List.of(
                "--object=tls-creds-x509,id=tls0,dir=" + certificates + ",endpoint=server,verify-peer="
                        + (verifyPeer ? "on" : "off"),
                "--tls-creds=tls0"));
    }

    /**
     * Makes a CA in {@code directory} (ca-cert.pem) and a server certificate it signs for 127.0.0.1 and localhost
     * (server-cert.pem, server-key.pem): the files qemu's tls-creds-x509 reads; and a client certificate it signs
     * (client-cert.pem, client-key.pem).
     */
    static Path certificates(Path directory) {
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve("ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String ec = "ec_paramgen_curve:prime256v1";
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", ec, "-nodes", "-days", "1", "-subj", "/CN=test-ca",
                "-keyout", directory.resolve("ca-key.pem").toString(), "-out", directory.resolve("ca-cert.pem").toString());
        run("openssl", "req", "-newkey", "ec", "-pkeyopt", ec, "-nodes", "-subj", "/CN=localhost",
                "-keyout", directory.resolve("server-key.pem").toString(),
                "-out", directory.resolve("server.csr").toString());
        run("openssl", "x509", "-req", "-days", "1", "-in", directory.resolve("server.csr").toString(),
                "-CA", directory.resolve("ca-cert.pem").toString(), "-CAkey", directory.resolve("ca-key.pem").toString(),
                "-CAcreateserial", "-extfile", directory.resolve("ext").toString(),
                "-out", directory.resolve("server-cert.pem").toString());
        run("openssl", "req", "-newkey", "ec", "-pkeyopt", ec, "-nodes", "-subj", "/CN=paddock",
                "-keyout", directory.resolve("client-key.pem").toString(),
                "-out", directory.resolve("client.csr").toString());
        run("openssl", "x509", "-req", "-days", "1", "-in", directory.resolve("client.csr").toString(),
                "-CA", directory.resolve("ca-cert.pem").toString(), "-CAkey", directory.resolve("ca-key.pem").toString(),
                "-CAcreateserial", "-out", directory.resolve("client-cert.pem").toString());
        return directory;
    }

    private Server serve(String name, Optional<String> bitmap, Optional<Integer> port, List<String> options) {
        Path socket = directory.resolve("nbd.sock");
        List<String> command = new ArrayList<>(List.of("qemu-nbd", "--persistent", "--format=qcow2", "--read-only",
                "--export-name=" + name));
        command.addAll(port.map(p -> List.of("--bind=127.0.0.1", "--port=" + p)).orElse(List.of("--socket=" + socket)));
        command.addAll(options);
        bitmap.ifPresent(b -> command.add("--bitmap=" + b));
        command.add(image.toString());
        try {
            Files.deleteIfExists(socket);
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(directory.resolve("qemu-nbd.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            SocketAddress address = port.<SocketAddress>map(p -> new InetSocketAddress(InetAddress.getLoopbackAddress(), p))
                    .orElse(UnixDomainSocketAddress.of(socket));
            while (!listening(address)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IllegalStateException("qemu-nbd did not start: "
                            + Files.readString(directory.resolve("qemu-nbd.log")));
                }
                Thread.sleep(10);
            }
            return new Server(process, address);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The socket file appears at bind, a moment before qemu-nbd listens: only a connection says it is ready. */
    private static boolean listening(SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress unix && !Files.exists(unix.getPath())) {
            return false;
        }
        try (SocketChannel probe = SocketChannel.open(address)) {
            return probe.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    record Server(Process process, SocketAddress address) implements AutoCloseable {
        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private QemuImage io(String command) {
        run("qemu-io", "-f", "qcow2", "-c", command, image.toString());
        return this;
    }

    private static void run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
