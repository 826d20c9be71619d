package dev.paddock.bench;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** What the lab benchmarks run outside the JVM: lab/lab.sh and the tools of the lab's hosts (virsh, qemu-img ...). */
final class LabShell {

    /** A finished command: its exit code (-1 when it timed out) and what it printed, stdout and stderr merged. */
    record Output(int code, String text) {}

    /** The working directory of the lab {@link #onLab} runs on, while it runs. */
    private static volatile Path current;

    private LabShell() {}

    /** The lab's working directory ({@code PADDOCK_LAB_DIR}) while {@link #onLab} runs. */
    static String labDirectory() {
        if (current == null) {
            throw new IllegalStateException("no lab is held");
        }
        return current.toString();
    }

    /** What {@code lab/lab.sh ARGUMENTS} prints on its standard output, on the lab {@link #onLab} holds. */
    static String labOutput(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of("lab", "lab.sh").toAbsolutePath().toString());
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("PADDOCK_LAB_DIR", labDirectory());
        Output out = run(builder, Duration.ofMinutes(5));
        if (out.code() != 0) {
            throw new IllegalStateException("lab.sh " + String.join(" ", arguments) + " failed: " + out.text());
        }
        return out.text();
    }

    /** Runs {@code lab/lab.sh ARGUMENTS} on the lab in {@code dir}; throws with its words when it fails. */
    /** Work a benchmark does on the lab: given the lab's shared directory, answers the exit code. */
    interface LabWork {
        int on(Path shared) throws Exception;
    }

    /**
     * Runs {@code work} on the lab that is up, or on a lab of {@code hosts} hosts it brings up and down itself;
     * one benchmark at a time holds the lab (a lock file in /run).
     */
    static int onLab(int hosts, LabWork work) throws Exception {
        Path owner = Path.of("/run/paddock-lab.owner");
        try (FileChannel turn = FileChannel.open(Path.of("/run/paddock-lab.turn"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock held = turn.lock()) {
            Optional<Path> running = Files.exists(owner)
                    ? Optional.of(Path.of(Files.readString(owner).strip()))
                    : Optional.empty();
            Path labDir = running.orElse(Path.of("/var/tmp/paddock-lab-bench"));
            if (running.isEmpty()) {
                lab(labDir, "up", String.valueOf(hosts));
            }
            current = labDir;
            try {
                return work.on(labDir.resolve("shared"));
            } finally {
                current = null;
                if (running.isEmpty()) {
                    lab(labDir, "down");
                }
            }
        }
    }

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
