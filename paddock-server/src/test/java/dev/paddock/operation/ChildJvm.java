package dev.paddock.operation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A server the crash tests can kill: a main class of the test classpath in a JVM of its own, whose output
 * lines are followed as they come. Shared by the runner's and HA's crash tests.
 */
public final class ChildJvm {

    /** How long a child may stay silent before a test gives up on it. */
    public static final long TIMEOUT_SECONDS = 90;

    private ChildJvm() {}

    /** Starts {@code main} with {@code args}; its stderr goes to {@code stderr}. */
    public static Process start(Class<?> main, Path stderr, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    }

    /** The child's output lines, as they come. */
    public static BlockingQueue<String> follow(Process process) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                reader.lines().forEach(lines::add);
            } catch (IOException e) {
                lines.add("UNREADABLE " + e.getMessage());
            }
        });
        return lines;
    }

    /** Takes lines until one starts with {@code prefix}; fails after {@link #TIMEOUT_SECONDS} of silence. */
    public static String await(BlockingQueue<String> lines, String prefix) throws InterruptedException {
        while (true) {
            String line = lines.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (line == null) {
                throw new AssertionError("the child never printed " + prefix);
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }
}
