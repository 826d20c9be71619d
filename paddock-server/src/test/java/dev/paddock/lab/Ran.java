package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A command of the lab's tools run to its end: its exit code and all it printed, standard error included. */
record Ran(List<String> command, int exitCode, String output) {

    /** Runs {@code command}, failing the test when it has not ended within a minute. */
    static Ran run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String said;
        try (InputStream out = process.getInputStream()) {
            said = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command) + " ended").isTrue();
        return new Ran(List.of(command), process.exitValue(), said);
    }

    /** Runs {@code command}, which must succeed; answers what it printed. */
    static String ok(String... command) throws IOException, InterruptedException {
        Ran ran = run(command);
        assertThat(ran.exitCode()).as(String.join(" ", command) + ": " + ran.output()).isZero();
        return ran.output();
    }
}
