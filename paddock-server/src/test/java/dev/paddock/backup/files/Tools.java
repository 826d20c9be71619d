package dev.paddock.backup.files;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The real tools that make the file systems these tests read: dosfstools, mtools, e2fsprogs and util-linux. A tool
 * that is not installed fails the test with a sentence naming the Debian package ({@code ./paddock test} installs
 * them), never a skip.
 */
final class Tools {

    private static final Map<String, String> PACKAGES = Map.of(
            "mkfs.vfat", "dosfstools",
            "mcopy", "mtools",
            "mmd", "mtools",
            "mdel", "mtools",
            "mke2fs", "e2fsprogs",
            "e2fsck", "e2fsprogs",
            "debugfs", "e2fsprogs",
            "mkswap", "util-linux",
            "mkfifo", "coreutils");

    private static final List<String> SBIN = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");

    private Tools() {}

    /** Runs a tool to its end; exit codes other than {@code accepted} fail the test with its output. */
    static String run(List<String> command, int... accepted) {
        String tool = command.getFirst();
        String executable = SBIN.stream().map(dir -> Path.of(dir, tool)).filter(Files::isExecutable)
                .map(Path::toString).findFirst().orElse(null);
        if (executable == null) {
            fail(tool + " is not installed: install Debian's " + PACKAGES.getOrDefault(tool, "package that has it")
                    + " (./paddock test installs it)");
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
            builder.command().set(0, executable);
            builder.environment().put("MTOOLS_SKIP_CHECK", "1");
            builder.environment().put("LANG", "C.UTF-8");
            builder.environment().put("LC_ALL", "C.UTF-8");
            builder.environment().put("TZ", "UTC"); // FAT keeps local time: the tests read it as UTC
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes());
            int code = process.waitFor();
            boolean fine = accepted.length == 0 ? code == 0 : Arrays.stream(accepted).anyMatch(a -> a == code);
            if (!fine) {
                fail(String.join(" ", command) + " failed with exit code " + code + ": " + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + tool, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String run(String... command) {
        return run(List.of(command));
    }
}
