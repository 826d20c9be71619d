package dev.paddock.operation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A cloud-init NoCloud seed as the image cloud-init looks for: ISO 9660 with Joliet and Rock Ridge names, volume
 * label {@code cidata}, holding {@code meta-data}, {@code user-data} and, when given, {@code network-config}. Made
 * with genisoimage (or xorriso's mkisofs), as cloud-localds makes it.
 */
public final class SeedImage {

    /** The volume label cloud-init's NoCloud source finds the seed by. */
    public static final String LABEL = "cidata";
    private static final long TIMEOUT_SECONDS = 30;

    private SeedImage() {}

    /**
     * The seed's bytes.
     *
     * @throws IllegalStateException when neither genisoimage nor xorriso is installed on the server, or it fails
     */
    public static byte[] iso(String metaData, String userData, String networkConfig) {
        Path directory = null;
        try {
            directory = Files.createTempDirectory("paddock-seed-");
            List<String> files = new ArrayList<>(List.of("meta-data", "user-data"));
            write(directory.resolve("meta-data"), metaData);
            write(directory.resolve("user-data"), userData);
            if (!networkConfig.isEmpty()) {
                write(directory.resolve("network-config"), networkConfig);
                files.add("network-config");
            }
            Path output = directory.resolve("seed.iso");
            List<String> command = new ArrayList<>(tool());
            command.addAll(List.of("-quiet", "-output", output.toString(), "-volid", LABEL, "-joliet", "-rock"));
            command.addAll(files);
            Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .start();
            String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("the cloud-init seed could not be made: " + command.getFirst()
                        + " said: " + said);
            }
            return Files.readAllBytes(output);
        } catch (IOException e) {
            throw new IllegalStateException("the cloud-init seed could not be made: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making the cloud-init seed", e);
        } finally {
            if (directory != null) {
                removeQuietly(directory);
            }
        }
    }

    /** True when the server can make seeds. */
    public static boolean available() {
        try {
            tool();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private static List<String> tool() {
        for (String candidate : List.of("/usr/bin/genisoimage", "/usr/bin/mkisofs")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return List.of(candidate);
            }
        }
        if (Files.isExecutable(Path.of("/usr/bin/xorriso"))) {
            return List.of("/usr/bin/xorriso", "-as", "mkisofs");
        }
        throw new IllegalStateException("the server has no genisoimage or xorriso to make cloud-init seeds with;"
                + " install genisoimage");
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static void removeQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind holds no secret beyond what the seed carries; the OS clears it.
        }
    }
}
