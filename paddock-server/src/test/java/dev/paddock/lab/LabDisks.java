package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Disk images the backup lab tests give their guests, made with qemu-img beside the lab. */
final class LabDisks {

    private LabDisks() {}

    /** A 64 MiB qcow2 disk whose first sector marks it as the lab guest's records disk (PDKREC01). */
    static void records(Path qcow2) throws IOException {
        Path raw = Files.createTempFile("records", ".raw");
        try {
            try (RandomAccessFile file = new RandomAccessFile(raw.toFile(), "rw")) {
                file.setLength(64L << 20);
                file.write("PDKREC01".getBytes(StandardCharsets.US_ASCII));
            }
            Files.createDirectories(qcow2.getParent());
            qemuImg("convert", "-q", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString());
        } finally {
            Files.deleteIfExists(raw);
        }
    }

    /** Runs qemu-img with {@code arguments}; anything but a clean exit fails the test with its output. */
    static void qemuImg(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add("qemu-img");
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
