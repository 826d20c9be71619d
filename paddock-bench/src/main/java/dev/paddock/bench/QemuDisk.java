package dev.paddock.bench;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A qcow2 disk for the backup benchmark, made and written with qemu-img and qemu-io and served read-only by qemu-nbd
 * on a UNIX socket: what libvirt's pull-mode backup serves, a persistent dirty bitmap included.
 */
final class QemuDisk {

    /** One guest write: {@code length} bytes at {@code offset}. */
    record Write(long offset, long length) {
        long end() {
            return offset + length;
        }
    }

    private final Path image;

    private QemuDisk(Path image) {
        this.image = image;
    }

    /** Converts a raw image to qcow2 (zeros left unallocated, as {@code qemu-img convert} does). */
    static QemuDisk fromRaw(Path raw, Path image) {
        run("qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", raw.toString(), image.toString());
        return new QemuDisk(image);
    }

    /** A linked clone: a qcow2 overlay over {@code base}. */
    static QemuDisk overlay(QemuDisk base, Path image) {
        run("qemu-img", "create", "-q", "-f", "qcow2", "-b", base.image.toString(), "-F", "qcow2", image.toString());
        return new QemuDisk(image);
    }

    Path image() {
        return image;
    }

    /** Adds an enabled persistent bitmap: from now on it marks what is written. */
    QemuDisk addBitmap(String name) {
        run("qemu-img", "bitmap", "--add", "--enable", image.toString(), name);
        return this;
    }

    QemuDisk removeBitmap(String name) {
        run("qemu-img", "bitmap", "--remove", image.toString(), name);
        return this;
    }

    /**
     * Writes each write's bytes, fresh random ones from {@code random} (no two writes alike, so no deduplicator
     * finds repeated content that a guest would not have written), through qemu-io in one process.
     */
    QemuDisk write(List<Write> writes, Random random, Path scratch) {
        List<String> command = new ArrayList<>(List.of("qemu-io", "-f", "qcow2"));
        List<Path> sources = new ArrayList<>();
        try {
            for (Write write : writes) {
                byte[] bytes = new byte[(int) write.length()];
                random.nextBytes(bytes);
                Path source = scratch.resolve("write-" + sources.size() + ".bin");
                Files.write(source, bytes);
                sources.add(source);
                command.addAll(List.of("-c", "write -q -s " + source + " " + write.offset() + " " + write.length()));
            }
            command.add(image.toString());
            run(command.toArray(String[]::new));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the sources of qemu-io's writes in " + scratch, e);
        } finally {
            sources.forEach(QemuDisk::deleteQuietly);
        }
        return this;
    }

    /** Serves the disk read-only as export {@code name} (with {@code bitmap}'s context when given) until closed. */
    Server serve(String name, Optional<String> bitmap, Path socket) {
        List<String> command = new ArrayList<>(List.of("qemu-nbd", "--persistent", "--format=qcow2", "--read-only",
                "--export-name=" + name, "--socket=" + socket));
        bitmap.ifPresent(b -> command.add("--bitmap=" + b));
        command.add(image.toString());
        try {
            Files.deleteIfExists(socket);
            Path log = Path.of(socket + ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            UnixDomainSocketAddress address = UnixDomainSocketAddress.of(socket);
            while (!listening(address)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IllegalStateException("qemu-nbd did not start: " + Files.readString(log));
                }
                Thread.sleep(10);
            }
            return new Server(process, address, name);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start qemu-nbd for " + image, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while qemu-nbd started", e);
        }
    }

    /** The socket file appears at bind, a moment before qemu-nbd listens: only a connection says it is ready. */
    private static boolean listening(UnixDomainSocketAddress address) {
        if (!Files.exists(address.getPath())) {
            return false;
        }
        try (SocketChannel probe = SocketChannel.open(address)) {
            return probe.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    /** A running qemu-nbd; closing it ends the process. */
    record Server(Process process, UnixDomainSocketAddress address, String export) implements AutoCloseable {

        /** The export as qemu-img names it. */
        String uri() {
            return "nbd+unix:///" + export + "?socket=" + address.getPath();
        }

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

    static void run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output.strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command[0] + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + command[0] + " ran", e);
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a scratch file left behind goes with the benchmark's directory
        }
    }
}
