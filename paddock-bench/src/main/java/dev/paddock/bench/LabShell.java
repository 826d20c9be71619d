package dev.paddock.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the lab benchmarks run outside the JVM: lab/lab.sh and the tools of the lab's hosts (virsh, qemu-img ...). */
final class LabShell {

    /** A finished command: its exit code (-1 when it timed out) and what it printed, stdout and stderr merged. */
    record Output(int code, String text) {}

    private LabShell() {}

    /** Runs {@code lab/lab.sh ARGUMENTS} on the lab in {@code dir}; throws with its words when it fails. */
    static void lab(Path dir, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of("lab", "lab.sh").toAbsolutePath().toString());
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PADDOCK_LAB_DIR", dir.toString());
        Output out = run(builder, Duration.ofMinutes(5));
        if (out.code() != 0) {
            throw new IllegalStateException("lab.sh " + String.join(" ", arguments) + " failed: " + out.text());
        }
    }

    /** Runs a command for up to two minutes. */
    static Output command(List<String> command) throws IOException, InterruptedException {
        return run(new ProcessBuilder(command).redirectErrorStream(true), Duration.ofMinutes(2));
    }

    private static Output run(ProcessBuilder builder, Duration timeout) throws IOException, InterruptedException {
        Process process = builder.start();
        String text = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            return new Output(-1, "timed out: " + text);
        }
        return new Output(process.exitValue(), text);
    }
}
