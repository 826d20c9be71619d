package dev.paddock.cli;

import dev.paddock.placement.roadef.Assignment;
import dev.paddock.placement.roadef.MachineReassignment;
import dev.paddock.placement.roadef.RoadefFormat;
import dev.paddock.placement.roadef.RoadefFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The challenge's files on disk, for the {@code placement} verb and the placement benchmark. The format itself is
 * the engine's {@link RoadefFormat}, which reads text: the engine touches no file.
 */
public final class RoadefFiles {
    private RoadefFiles() {}

    public static MachineReassignment readModel(Path model) {
        return RoadefFormat.parseModel(read(model), model.toString());
    }

    public static Assignment readAssignment(Path assignment, MachineReassignment instance) {
        return RoadefFormat.parseAssignment(read(assignment), assignment.toString(), instance);
    }

    public static void writeAssignment(Path target, Assignment solution) {
        try {
            Files.writeString(target, RoadefFormat.formatAssignment(solution), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            // A mistyped path is the user's error: one sentence, not a stack trace.
            throw new RoadefFormatException(file + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
